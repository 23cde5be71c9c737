// How the views see a run: its entry, display status and summary; free of `vscode`.
import type { RunStatus } from '../../core/model/runEvents';
import { countTasks, type RunState } from '../../core/model/runState';
import type { RunSummary } from '../../core/store/runStore';

/**
 * How a run is shown. `interrupted`: still marked running but no live process owns it (its window
 * or CLI stopped mid-run), so it can be resumed. `elsewhere`: running, owned by another window or process.
 */
export type RunDisplayStatus = RunStatus | 'interrupted' | 'elsewhere';

/** One run as the views see it. */
export interface RunEntry {
  readonly runId: string;
  /** The latest summary: from the store, or derived from `details` when those are newer. */
  readonly summary: RunSummary;
  /**
   * The full state. While a session of this window runs the run, it is that run's own state
   * (`RunHandle.state`, read-only: never change it); otherwise it is read from the store on
   * demand (or the last live state, until the store has something newer); undefined until needed.
   */
  readonly details: Readonly<RunState> | undefined;
  /** Problems met while reading the details. */
  readonly detailWarnings: readonly string[];
  /** A run session in this window owns the run right now. */
  readonly live: boolean;
  readonly status: RunDisplayStatus;
}

/** What changed: the runs whose entries changed, and whether the list itself (members or order) did. */
export interface RunsChange {
  readonly runIds: readonly string[];
  readonly structural: boolean;
}

/** Statuses from which **Resume Run** continues a run. */
export const RESUMABLE_STATUSES: ReadonlySet<RunDisplayStatus> = new Set([
  'paused',
  'interrupted',
  'failed',
  'cancelled',
]);

/** A summary computed from a full state, like `RunStore.list()` computes it. */
export function summaryOf(state: Readonly<RunState>, locked: boolean): RunSummary {
  return {
    runId: state.runId,
    goal: state.goal,
    status: state.status,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt || state.createdAt,
    taskCounts: countTasks(state as RunState),
    usage: { ...state.usage },
    locked,
  };
}

/** The display status of a run from what is known about it. */
export function displayStatusOf(status: RunStatus, locked: boolean, live: boolean): RunDisplayStatus {
  if (status !== 'running' || live) return status;
  return locked ? 'elsewhere' : 'interrupted';
}

/** Whether two summaries show the same thing. */
export function sameSummary(a: RunSummary, b: RunSummary): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
