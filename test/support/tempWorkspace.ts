import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeWorkspace } from '../../src/cli/nodeWorkspace';
import type { WorkspacePort } from '../../src/core/tools/workspacePort';

/** A workspace folder on disk for one test, with the CLI's port over it. */
export interface TempWorkspace {
  /** Real path of the workspace folder. */
  root: string;
  workspace: NodeWorkspace;
  /** Writes a file (folders created). */
  put(rel: string, content: string | Buffer): Promise<void>;
  remove(rel: string): Promise<void>;
  /** Sets a file's mtime, e.g. to make a same-size edit visible. */
  touch(rel: string, when: Date): Promise<void>;
  cleanup(): Promise<void>;
}

/** Creates a workspace holding `files` (path → content) in a fresh temporary folder. */
export async function tempWorkspace(files: Record<string, string | Buffer> = {}): Promise<TempWorkspace> {
  const base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'ao-ws-')));
  const root = path.join(base, 'ws');
  await fs.mkdir(root);
  const abs = (rel: string): string => path.join(root, ...rel.split('/'));
  const put = async (rel: string, content: string | Buffer): Promise<void> => {
    await fs.mkdir(path.dirname(abs(rel)), { recursive: true });
    await fs.writeFile(abs(rel), content);
  };
  const entries = Object.entries(files);
  for (const dir of new Set(entries.map(([rel]) => path.dirname(abs(rel))))) await fs.mkdir(dir, { recursive: true });
  for (let i = 0; i < entries.length; i += 64) {
    await Promise.all(entries.slice(i, i + 64).map(([rel, content]) => fs.writeFile(abs(rel), content)));
  }
  return {
    root,
    workspace: new NodeWorkspace(root),
    put,
    remove: (rel) => fs.rm(abs(rel), { force: true }),
    touch: (rel, when) => fs.utimes(abs(rel), when, when),
    cleanup: () => fs.rm(base, { recursive: true, force: true }),
  };
}

/** A workspace port that records every file read and stated, for counting what an index touches. */
export interface CountingWorkspace extends WorkspacePort {
  readonly reads: string[];
  readonly stats: string[];
  /** Forgets what was counted so far. */
  reset(): void;
}

/** Wraps a port so each `readFile` and `statFile` is recorded. */
export function countingWorkspace(inner: WorkspacePort): CountingWorkspace {
  const reads: string[] = [];
  const stats: string[] = [];
  return {
    reads,
    stats,
    reset: () => {
      reads.length = 0;
      stats.length = 0;
    },
    root: inner.root,
    readFile: (p) => {
      reads.push(p);
      return inner.readFile(p);
    },
    statFile: (p) => {
      stats.push(p);
      return inner.statFile(p);
    },
    listFiles: (glob, limit) => inner.listFiles(glob, limit),
    searchText: (query, options) => inner.searchText(query, options),
    writeFile: (p, content) => inner.writeFile(p, content),
    deleteFile: (p) => inner.deleteFile(p),
  };
}
