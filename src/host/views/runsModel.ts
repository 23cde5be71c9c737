// The live model of runs behind the tree, the status bar and the context keys. Free of `vscode`
// so it can be unit-tested in plain Node; the host feeds it run events and store reads.
import { Disposable, type DisposableLike } from '../../core/common/disposable';
import { Emitter, type Event } from '../../core/common/emitter';
import { errorMessage } from '../../core/common/errors';
import type { RunEvent, RunEventType } from '../../core/model/runEvents';
import type { RunEventSink } from '../../core/model/runEventSink';
import { emptyRunState, type RunState } from '../../core/model/runState';
import type { RunSummary } from '../../core/store/runStore';
import {
  displayStatusOf,
  RESUMABLE_STATUSES,
  sameSummary,
  summaryOf,
  type RunEntry,
  type RunsChange,
} from './runEntry';

/** What the model reads from the run store. */
export interface RunsSource {
  list(): Promise<RunSummary[]>;
  load(runId: string): Promise<{ state: RunState; warnings: string[] }>;
}

/** Events that change nothing the views show beyond the "updated" time; not announced. */
const QUIET_EVENTS: ReadonlySet<RunEventType> = new Set([
  'log',
  'span.started',
  'span.ended',
  'metrics',
  'task.step.started',
  'task.step.completed',
  'context.changed',
  'message.sent',
  'message.read',
]);

interface MutableEntry {
  runId: string;
  /** The store's summary, or one derived from `details`; stale while `summaryStale` (a live run moved on). */
  summary: RunSummary;
  summaryStale: boolean;
  /** The state read from the store (or kept from the run's end); unused while `liveState` is set. */
  details: Readonly<RunState> | undefined;
  detailWarnings: string[];
  /** The state of the session of this window that runs the run; the model only reads it. */
  liveState: (() => Readonly<RunState>) | undefined;
  loading: Promise<Readonly<RunState> | undefined> | undefined;
  /** Events arrived for a run that is not attached while it was being read: read it once more. */
  reloadAfterLoading: boolean;
  /** The creation time the entry was sorted by. */
  placedAt: number | undefined;
}

/**
 * The runs of the store, newest first, re-read from the store on refresh. A run a session of this
 * window runs is shown from that session's own state (attached with `attachLive`), never from a
 * copy: the model folds nothing. It is a `RunEventSink`, so the engine hands it every event of
 * every run it runs; an event only tells it which run changed and whether to announce it.
 */
export class RunsModel extends Disposable implements RunEventSink {
  private readonly entries = new Map<string, MutableEntry>();
  private order: string[] = [];
  private readonly changed = this._register(new Emitter<RunsChange>());
  private listing: Promise<void> | undefined;
  private listedOnce = false;
  private listError: string | undefined;

  /** Fires after entries change; listeners should debounce. */
  readonly onDidChange: Event<RunsChange> = this.changed.event;

  constructor(private readonly source: RunsSource) {
    super();
  }

  /** True once the store has been listed (successfully or not). */
  get loaded(): boolean {
    return this.listedOnce;
  }

  /** Why the last listing failed; undefined when it succeeded. */
  get error(): string | undefined {
    return this.listError;
  }

  /** Lists the store the first time it is needed; later calls wait for that listing. */
  ensureLoaded(): Promise<void> {
    if (this.listedOnce) return Promise.resolve();
    return this.refresh();
  }

  /** Re-lists the store; runs owned by this window keep their live state. Concurrent calls share one listing. */
  refresh(): Promise<void> {
    this.listing ??= this.relist().finally(() => {
      this.listing = undefined;
    });
    return this.listing;
  }

  /** Every run, newest first. */
  runs(): RunEntry[] {
    return this.order.map((id) => this.view(this.entries.get(id)!));
  }

  get(runId: string): RunEntry | undefined {
    const entry = this.entries.get(runId);
    return entry && this.view(entry);
  }

  /** The full state of a run: the live one, or loaded from the store the first time; undefined when it cannot be read. */
  async loadDetails(runId: string): Promise<Readonly<RunState> | undefined> {
    const entry = this.entries.get(runId);
    if (!entry) return undefined;
    return entry.liveState?.() ?? entry.details ?? this.fetch(entry);
  }

