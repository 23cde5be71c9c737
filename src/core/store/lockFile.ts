import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { z } from 'zod';

/** A lock file's raw content and age, as read at one moment. */
export interface LockFileSnapshot {
  text: string;
  mtimeMs: number;
}

/**
 * Creates `path` exclusively ('wx') with `content`, synced to disk. Returns false when the file
 * already exists; exclusive creation is what makes exactly one contender win.
 */
export async function createLockFile(path: string, content: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await handle.writeFile(content);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return true;
}

/** Reads a lock file; undefined when there is none. */
export async function readLockFile(path: string): Promise<LockFileSnapshot | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { text, mtimeMs: info.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Removes a lock judged stale, but only if it still holds the content that was judged. Two
 * processes may judge the same lock stale at once; renaming it aside is atomic, so only one of
 * them moves it, and a process that finds it moved a fresh lock instead puts that one back.
 * Returns whether the stale lock is gone (by our hand or another's).
 */
export async function removeLockIfUnchanged(path: string, judgedText: string): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved === judgedText) {
    await unlink(aside).catch(() => undefined);
    return true;
  }
  // link() refuses to overwrite, so a lock created in the meantime by a third process wins.
  await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return false;
}

/** Deletes a lock file only if it still holds exactly `ownText`, so we never remove someone else's lock. */
export async function releaseLockFile(path: string, ownText: string): Promise<boolean> {
  const current = await readLockFile(path);
  if (current?.text !== ownText) return false;
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Whether a process with this pid exists on this machine (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  // kill(0) or a negative pid would signal a whole process group, not one process.
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder a lock file's text names, or undefined when it is not (yet) valid JSON of that shape. */
export function parseLockHolder<T>(text: string, schema: z.ZodType<T>): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
