import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import type { DisposableLike } from '../common/disposable';

/** Tells an engine that an agent file may have changed: a FileSystemWatcher in the host, `fs.watch` elsewhere. */
export interface AgentFileWatcher {
  /** Calls `onChange` after files matching the agent-file globs are created, changed or deleted. */
  watch(onChange: () => void): DisposableLike;
}

/** The folders whose entries decide which agent files exist, relative to the root. */
const WATCHED_FOLDERS = [
  '',
  '.orchestrator',
  '.orchestrator/agents',
  '.github',
  '.github/agents',
  '.claude',
  '.claude/agents',
];

/**
 * An {@link AgentFileWatcher} on `fs.watch`: it watches the agent folders that exist and their
 * parents (so a folder created later is picked up), and re-opens its watches after every event.
 * Events are not filtered by name: a spurious reload costs one read of a few small files.
 */
export function fsAgentFileWatcher(root: string): AgentFileWatcher {
  return {
    watch(onChange) {
      let watchers: FSWatcher[] = [];
      let closed = false;
      const close = (): void => {
        for (const w of watchers) w.close();
        watchers = [];
      };
      const open = (): void => {
        close();
        for (const folder of WATCHED_FOLDERS) {
          try {
            const w = watch(path.join(root, ...folder.split('/').filter(Boolean)), () => changed());
            w.on('error', () => undefined);
            watchers.push(w);
          } catch {
            // Not there (yet): its parent's watch sees it appear.
          }
        }
      };
      const changed = (): void => {
        if (closed) return;
        open();
        onChange();
      };
      open();
      return {
        dispose: () => {
          closed = true;
          close();
        },
      };
    },
  };
}