  /** Reads a run's state from the store; it replaces what is shown only when it is newer. One read at a time per run. */
  private fetch(entry: MutableEntry): Promise<Readonly<RunState> | undefined> {
    entry.loading ??= this.source.load(entry.runId).then(
      ({ state, warnings }) => {
        entry.loading = undefined;
        // A session of this window may have taken the run meanwhile; its state wins, and so does a newer one.
        if (!entry.liveState && (!entry.details || entry.details.lastSeq < state.lastSeq)) {
          entry.details = state;
          entry.detailWarnings = warnings;
          this.adoptDetails(entry);
          this.fire([entry.runId], this.place(entry));
        }
        return this.again(entry) ?? entry.liveState?.() ?? entry.details;
      },
      (err: unknown) => {
        entry.loading = undefined;
        entry.detailWarnings = [`Could not read run "${entry.runId}": ${errorMessage(err)}`];
        this.fire([entry.runId], false);
        return this.again(entry) ?? entry.liveState?.() ?? entry.details;
      },
    );
    return entry.loading;
  }

  /** Starts the one more read that events asked for while a read was under way. */
  private again(entry: MutableEntry): Promise<Readonly<RunState> | undefined> | undefined {
    if (!entry.reloadAfterLoading) return undefined;
    entry.reloadAfterLoading = false;
    return entry.liveState ? undefined : this.fetch(entry);
  }

  /**
   * Shows a run from the state of the session of this window that runs it (`RunHandle.state`),
   * read through `liveState` and never changed. Call it before the run's first event (right
   * after `start` or `resume` returns); dispose the result when the run's `done` settles.
   */
  attachLive(runId: string, liveState: () => Readonly<RunState>): DisposableLike {
    const entry = this.entryFor(runId);
    entry.liveState = liveState;
    entry.summaryStale = true;
    const structural = this.place(entry);
    this.fire([runId], structural);
    let attached = true;
    return {
      dispose: () => {
        if (!attached || entry.liveState !== liveState) return;
        attached = false;
        // The run is over here: keep its last state (a copy, so nothing live is held) until the store has newer.
        entry.details = structuredClone(liveState()) as RunState;
        entry.detailWarnings = [];
        entry.summary = summaryOf(entry.details, false);
        entry.summaryStale = false;
        entry.liveState = undefined;
        this.fire([runId], false);
      },
    };
  }

  /**
   * Takes note of one event of a run of this window: the run's state already holds it. An event
   * of a run that is not attached (no session of this window announced it) re-reads the run from
   * the store instead, one read at a time, and shows it as owned by someone else (it is).
   */
  append(event: RunEvent): void {
    const entry = this.entryFor(event.runId);
    if (!entry.liveState) {
      if (!entry.summary.locked) entry.summary = { ...entry.summary, locked: true };
      if (entry.loading) entry.reloadAfterLoading = true;
      else void this.fetch(entry);
      return;
    }
    entry.summaryStale = true;
    const structural = this.place(entry);
    if (structural || !QUIET_EVENTS.has(event.type)) this.fire([event.runId], structural);
  }

  /** Nothing is buffered. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  /** Runs a session of this window is executing now (not paused or ended), newest first. */
  activeRuns(): RunEntry[] {
    return this.runs().filter((r) => r.live && r.status === 'running');
  }

  /** Runs that **Resume Run** can continue from this window, newest first. */
  resumableRuns(): RunEntry[] {
    return this.runs().filter((r) => !r.live && RESUMABLE_STATUSES.has(r.status));
  }

  /** The run the status bar follows: the newest active run of this window, else the newest run. */
  focusRun(): RunEntry | undefined {
    return this.activeRuns()[0] ?? this.runs()[0];
  }

