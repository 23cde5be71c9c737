import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { z } from 'zod';
import { isProcessAlive, parseLockHolder } from './lockFile';
import type { LockFileSnapshot } from './lockFile';
import { startedAfter } from './processStart';
import { lazySchema } from '../common/lazySchema';

/** The folder of workspace locks inside the per-user lock folder. */
export const WORKSPACES_DIR = 'workspaces';
/** A lock file still unreadable after this long was left by a crash between create and write. */
const UNREADABLE_STALE_MS = 10_000;

const WorkspaceLockInfoSchema = lazySchema(() =>
  z.object({
    ownerId: z.string().min(1),
    pid: z.number().int().positive(),
    hostname: z.string(),
    acquiredAt: z.number(),
    workspace: z.string(),
    runs: z.array(z.string()),
  }),
);

/** The content of a workspace lock (and of its markers): which process (and which of its engine services) runs what where. */
export type WorkspaceLockInfo = z.infer<typeof WorkspaceLockInfoSchema>;

/** Another run edits this workspace, or one containing it or inside it; the message names it, its process, and what to do. */
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

/** The key of a workspace's files in the lock folder: a hash of its real path (case-folded where file names are). */
export function workspaceKey(realRoot: string): string {
  const key = process.platform === 'win32' || process.platform === 'darwin' ? realRoot.toLowerCase() : realRoot;
  return createHash('sha256').update(key).digest('hex');
}

/** The lock file of a workspace. */
export function workspaceLockPath(locksDir: string, realRoot: string): string {
  return join(locksDir, WORKSPACES_DIR, `${workspaceKey(realRoot)}.lock`);
}

/** Whether a lock or marker is still held: its process lives (on this host, as the same process), or cannot be checked. */
export type Verdict = { state: 'held' | 'stale'; holder: WorkspaceLockInfo | undefined };

/** Judges a lock or marker file as read at one moment. */
export async function judge(current: LockFileSnapshot, now: number): Promise<Verdict> {
  const holder = parseLockHolder(current.text, WorkspaceLockInfoSchema);
  if (!holder)
    // Exclusive create and write are two steps; a crash between them leaves an unreadable file forever.
    return { state: now - current.mtimeMs > UNREADABLE_STALE_MS ? 'stale' : 'held', holder: undefined };
  if (holder.hostname !== hostname()) return { state: 'held', holder };
  // A pid that is alive may belong to a younger process that merely got the dead holder's number.
  const gone = !isProcessAlive(holder.pid) || (await startedAfter(holder.pid, holder.acquiredAt));
  return { state: gone ? 'stale' : 'held', holder };
}

/** The refusal: who has the workspace (or one containing it or inside it), and what to do about it. */
export function busyError(workspace: string, path: string, holder: WorkspaceLockInfo | undefined): WorkspaceBusyError {
  if (!holder)
    return new WorkspaceBusyError(
      `Another run is taking the workspace ${workspace} or a folder around or inside it right now; try again in a moment. If this persists, delete ${path}.`,
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
  const on =
    holder.workspace === workspace
      ? `on this workspace (${workspace})`
      : isInside(workspace, holder.workspace)
        ? `on ${holder.workspace}, which contains this workspace (${workspace})`
        : `on ${holder.workspace}, inside this workspace (${workspace})`;
  const remedy =
    holder.hostname !== hostname()
      ? `; this machine cannot tell whether that process still runs, so if it does not, delete ${path}`
      : '';
  return new WorkspaceBusyError(
    `${capitalise(runs)} (${where}) ${verb} already running ${on}; wait for it or cancel it, then try again${remedy}.`,
    path,
    holder,
  );
}

/** Whether `inner` lies inside `outer` (both real paths). */
function isInside(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
