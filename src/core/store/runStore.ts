import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../common/errors';
import { newId } from '../common/ids';
import type { Usage } from '../model/usage';
import type { RunEvent, RunStatus, TaskStatus } from '../model/runEvents';
import { countTasks, emptyRunState } from '../model/runState';
import type { RunState } from '../model/runState';
import { fsyncDirectory, removeAtomicTempFiles } from './atomicFile';
import { EventLogWriter } from './eventLogWriter';
import { readEventLog } from './eventLogReader';
import type { RunLock } from './runLock';
import { acquireRunLock, readRunLock } from './runLock';
import { isSafeRunId, runLayout, RUNS_DIR } from './runLayout';
import type { RunLayout } from './runLayout';
import { recoverRunState, UnreadableRunError } from './recovery';
import type { RecoveredRun } from './recovery';
import { RunWriter } from './runWriter';
import { SNAPSHOT_FILE } from './snapshot';
import type { PlanRecord } from './snapshot';
import { renderRunSummary } from './summaryMarkdown';

const LIST_CONCURRENCY = 8;
const MAX_WARNINGS_IN_SUMMARY = 3;
/** The log growth a periodic snapshot waits for by default: folding that much on recovery took about 0.2 s. */
export const DEFAULT_SNAPSHOT_AFTER_LOG_BYTES = 8 * 2 ** 20;

/** How a `RunStore` is set up. */
export interface RunStoreOptions {
  /** Storage root; runs live in `<root>/runs/<runId>/`. */
  root: string;
  /** Names this window or process in run locks; a fresh id by default. */
  ownerId?: string;
  /** Events between snapshots, at least; default 5000. */
  snapshotEvery?: number;
  /**
   * A periodic snapshot also waits until the log has grown by this many times the last snapshot's
   * size; default 1 (snapshot bytes never outgrow log bytes). 0 snapshots strictly every `snapshotEvery` events.
   */
  snapshotGrowth?: number;
  /**
   * With a `snapshotGrowth` above 0, a periodic snapshot also waits until the log has grown by this
   * many bytes since the last one; default 8 MiB (folding that much on recovery took about 0.2 s),
   * so a short run writes one snapshot, on close.
   */
  snapshotAfterLogBytes?: number;
  /** Group-commit delay of the event log; default 10 ms. */
  flushIntervalMs?: number;
}

/** One line of the run list. */
export interface RunSummary {
  runId: string;
  goal: string;
  status: RunStatus;
  createdAt: number;
  updatedAt: number;
  taskCounts: Record<TaskStatus, number>;
  usage: Usage;
  /** Another live process (or one on another machine) owns the run; a run still `running` without it was interrupted. */
  locked: boolean;
  /** Set when the run could only be read in part; it is listed anyway. */
  warning?: string;
}

/** A run opened for writing, with the state it resumes from. */
export interface OpenedRun {
  writer: RunWriter;
  /**
   * The recovered state: the one object the writer snapshots. The run session folds every event
   * into it before appending the event, so it is never copied.
   */
  state: RunState;
  warnings: string[];
}

/** One folder per run under `<root>/runs`: event log, snapshot, ownership lock. */
export class RunStore {
  /** The id written into the locks this store takes. */
  readonly ownerId: string;
  private readonly root: string;
  private readonly snapshotEvery: number;
  private readonly snapshotGrowth: number;
  private readonly snapshotAfterLogBytes: number;
  private readonly flushIntervalMs: number | undefined;

  constructor(options: RunStoreOptions) {
    this.root = options.root;
    this.ownerId = options.ownerId ?? newId('store');
    this.snapshotEvery = options.snapshotEvery ?? 5000;
    this.snapshotGrowth = options.snapshotGrowth ?? 1;
    this.snapshotAfterLogBytes = options.snapshotAfterLogBytes ?? DEFAULT_SNAPSHOT_AFTER_LOG_BYTES;
    this.flushIntervalMs = options.flushIntervalMs;
  }

