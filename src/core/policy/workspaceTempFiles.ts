import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** `.<target>.ao-write-<pid>-<12 hex>.tmp`: the temp file of one workspace write, named after its writer. */
const TEMP_NAME = /^\..*\.ao-write-(\d+)-[0-9a-f]{12}\.tmp$/;
/** Characters of the target's name kept in a temp name, so a long name cannot push it past the OS limit. */
const MAX_TARGET_CHARS = 80;
/** Folders a sweep never enters: git's own files and installed packages, which agents do not edit. */
const SWEEP_SKIPPED = new Set(['.git', 'node_modules']);
/** A temp file this old is left over whatever its pid says (a pid may be reused). */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** The temp name for a write of `target` (a file name, not a path) by this process. */
export function workspaceTempName(target: string): string {
  return `.${target.slice(0, MAX_TARGET_CHARS)}.ao-write-${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
}

/** Whether a file name is a workspace write's temp file; listings and searches leave these out. */
export function isWorkspaceTempFile(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** What {@link removeInterruptedWrites} did. */
export interface InterruptedWriteSweep {
  /** Workspace-relative paths of the temp files removed. */
  removed: string[];
  /** The walk stopped at its entry limit; temp files further on are left for another start. */
  truncated: boolean;
}

/** Options of {@link removeInterruptedWrites}. */
export interface InterruptedWriteSweepOptions {
  /** Files and folders looked at before the sweep stops. Default 200 000. */
  maxEntries?: number;
  /** Whether the process that made a temp file still runs; default: `process.kill(pid, 0)`. */
  isAlive?: (pid: number) => boolean;
  /** Now, in milliseconds since the epoch. */
  now?: number;
}

/**
 * Removes the temp files that writes interrupted by a crash or a kill left in the workspace: every
 * file named like {@link workspaceTempName} whose writer no longer runs (or that is a day old),
 * anywhere below `root` except `.git` and `node_modules`. Symlinks are never followed, so the sweep
 * stays inside the workspace; a live writer's temp file is left alone, so two processes can share
 * a workspace.
 */
export async function removeInterruptedWrites(
  root: string,
  options: InterruptedWriteSweepOptions = {},
): Promise<InterruptedWriteSweep> {
  const rootReal = await fs.realpath(root);
  const maxEntries = options.maxEntries ?? 200_000;
  const isAlive = options.isAlive ?? processIsAlive;
  const now = options.now ?? Date.now();
  const removed: string[] = [];
  let seen = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    const dir = pending.pop() ?? '';
    const entries = await fs.readdir(path.join(rootReal, dir), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (++seen > maxEntries) return { removed, truncated: true };
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SWEEP_SKIPPED.has(entry.name)) pending.push(relative);
        continue;
      }
      const pid = Number(TEMP_NAME.exec(entry.name)?.[1] ?? Number.NaN);
      if (!entry.isFile() || !Number.isSafeInteger(pid)) continue;
      const absolute = path.join(rootReal, relative);
      const stat = await fs.lstat(absolute).catch(() => undefined);
      if (stat === undefined || (isAlive(pid) && now - stat.mtimeMs < STALE_AFTER_MS)) continue;
      await fs.unlink(absolute).then(
        () => removed.push(relative),
        () => undefined, // gone already, or not ours to remove: left for the user
      );
    }
  }
  return { removed: removed.sort(), truncated: false };
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: unknown }).code === 'EPERM';
  }
}
