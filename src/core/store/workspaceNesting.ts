import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createLockFile, readLockFile, removeLockIfUnchanged } from './lockFile';
import { judge, workspaceKey, workspaceLockPath, WORKSPACES_DIR, type WorkspaceLockInfo } from './workspaceLockInfo';

/**
 * Workspaces nest (a CLI on a repository, a window on one of its packages; a multi-root window), and
 * their path locks, relative to each root, cannot see each other. So a run also leaves a marker on
 * every folder above its workspace, `<key of the folder>.inside.<random>`, and a workspace is busy
 * while a folder above it is locked or a live marker sits on it. Each side writes its own file before
 * it looks for the other's, so of two runs starting at once at least one sees the other.
 */

/** What the lock folder says about a workspace's surroundings: a holder above or inside it, if any. */
export interface NestedHolder {
  path: string;
  holder: WorkspaceLockInfo | undefined;
}

/** The real folders above `realRoot`, nearest first, up to the file system's root. */
export function foldersAbove(realRoot: string): string[] {
  const out: string[] = [];
  for (let dir = dirname(realRoot); ; dir = dirname(dir)) {
    out.push(dir);
    if (dirname(dir) === dir) return out;
  }
}

/** Writes a marker with `text` on every folder above `realRoot`; returns their paths. */
export async function markFoldersAbove(locksDir: string, realRoot: string, text: string): Promise<string[]> {
  const markers: string[] = [];
  try {
    for (const folder of foldersAbove(realRoot)) {
      const marker = join(locksDir, WORKSPACES_DIR, `${workspaceKey(folder)}.inside.${randomBytes(8).toString('hex')}`);
      if (!(await createLockFile(marker, text))) throw new Error(`The marker ${marker} exists already.`);
      markers.push(marker);
    }
    return markers;
  } catch (err) {
    await removeMarkers(markers);
    throw err;
  }
}

/** Deletes markers; one already gone is fine. */
export async function removeMarkers(markers: readonly string[]): Promise<void> {
  await Promise.all(markers.map((m) => unlink(m).catch(() => undefined)));
}

/** The live lock of a folder above `realRoot`, if any; stale ones are removed on the way. */
export async function heldAbove(locksDir: string, realRoot: string): Promise<NestedHolder | undefined> {
  for (const folder of foldersAbove(realRoot)) {
    const held = await liveFile(workspaceLockPath(locksDir, folder));
    if (held) return held;
  }
  return undefined;
}

/** A live marker left on `realRoot` by a run on a folder inside it, if any; stale ones are removed on the way. */
export async function heldInside(locksDir: string, realRoot: string): Promise<NestedHolder | undefined> {
  const prefix = `${workspaceKey(realRoot)}.inside.`;
  const dir = join(locksDir, WORKSPACES_DIR);
  // A marker judged stale is renamed aside (`….stale`) for a moment; that copy is not a marker.
  const names = (await readdir(dir)).filter((n) => n.startsWith(prefix) && !n.endsWith('.stale'));
  for (const name of names) {
    const held = await liveFile(join(dir, name));
    if (held) return held;
  }
  return undefined;
}

/** Removes the markers a dead run on `realRoot` left on the folders above it (once we hold its lock). */
export async function sweepStaleMarkers(locksDir: string, realRoot: string): Promise<void> {
  const dir = join(locksDir, WORKSPACES_DIR);
  for (const name of await readdir(dir)) {
    if (!name.includes('.inside.') || name.endsWith('.stale')) continue;
    const current = await readLockFile(join(dir, name));
    if (!current) continue;
    const verdict = await judge(current, Date.now());
    if (verdict.state === 'stale' && verdict.holder?.workspace === realRoot)
      await removeLockIfUnchanged(join(dir, name), current.text);
  }
}

async function liveFile(path: string): Promise<NestedHolder | undefined> {
  const current = await readLockFile(path);
  if (!current) return undefined;
  const verdict = await judge(current, Date.now());
  if (verdict.state === 'held') return { path, holder: verdict.holder };
  await removeLockIfUnchanged(path, current.text);
  return undefined;
}