  /**
   * Creates a new run folder, takes its lock and opens its log; refuses an existing or unsafe id.
   * `state` is the new run's (empty) state, which the caller folds every event into before
   * appending it; the writer snapshots that same object.
   */
  async create(runId: string, state: RunState): Promise<RunWriter> {
    if (state.runId !== runId || state.lastSeq !== 0) {
      throw new Error(
        `A new run "${runId}" starts from its own empty state; got the state of run "${state.runId}" at seq ${state.lastSeq}.`,
      );
    }
    const layout = runLayout(this.root, runId);
    const runsDir = join(this.root, RUNS_DIR);
    await mkdir(runsDir, { recursive: true });
    try {
      await mkdir(layout.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      throw new Error(`Run "${runId}" already exists in ${runsDir}; choose another id, or open it to resume.`, {
        cause: err,
      });
    }
    let lock: RunLock | undefined;
    let log: EventLogWriter | undefined;
    try {
      await fsyncDirectory(runsDir);
      lock = await acquireRunLock(layout.dir, { ownerId: this.ownerId });
      log = await EventLogWriter.open(layout.log, this.logOptions());
      return this.writer(layout, log, lock, state);
    } catch (err) {
      // Nothing half-made stays behind: the folder is ours alone until this returns.
      await log?.close().catch(() => undefined);
      await lock?.release().catch(() => undefined);
      await rm(layout.dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Opens an existing run to resume it: takes the lock, recovers the state (quarantining an
   * unusable snapshot) and opens the log for appending after cutting off a torn last line.
   */
  async open(runId: string): Promise<OpenedRun> {
    const layout = await this.existing(runId);
    const lock = await acquireRunLock(layout.dir, { ownerId: this.ownerId });
    try {
      const warnings: string[] = [];
      const leftovers = await removeAtomicTempFiles(layout.dir);
      if (leftovers.length > 0)
        warnings.push(
          `Removed ${leftovers.length} unfinished temp files of run "${runId}" left by an interrupted write.`,
        );
      const recovered = await recoverRunState(layout.dir, runId, { quarantine: true });
      warnings.push(...recovered.warnings);
      const log = await EventLogWriter.open(layout.log, this.logOptions());
      const writer = this.writer(layout, log, lock, recovered.state, recovered.planRecord);
      return { writer, state: recovered.state, warnings };
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw err;
    }
  }

  /**
   * Reads a run without owning it: no lock, no writes. An unusable snapshot is only reported, not
   * quarantined, because another window may own the run and moving its files is the owner's job.
   * A run of which nothing can be read is the exception: when no one owns it, its files are
   * quarantined under its lock, and the error says where they went.
   */
  async load(runId: string): Promise<RecoveredRun> {
    const layout = await this.existing(runId);
    const lock = await readRunLock(layout.dir);
    try {
      return await recoverRunState(layout.dir, runId, { quarantine: false, liveWriter: lock.state === 'held' });
    } catch (err) {
      if (!(err instanceof UnreadableRunError) || err.quarantined.length > 0 || lock.state === 'held') throw err;
    }
    let owned: RunLock;
    try {
      owned = await acquireRunLock(layout.dir, { ownerId: this.ownerId });
    } catch {
      // Someone took the run meanwhile: moving its files is theirs to do.
      return recoverRunState(layout.dir, runId, { quarantine: false, liveWriter: true });
    }
    try {
      return await recoverRunState(layout.dir, runId, { quarantine: true });
    } finally {
      await owned.release().catch(() => undefined);
    }
  }

  /**
   * A run's events as stored, read without owning the run (another writer may be appending: a torn
   * last line is skipped quietly). Bad lines are skipped; recovery reports them.
   */
  async readEvents(runId: string): Promise<RunEvent[]> {
    const layout = await this.existing(runId);
    return (await readEventLog(layout.log, { liveWriter: true })).events;
  }

  /** Every run, newest first; a run that cannot be fully read is listed with a warning, never dropped. */
  async list(): Promise<RunSummary[]> {
    let names: string[];
    try {
      const entries = await readdir(join(this.root, RUNS_DIR), { withFileTypes: true });
      names = entries.filter((e) => e.isDirectory() && isSafeRunId(e.name)).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const summaries = await mapLimited(names, LIST_CONCURRENCY, (runId) => this.summarize(runId));
    return summaries.sort((a, b) => b.createdAt - a.createdAt || a.runId.localeCompare(b.runId));
  }

  /** The Markdown summary of a run, with any recovery warnings at the end. */
  async exportMarkdown(runId: string): Promise<string> {
    const { state, warnings } = await this.load(runId);
    return renderRunSummary(state, { warnings });
  }

  /** Deletes a run folder; refuses while another live process owns the run. */
  async delete(runId: string): Promise<void> {
    const layout = await this.existing(runId);
    const runsDir = join(this.root, RUNS_DIR);
    // Taking the lock ourselves both refuses a live owner and keeps anyone from opening the run meanwhile.
    const lock = await acquireRunLock(layout.dir, { ownerId: this.ownerId });
    const trash = join(runsDir, `.deleted-${runId}-${randomBytes(4).toString('hex')}`);
    try {
      // One rename makes the run vanish at once; a crash during the slow removal leaves only a hidden folder.
      await rename(layout.dir, trash);
    } catch (err) {
      await lock.release().catch(() => undefined);
      throw new Error(
        `Could not delete run "${runId}": ${errorMessage(err)}. Close anything using its files and try again.`,
        { cause: err },
      );
    }
    await fsyncDirectory(runsDir);
    await rm(trash, { recursive: true, force: true });
  }

  private async summarize(runId: string): Promise<RunSummary> {
    const { dir } = runLayout(this.root, runId);
    let recovered: RunState;
    let warnings: string[];
    let locked = false;
    let folderTime = 0;
    try {
      const [lock, info] = await Promise.all([readRunLock(dir), stat(dir)]);
      locked = lock.state === 'held';
      folderTime = info.mtimeMs;
      const result = await recoverRunState(dir, runId, { quarantine: false, liveWriter: locked });
      recovered = result.state;
      warnings = result.warnings;
    } catch (err) {
      // Listed anyway: an unreadable run shown as failed with the reason beats a run that silently vanishes.
      recovered = { ...emptyRunState(runId), status: 'failed' };
      warnings = [
        err instanceof UnreadableRunError ? err.message : `Could not read run "${runId}": ${errorMessage(err)}`,
      ];
    }
    // A run without its creation event still needs a place in the list: use its folder's time.
    const createdAt = recovered.createdAt || folderTime;
    const summary: RunSummary = {
      runId,
      goal: recovered.goal,
      status: recovered.status,
      createdAt,
      updatedAt: recovered.updatedAt || createdAt,
      taskCounts: countTasks(recovered),
      usage: { ...recovered.usage },
      locked,
    };
    if (warnings.length > 0) {
      const more = warnings.length - MAX_WARNINGS_IN_SUMMARY;
      summary.warning =
        warnings.slice(0, MAX_WARNINGS_IN_SUMMARY).join(' ') + (more > 0 ? ` (${more} more warnings)` : '');
    }
    return summary;
  }

  private async existing(runId: string): Promise<RunLayout> {
    const layout = runLayout(this.root, runId);
    try {
      const info = await stat(layout.dir);
      if (info.isDirectory()) return layout;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    throw new Error(`There is no run "${runId}" in ${join(this.root, RUNS_DIR)}.`);
  }

  private writer(
    layout: RunLayout,
    log: EventLogWriter,
    lock: RunLock,
    state: RunState,
    planRecord?: PlanRecord,
  ): RunWriter {
    return new RunWriter({
      ...(planRecord ? { planRecord } : {}),
      log,
      lock,
      state,
      snapshotPath: join(layout.dir, SNAPSHOT_FILE),
      snapshotEvery: this.snapshotEvery,
      snapshotGrowth: this.snapshotGrowth,
      snapshotAfterLogBytes: this.snapshotAfterLogBytes,
    });
  }

  private logOptions(): { flushIntervalMs?: number } {
    return this.flushIntervalMs === undefined ? {} : { flushIntervalMs: this.flushIntervalMs };
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The store of the runs under a state folder, for reading them outside an engine (list, show). */
export function runStoreAt(root: string): RunStore {
  return new RunStore({ root });
}
