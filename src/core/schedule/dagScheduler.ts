import type { PlanGraph } from '../plan/planGraph';
import { ReadyQueue } from './readyQueue';

/** Where a task stands in the scheduler. `delayed` waits out a retry backoff; `held` waits for a human. */
export type SchedulerTaskState =
  'waiting' | 'ready' | 'delayed' | 'running' | 'held' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/**
 * What the run state says about a task, for rebuilding the scheduler on resume or after a person's
 * action: `waived` is skipped by a person (its dependents treat it as done), `cancelled` is cancelled
 * by a person (its dependents are skipped).
 */
export type RecoveredTaskStatus = 'succeeded' | 'failed' | 'skipped' | 'waived' | 'cancelled' | 'pending';

/**
 * The DAG bookkeeping of one run: which tasks wait on dependencies, which are ready (ordered by
 * critical-path length, then priority, then plan order), which run, and which are finished.
 * It decides nothing about agents, locks or limits; the executor asks it for candidates.
 */
export class DagScheduler {
  private readonly state: SchedulerTaskState[];
  private readonly unmetDependencies: Int32Array;
  private readonly queue: ReadyQueue;
  private readonly counts = new Map<SchedulerTaskState, number>();
  /** Skipped by a person: counts as done for dependents. */
  private readonly waived: Uint8Array;

  constructor(
    readonly graph: PlanGraph,
    recovered: (taskId: string) => RecoveredTaskStatus = () => 'pending',
  ) {
    const n = graph.tasks.length;
    const cp = graph.criticalPath;
    const prio = graph.tasks.map((t) => t.priority);
    this.queue = new ReadyQueue(
      (a, b) => cp[a]! > cp[b]! || (cp[a] === cp[b] && (prio[a]! > prio[b]! || (prio[a] === prio[b] && a < b))),
    );
    this.state = new Array<SchedulerTaskState>(n).fill('waiting');
    this.unmetDependencies = new Int32Array(n);
    this.waived = new Uint8Array(n);
    this.counts.set('waiting', n);
    this.refresh(recovered);
  }

  /**
   * Brings every task that is not running, delayed or held in line with the run state (after a
   * person's action): final ones take their recovered status, the rest wait, are ready, or are
   * skipped when a dependency failed, was skipped or cancelled.
   */
  refresh(recovered: (taskId: string) => RecoveredTaskStatus): void {
    const graph = this.graph;
    // In topological order, so a failure upstream of a pending task skips it.
    for (const i of graph.topologicalOrder) {
      const status = recovered(graph.tasks[i]!.id);
      const now = this.state[i]!;
      if (now === 'running' || ((now === 'delayed' || now === 'held') && status === 'pending')) continue;
      this.waived[i] = status === 'waived' ? 1 : 0;
      if (status !== 'pending') {
        this.set(i, status === 'waived' ? 'skipped' : status);
        continue;
      }
      let unmet = 0;
      let blocked = false;
      for (const d of graph.dependencies[i]!) {
        const s = this.state[d];
        if (s === 'succeeded' || this.waived[d]) continue;
        if (s === 'failed' || s === 'skipped' || s === 'cancelled') blocked = true;
        else unmet++;
      }
      this.unmetDependencies[i] = unmet;
      if (blocked) this.set(i, 'skipped');
      else if (unmet === 0) this.makeReady(i);
      else this.set(i, 'waiting');
    }
  }

  stateOf(task: number): SchedulerTaskState {
    return this.state[task]!;
  }

  count(state: SchedulerTaskState): number {
    return this.counts.get(state) ?? 0;
  }

  /** True when nothing is ready, running or waiting out a backoff: the run can make no more progress by itself. */
  get idle(): boolean {
    return this.count('ready') === 0 && this.count('running') === 0 && this.count('delayed') === 0;
  }

  /** True when every task reached a final state. */
  get finished(): boolean {
    return (
      this.count('succeeded') + this.count('failed') + this.count('skipped') + this.count('cancelled') ===
      this.state.length
    );
  }

  /**
   * Offers ready tasks best first. `decide` returns `take` (the task leaves the queue and must be
   * started), `skip` (it stays ready; look at the next) or `stop` (end the pass).
   */
  offer(decide: (task: number) => 'take' | 'skip' | 'stop'): number[] {
    const taken: number[] = [];
    const skipped: number[] = [];
    for (let task = this.queue.pop(); task !== undefined; task = this.queue.pop()) {
      // A task a person cancelled or skipped while it was ready leaves the queue here.
      if (this.state[task] !== 'ready') continue;
      const verdict = decide(task);
      if (verdict === 'take') {
        this.set(task, 'running');
        taken.push(task);
      } else {
        skipped.push(task);
        if (verdict === 'stop') break;
      }
    }
    for (const task of skipped) this.queue.push(task);
    return taken;
  }

  /** Marks a running task done; returns the tasks that became ready. */
  succeed(task: number): number[] {
    this.set(task, 'succeeded');
    const ready: number[] = [];
    for (const d of this.graph.dependents[task]!) {
      if (this.state[d] !== 'waiting') continue;
      if (--this.unmetDependencies[d]! === 0) {
        this.makeReady(d);
        ready.push(d);
      }
    }
    return ready;
  }

  /** Marks a task failed (or cancelled by a person) for good; returns every task downstream of it that is now skipped. */
  fail(task: number, final: 'failed' | 'cancelled' = 'failed'): number[] {
    this.set(task, final);
    const skipped: number[] = [];
    const stack = [...this.graph.dependents[task]!];
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (this.state[d] !== 'waiting') continue;
      this.set(d, 'skipped');
      skipped.push(d);
      stack.push(...this.graph.dependents[d]!);
    }
    return skipped;
  }

  /** A running task waits out a backoff before it is ready again. */
  delay(task: number): void {
    this.set(task, 'delayed');
  }

  /** A running task waits for a human (budget, approval). */
  hold(task: number): void {
    this.set(task, 'held');
  }

  /** A running task was stopped by a cancel. */
  cancel(task: number): void {
    this.set(task, 'cancelled');
  }

  /** A delayed, held or running task is ready again. */
  requeue(task: number): void {
    const s = this.state[task];
    if (s === 'delayed' || s === 'held' || s === 'running') this.makeReady(task);
  }

  /** Every held task becomes ready again; returns them. */
  releaseHeld(): number[] {
    const held: number[] = [];
    this.state.forEach((s, i) => {
      if (s === 'held') held.push(i);
    });
    held.forEach((i) => this.makeReady(i));
    return held;
  }

  private makeReady(task: number): void {
    this.set(task, 'ready');
    this.queue.push(task);
  }

  private set(task: number, next: SchedulerTaskState): void {
    const prev = this.state[task]!;
    this.counts.set(prev, (this.counts.get(prev) ?? 0) - 1);
    this.counts.set(next, (this.counts.get(next) ?? 0) + 1);
    this.state[task] = next;
  }
}
