import { randomUUID } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { errorMessage } from '../common/errors';
import { fsyncDirectory, writeFileAtomic } from './atomicFile';
import { createLockFile, readLockFile, releaseLockFile, removeLockIfUnchanged } from './lockFile';
import { busyError, judge, WorkspaceBusyError, workspaceLockPath, type WorkspaceLockInfo } from './workspaceLockInfo';
import { heldAbove, heldInside, markFoldersAbove, removeMarkers, sweepStaleMarkers } from './workspaceNesting';

const TAKEOVER_ATTEMPTS = 4;

/** A run's hold on its workspace; release it when the run ends. */
export interface WorkspaceLease {
  release(): Promise<void>;
}

/** The lock of one workspace, as the orchestrator uses it. */
export interface WorkspaceLockPort {
  /** Takes the workspace for `runId`, or throws `WorkspaceBusyError` naming the run that has it. */
  acquire(runId: string): Promise<WorkspaceLease>;
}

interface Held {
  path: string;
  info: WorkspaceLockInfo;
  text: string;
  /** Our markers on the folders above the workspace. */
  markers: string[];
}

/**
 * One lock per workspace, shared by every process of the user: a run may edit a workspace only
 * while its engine services hold the workspace's lock file (created exclusively in the per-user
 * lock folder). Runs of one services object share it, since they share one path lock table; a run
 * of any other process, or of other services in this process, is refused, and so is a run on a
 * folder above or inside a locked workspace (see `workspaceNesting.ts`). A lock whose process is
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
    // Markers first, then the look above; the lock first, then the look inside: see workspaceNesting.ts.
    const markers = await markFoldersAbove(this.locksDir, workspace, text);
    try {
      const above = await heldAbove(this.locksDir, workspace);
      if (above) throw busyError(workspace, above.path, above.holder);
      await this.createExclusive(path, workspace, text);
      // Ours now: markers a dead holder of this workspace left above it are garbage.
      await sweepStaleMarkers(this.locksDir, workspace).catch(() => undefined);
      const inside = await heldInside(this.locksDir, workspace).catch(async (err: unknown) => {
        await releaseLockFile(path, text);
        throw err;
      });
      if (inside) {
        await releaseLockFile(path, text);
        throw busyError(workspace, inside.path, inside.holder);
      }
      return { path, info, text, markers };
    } catch (err) {
      await removeMarkers(markers);
      throw err;
    }
  }

  /** Creates the workspace's own lock file, taking over a stale one; throws when it is held. */
  private async createExclusive(path: string, workspace: string, text: string): Promise<void> {
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      if (await createLockFile(path, text)) {
        await fsyncDirectory(dirname(path));
        return;
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
    await removeMarkers(mine.markers);
  }

  /** Replaces our own lock's and markers' content atomically, so no file disappears while we hold it. */
  private async rewrite(mine: Held, runs: string[]): Promise<void> {
    const info = { ...mine.info, runs };
    const text = `${JSON.stringify(info)}\n`;
    for (const file of [mine.path, ...mine.markers]) await writeFileAtomic(file, text);
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
