import { createHash, randomUUID } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../common/errors';
import { fsyncDirectory, writeFileAtomic } from './atomicFile';
import { createLockFile, isProcessAlive, readLockFile, releaseLockFile, removeLockIfUnchanged } from './lockFile';
import type { LockFileSnapshot } from './lockFile';
import { startedAfter } from './processStart';

/** The folder of workspace locks inside the per-user lock folder. */
export const WORKSPACES_DIR = 'workspaces';
/** A lock file still unreadable after this long was left by a crash between create and write. */
const UNREADABLE_STALE_MS = 10_000;
const TAKEOVER_ATTEMPTS = 4;

const WorkspaceLockInfoSchema = z.object({
  ownerId: z.string().min(1),
  pid: z.number().int().positive(),
  hostname: z.string(),
  acquiredAt: z.number(),
  workspace: z.string(),
  runs: z.array(z.string()),
});

/** The content of a workspace lock: which process (and which of its engine services) runs what there. */
export type WorkspaceLockInfo = z.infer<typeof WorkspaceLockInfoSchema>;

/** Another run edits this workspace; the message names it, its process, and what to do. */
export class WorkspaceBusyError extends Error {
  override readonly name = 'WorkspaceBusyError';
  constructor(
    message: string,
    /** The lock file in the way. */
    readonly lockPath: string,
    /** Its owner, when the file was readable. */
    readonly holder: WorkspaceLockInfo | undefined,
  ) {
    super(message);
  }
}

/** A run's hold on its workspace; release it when the run ends. */
export interface WorkspaceLease {
  release(): Promise<void>;
}

/** The lock of one workspace, as the orchestrator uses it. */
export interface WorkspaceLockPort {
  /** Takes the workspace for `runId`, or throws `WorkspaceBusyError` naming the run that has it. */
  acquire(runId: string): Promise<WorkspaceLease>;
}

/** The lock file of a workspace: keyed by a hash of its real path (case-folded where file names are). */
export function workspaceLockPath(locksDir: string, realRoot: string): string {
  const key = process.platform === 'win32' || process.platform === 'darwin' ? realRoot.toLowerCase() : realRoot;
  return join(locksDir, WORKSPACES_DIR, `${createHash('sha256').update(key).digest('hex')}.lock`);
}

interface Held {
  path: string;
  info: WorkspaceLockInfo;
  text: string;
}

/**
 * One lock per workspace, shared by every process of the user: a run may edit a workspace only
 * while its engine services hold the workspace's lock file (created exclusively in the per-user
 * lock folder). Runs of one services object share it, since they share one path lock table; a run
 * of any other process, or of other services in this process, is refused. A lock whose process is
 * dead, or whose pid now belongs to a process started after the lock was taken, is taken over.
 */
