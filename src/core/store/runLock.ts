import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { fsyncDirectory } from './atomicFile';
import {
  createLockFile,
  isProcessAlive,
  parseLockHolder,
  readLockFile,
  releaseLockFile,
  removeLockIfUnchanged,
} from './lockFile';
import type { LockFileSnapshot } from './lockFile';
import { lazySchema } from '../common/lazySchema';

/** Name of the ownership lock inside a run folder. */
export const RUN_LOCK_FILE = 'owner.lock';
/** A lock file that is still unreadable after this long was left by a crash between create and write. */
const UNREADABLE_STALE_MS = 10_000;
const TAKEOVER_ATTEMPTS = 4;

/** Who wants to own a run; pid and hostname default to this process. */
export interface RunLockOwner {
  ownerId: string;
  pid?: number;
  hostname?: string;
}

const RunLockInfoSchema = lazySchema(() =>
  z.object({
    ownerId: z.string().min(1),
    pid: z.number().int().positive(),
    hostname: z.string(),
    acquiredAt: z.number(),
  }),
);

/** The content of `owner.lock`. */
export type RunLockInfo = z.infer<typeof RunLockInfoSchema>;

/** What the lock of a run folder says about its owner right now. */
export type RunLockStatus =
  | { state: 'free' }
  | { state: 'held'; holder: RunLockInfo | undefined; reason: string }
  | { state: 'stale'; holder: RunLockInfo | undefined; reason: string };

/** A run is owned by another live (or uncheckable) process; the message says who and what to do. */
export class RunLockedError extends Error {
  constructor(
    message: string,
    /** The lock file in the way. */
    readonly lockPath: string,
    /** Its owner, when the file was readable. */
    readonly holder: RunLockInfo | undefined,
  ) {
    super(message);
    this.name = 'RunLockedError';
  }
}

/** Ownership of one run folder; only its holder may write the run. */
export interface RunLock {
  /** The lock file. */
  readonly path: string;
  /** What was written into it. */
  readonly info: RunLockInfo;
  /** Deletes the lock file if it still holds our ownership; safe to call twice. */
  release(): Promise<void>;
}

/**
 * Takes ownership of `runDir` by creating `owner.lock` exclusively. A lock left by a dead process
 * on this host is taken over; any other existing lock throws `RunLockedError`.
 */
export async function acquireRunLock(runDir: string, owner: RunLockOwner): Promise<RunLock> {
  const path = join(runDir, RUN_LOCK_FILE);
  const info: RunLockInfo = {
    ownerId: owner.ownerId,
    pid: owner.pid ?? process.pid,
    hostname: owner.hostname ?? hostname(),
    acquiredAt: Date.now(),
  };
  const text = `${JSON.stringify(info)}\n`;
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    if (await createLockFile(path, text)) {
      await fsyncDirectory(runDir);
      return ownedLock(path, info, text);
    }
    const current = await readLockFile(path);
    if (!current) continue; // released between our create and read: try again
    const status = judgeLock(current, Date.now());
    if (status.state !== 'stale') throw lockedError(runDir, path, status.holder, status.reason);
    // Re-checks the content under an atomic rename, so a lock taken meanwhile by someone else survives.
    await removeLockIfUnchanged(path, current.text);
  }
  throw new RunLockedError(
    `Run "${basename(runDir)}" could not be locked: ${path} kept changing while taking over a stale lock. Another window is probably opening this run; try again.`,
    path,
    undefined,
  );
}

/** Reads the lock of `runDir` without touching it: free, held by a live (or unknown) owner, or stale. */
export async function readRunLock(runDir: string): Promise<RunLockStatus> {
  const current = await readLockFile(join(runDir, RUN_LOCK_FILE));
  return current ? judgeLock(current, Date.now()) : { state: 'free' };
}

/** Builds the error for a run that someone else holds, naming them and the way out. */
export function lockedError(
  runDir: string,
  path: string,
  holder: RunLockInfo | undefined,
  reason: string,
): RunLockedError {
  const run = `Run "${basename(runDir)}"`;
  if (!holder)
    return new RunLockedError(
      `${run} is locked: ${reason}. Try again in a moment; if it persists, delete ${path}.`,
      path,
      undefined,
    );
  const who = `${holder.ownerId} (pid ${holder.pid} on ${holder.hostname}, since ${new Date(holder.acquiredAt).toISOString()})`;
  if (holder.hostname !== hostname()) {
    return new RunLockedError(
      `${run} is open on another machine by ${who}. Close it there; this machine cannot tell whether that process still runs, so if it does not, delete ${path}.`,
      path,
      holder,
    );
  }
  if (holder.pid === process.pid) {
    return new RunLockedError(
      `${run} is already open in this process by ${who}. Close that writer before opening the run again.`,
      path,
      holder,
    );
  }
  return new RunLockedError(
    `${run} is open in another window by ${who}. Close the run in that window first, or wait for it to finish.`,
    path,
    holder,
  );
}

function judgeLock(current: LockFileSnapshot, now: number): Exclude<RunLockStatus, { state: 'free' }> {
  const holder = parseLockHolder(current.text, RunLockInfoSchema);
  if (!holder) {
    // Exclusive create and write are two steps; a crash between them leaves an empty file forever.
    return now - current.mtimeMs > UNREADABLE_STALE_MS
      ? { state: 'stale', holder: undefined, reason: 'the lock file is unreadable and old' }
      : { state: 'held', holder: undefined, reason: 'another process is writing the lock file right now' };
  }
  if (holder.hostname !== hostname()) return { state: 'held', holder, reason: 'held on another machine' };
  if (!isProcessAlive(holder.pid))
    return { state: 'stale', holder, reason: `process ${holder.pid} is no longer running` };
  return { state: 'held', holder, reason: `process ${holder.pid} is running` };
}

function ownedLock(path: string, info: RunLockInfo, text: string): RunLock {
  let released: Promise<void> | undefined;
  return {
    path,
    info,
    release: () => (released ??= releaseLockFile(path, text).then(() => undefined)),
  };
}