  private async relist(): Promise<void> {
    let summaries: RunSummary[];
    try {
      summaries = await this.source.list();
      this.listError = undefined;
    } catch (err) {
      this.listError = errorMessage(err);
      this.listedOnce = true;
      this.fire([], true);
      return;
    }
    this.listedOnce = true;
    const seen = new Set<string>();
    const changedIds: string[] = [];
    const stale: MutableEntry[] = [];
    for (const summary of summaries) {
      seen.add(summary.runId);
      const entry = this.entries.get(summary.runId);
      if (!entry) {
        this.entries.set(summary.runId, newEntry(summary));
        changedIds.push(summary.runId);
        continue;
      }
      // A run this window runs is shown from its live state, whatever the store says.
      if (entry.liveState) continue;
      if (entry.details && entry.details.updatedAt >= summary.updatedAt) {
        // Only ownership is news then: another window may have taken or given up the run.
        if (entry.summary.locked !== summary.locked) {
          entry.summary = { ...entry.summary, locked: summary.locked };
          changedIds.push(summary.runId);
        }
        continue;
      }
      if (!sameSummary(entry.summary, summary)) changedIds.push(summary.runId);
      entry.summary = summary;
      if (entry.details) stale.push(entry);
    }
    for (const [runId, entry] of this.entries) {
      // A run deleted from the store disappears, unless this window is running it.
      if (!seen.has(runId) && !entry.liveState) {
        this.entries.delete(runId);
        changedIds.push(runId);
      }
    }
    const before = this.order.join('\n');
    this.order = this.sortedIds();
    for (const entry of this.entries.values()) entry.placedAt = this.createdKey(entry);
    this.fire(changedIds, before !== this.order.join('\n'));
    // Details shown in the tree are re-read so an expanded run does not show stale tasks.
    for (const entry of stale) void this.fetch(entry);
  }

  private entryFor(runId: string): MutableEntry {
    let entry = this.entries.get(runId);
    if (!entry) {
      const state = emptyRunState(runId);
      entry = newEntry(summaryOf(state, false));
      this.entries.set(runId, entry);
    }
    return entry;
  }

  /** Keeps the summary in step with freshly loaded details, when they are newer. */
  private adoptDetails(entry: MutableEntry): void {
    if (entry.details && entry.details.updatedAt >= entry.summary.updatedAt) {
      entry.summary = {
        ...summaryOf(entry.details, entry.summary.locked),
        ...(entry.summary.warning ? { warning: entry.summary.warning } : {}),
      };
    }
  }

  /** Puts an entry in the order; true when the order changed. Cheap when the entry is placed already. */
  private place(entry: MutableEntry): boolean {
    const key = this.createdKey(entry);
    if (entry.placedAt === key && this.order.includes(entry.runId)) return false;
    entry.placedAt = key;
    const sorted = this.sortedIds();
    const changed = sorted.join('\n') !== this.order.join('\n');
    this.order = sorted;
    return changed;
  }

  /** The entry's summary, derived again from the live state when the run moved on since. */
  private summaryOf(entry: MutableEntry): RunSummary {
    if (entry.summaryStale && entry.liveState) {
      entry.summary = summaryOf(entry.liveState(), false);
      entry.summaryStale = false;
    }
    return entry.summary;
  }

  /** Newest first, like the store lists them; a run not created yet (no event) goes first. */
  private sortedIds(): string[] {
    return [...this.entries.values()]
      .sort((a, b) => this.createdKey(b) - this.createdKey(a) || a.runId.localeCompare(b.runId))
      .map((e) => e.runId);
  }

  private createdKey(entry: MutableEntry): number {
    const createdAt = entry.liveState ? entry.liveState().createdAt : entry.summary.createdAt;
    return createdAt || Number.MAX_SAFE_INTEGER;
  }

  private view(entry: MutableEntry): RunEntry {
    const live = entry.liveState?.();
    const summary = this.summaryOf(entry);
    return {
      runId: entry.runId,
      summary,
      details: live ?? entry.details,
      detailWarnings: live ? [] : entry.detailWarnings,
      live: live !== undefined,
      status: live ? live.status : displayStatusOf(summary.status, summary.locked, false),
    };
  }

  private fire(runIds: string[], structural: boolean): void {
    if (runIds.length === 0 && !structural) return;
    this.changed.fire({ runIds, structural });
  }
}

function newEntry(summary: RunSummary): MutableEntry {
  return {
    runId: summary.runId,
    summary,
    summaryStale: false,
    details: undefined,
    detailWarnings: [],
    liveState: undefined,
    loading: undefined,
    reloadAfterLoading: false,
    placedAt: undefined,
  };
}