export class WorkspaceLocks {
  private readonly ownerId = `services-${randomUUID()}`;
  private readonly held = new Map<string, Held>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly locksDir: string) {}

  /** The lock of the workspace at `root`. */
  forWorkspace(root: string): WorkspaceLockPort {
    return { acquire: (runId) => this.serial(() => this.acquire(root, runId)) };
  }

  private async acquire(root: string, runId: string): Promise<WorkspaceLease> {
    let real: string;
    try {
      real = await realpath(root);
    } catch (err) {
      throw new Error(`The workspace ${root} cannot be locked: it cannot be opened (${errorMessage(err)}).`, {
        cause: err,
      });
    }
    const path = workspaceLockPath(this.locksDir, real);
    const mine = this.held.get(path);
    if (mine) {
      await this.rewrite(mine, [...mine.info.runs.filter((r) => r !== runId), runId]);
    } else {
      this.held.set(path, await this.create(path, real, runId));
    }
    let released: Promise<void> | undefined;
    return { release: () => (released ??= this.serial(() => this.leave(path, runId))) };
  }

  private async create(path: string, workspace: string, runId: string): Promise<Held> {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new Error(
        `The lock folder ${dirname(path)} cannot be created (${errorMessage(err)}); make it writable so runs on one workspace can see each other.`,
        { cause: err },
      );
    }
    const info: WorkspaceLockInfo = {
      ownerId: this.ownerId,
      pid: process.pid,
      hostname: hostname(),
      acquiredAt: Date.now(),
      workspace,
      runs: [runId],
    };
    const text = `${JSON.stringify(info)}\n`;
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      if (await createLockFile(path, text)) {
        await fsyncDirectory(dirname(path));
        return { path, info, text };
      }
      const current = await readLockFile(path);
      if (!current) continue; // released between our create and read: try again
      const verdict = await judge(current, Date.now());
      if (verdict.state !== 'stale') throw busyError(workspace, path, verdict.holder);
      // Re-checks the content under an atomic rename, so a lock taken meanwhile by someone else survives.
      await removeLockIfUnchanged(path, current.text);
    }
    throw new WorkspaceBusyError(
      `The workspace ${workspace} could not be locked: ${path} kept changing while a stale lock was taken over. Another run is probably starting there; try again in a moment.`,
      path,
      undefined,
    );
  }

  private async leave(path: string, runId: string): Promise<void> {
    const mine = this.held.get(path);
    if (!mine || !mine.info.runs.includes(runId)) return;
    const runs = mine.info.runs.filter((r) => r !== runId);
    if (runs.length > 0) return this.rewrite(mine, runs);
    // Forgotten only once the file is gone: a lock that could not be deleted is still ours to join.
    await releaseLockFile(path, mine.text);
    this.held.delete(path);
  }

  /** Replaces our own lock's content atomically, so the file never disappears while we hold it. */
  private async rewrite(mine: Held, runs: string[]): Promise<void> {
    const info = { ...mine.info, runs };
    const text = `${JSON.stringify(info)}\n`;
    await writeFileAtomic(mine.path, text);
    mine.info = info;
    mine.text = text;
  }

  /** Runs lock operations one at a time, so joins and leaves of one services object never interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

type Verdict = { state: 'held' | 'stale'; holder: WorkspaceLockInfo | undefined };

async function judge(current: LockFileSnapshot, now: number): Promise<Verdict> {
  let json: unknown;
  try {
    json = JSON.parse(current.text);
  } catch {
    json = undefined;
  }
  const parsed = WorkspaceLockInfoSchema.safeParse(json);
  if (!parsed.success)
    // Exclusive create and write are two steps; a crash between them leaves an unreadable file forever.
    return { state: now - current.mtimeMs > UNREADABLE_STALE_MS ? 'stale' : 'held', holder: undefined };
  const holder = parsed.data;
  if (holder.hostname !== hostname()) return { state: 'held', holder };
  // A pid that is alive may belong to a younger process that merely got the dead holder's number.
  const gone = !isProcessAlive(holder.pid) || (await startedAfter(holder.pid, holder.acquiredAt));
  return { state: gone ? 'stale' : 'held', holder };
}

/** The refusal: who has the workspace, and what to do about it. */
function busyError(workspace: string, path: string, holder: WorkspaceLockInfo | undefined): WorkspaceBusyError {
  if (!holder)
    return new WorkspaceBusyError(
      `Another run is taking the workspace ${workspace} right now; try again in a moment. If this persists, delete ${path}.`,
      path,
      undefined,
    );
  const runs = holder.runs.length === 0 ? 'another run' : `run ${holder.runs.join(', run ')}`;
  const where =
    holder.hostname !== hostname()
      ? `pid ${holder.pid} on ${holder.hostname}`
      : holder.pid === process.pid
        ? `pid ${holder.pid}, this process`
        : `pid ${holder.pid}`;
  const verb = holder.runs.length > 1 ? 'are' : 'is';
  const remedy =
    holder.hostname !== hostname()
      ? `; this machine cannot tell whether that process still runs, so if it does not, delete ${path}`
      : '';
  return new WorkspaceBusyError(
    `${capitalise(runs)} (${where}) ${verb} already running on this workspace (${workspace}); wait for it or cancel it, then try again${remedy}.`,
    path,
    holder,
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
