import { setMaxListeners } from 'node:events';
import { DisposableStore, type DisposableLike } from '../common/disposable';
import { DagScheduler } from '../schedule/dagScheduler';
import { ATTEMPT_OVER, DEFAULT_ABANDON_GRACE_MS, waitForAgentToStop } from './agentStop';
import { recoveredStatus } from './recoveredStatus';
import { recordBlockedSkips, recordTaskFailure } from './failureEvents';
import { afterFailedAttempt } from './afterFailedAttempt';
import { failedTaskMessage } from './attemptOutcome';
import { classifyFailure } from '../model/failure';
import { RunStorageError } from './runStorageError';
import type { ExecutionOutcome, ExecutorDeps } from './runExecutorTypes';
import { assertJson, createTaskContext, type AttemptHost } from './taskContext';
import { offerReadyTasks, type PlannedStart } from './dispatchPass';
import { taskBackground } from './taskBackground';
import { RunCancelledError, TaskStoppedError } from './executorErrors';
import { AttemptStops } from './attemptStops';
import { abortReason } from '../common/clock';
import type { JsonValue } from '../model/runEvents';
import type { TaskResult } from '../task/agent';
import { gateView } from './taskGateView';
import { startWaits } from './startWaits';
import type { TaskActionKind } from '../model/runEvents';

/**
 * Runs the ready tasks of a plan: picks the best ready task, an agent with room, and all of the
 * task's path locks at once; runs the attempt; then retries, reassigns, pauses or fails it.
 * Dependents are released as soon as a success is appended to the log: durability is required
 * before each side effect instead (`TaskContext.step` commits first, and the log is an ordered
 * prefix, so that commit covers every success appended before it). An attempt's locks and load
 * are held until its agent has really stopped. One executor serves one execution segment of a run:
 * resuming builds a new one from the recovered state.
 */
export class RunExecutor implements DisposableLike {
  private readonly scheduler: DagScheduler;
  /** Running attempts, until their agents have stopped. */
  private inFlight = 0;
  /** The running attempt of each task, to stop it on a person's cancel or reassignment. */
  private readonly running = new Map<number, AttemptStops>();
  private readonly runAbort = new AbortController();
  private readonly disposed = new AbortController();
  private readonly waitedMs = new Map<number, number>();
  /** When each attempt (by lock owner) was first passed over for its locks. */
  private readonly lockBlockedSince = new Map<string, number>();
  private readonly disposables = new DisposableStore();
  private pausedReason: string | undefined;
  private cancelled = false;
  private pumping = false;
  private settle: ((outcome: ExecutionOutcome) => void) | undefined;
  /** Set when the run state could not be made durable; the run stops and the orchestrator reports it. */
  storageError: RunStorageError | undefined;

  /** What every attempt's context borrows from the executor. */
  private readonly host: AttemptHost;

  constructor(private readonly deps: ExecutorDeps) {
    const { state } = deps;
    this.host = {
      claimWrite: (owner, path) => deps.locks.tryAcquire(owner, { reads: [], writes: [path] }),
      now: () => deps.clock.now(),
      gate: (taskId) => gateView(state, taskId),
      startSpan: (parentId, name, attributes) =>
        deps.tracer.startSpan(name, { parentId, ...(attributes ? { attributes } : {}) }),
    };
    this.scheduler = new DagScheduler(deps.graph, (id) => recoveredStatus(state.tasks[id]));
    // Every backoff listens on the run's signal (attempts are aborted by the executor itself); that is by design.
    setMaxListeners(0, this.runAbort.signal, this.disposed.signal);
    const wake = (): void => this.pump();
    this.disposables.add(deps.registry.onDidFreeCapacity(wake));
    // Seen a tick later, so an agent reloaded (unregistered and registered again at once) is never missed in between.
    this.disposables.add(deps.registry.onDidChange(() => queueMicrotask(wake)));
    this.disposables.add(deps.locks.onDidRelease(wake));
  }

  /** Runs until every task is final, or the run pauses or is cancelled. */
  run(): Promise<ExecutionOutcome> {
    if (this.settle) throw new Error('RunExecutor.run() may only be called once; build a new executor to resume.');
    const done = new Promise<ExecutionOutcome>((resolve) => (this.settle = resolve));
    // A crash can land between a failure and the skips it causes; record those skips now.
    recordBlockedSkips(this.deps, this.scheduler);
    this.pump();
    return done;
  }

  /**
   * Carries out a person's action on a task, already recorded (and folded into the state): a
   * running attempt is aborted (cancel, or reassign: it starts again on the new agent); every other
   * task is brought in line with the state, so dependents of a skipped task start and those of a
   * cancelled one are skipped.
   */
  applyAction(taskId: string, action: TaskActionKind): void {
    const i = this.deps.graph.tasks.findIndex((t) => t.id === taskId);
    if (i < 0) return;
    const attempt = this.running.get(i);
    if (attempt && (action === 'cancel' || action === 'reassign')) {
      attempt.stoppedFor = action;
      attempt.abort(new TaskStoppedError(action, taskId));
      return;
    }
    this.reconcile();
    this.pump();
  }

  /** The scheduler follows the state for every task not running, and new blocked skips are recorded. */
  private reconcile(): void {
    this.scheduler.refresh((id) => recoveredStatus(this.deps.state.tasks[id]));
    recordBlockedSkips(this.deps, this.scheduler);
  }

  /** Stops starting tasks; running ones finish, then `run()` resolves with `paused`. */
  pause(reason: string): void {
    if (this.pausedReason !== undefined || this.cancelled) return;
    this.pausedReason = reason;
    this.deps.services.emit({ type: 'run.paused', reason });
    this.checkDone();
  }

  /** Aborts every running attempt and stops; `run()` resolves with `cancelled` once they stopped. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.abortRun();
    this.checkDone();
  }

  /** The run's events can no longer be saved: stop everything; the orchestrator reports the error. */
  stopForStorage(error: RunStorageError): void {
    this.storageError ??= error;
    this.cancel();
  }

  /** Counts of the scheduler, for progress. */
  get progress(): { finished: number; total: number; running: number } {
    const s = this.scheduler;
    return {
      finished: s.count('succeeded') + s.count('failed') + s.count('skipped') + s.count('cancelled'),
      total: this.deps.graph.tasks.length,
      running: s.count('running'),
    };
  }

  dispose(): void {
    this.abortRun();
    this.disposed.abort(ATTEMPT_OVER);
    this.disposables.dispose();
  }

  /** Aborts the run's signal (backoffs wait on it) and every running attempt with the same reason. */
  private abortRun(): void {
    if (!this.runAbort.signal.aborted) this.runAbort.abort(new RunCancelledError());
    const reason = abortReason(this.runAbort.signal);
    for (const stops of this.running.values()) stops.abort(reason);
  }

  private get stopped(): boolean {
    return this.cancelled || this.pausedReason !== undefined;
  }

  /** Starts as many ready tasks as limits, agents and locks allow. */
  private pump(): void {
    if (this.pumping || !this.settle || this.stopped) return this.checkDone();
    this.pumping = true;
    try {
      const free = this.deps.options.maxConcurrency - this.inFlight;
      const starts = offerReadyTasks(this.scheduler, this.deps, free, this.lockBlockedSince);
      for (const start of starts) {
        // A listener of an event emitted in this pass may have paused or cancelled the run.
        if (this.stopped) {
          this.giveBack(start);
          this.scheduler.requeue(start.task);
        } else if (start.kind === 'refused') {
          this.failTask(start.task, start.reason);
        } else {
          void this.runAttempt(start);
        }
      }
    } finally {
      this.pumping = false;
    }
    this.checkDone();
  }

  private giveBack(start: PlannedStart): void {
    if (start.kind !== 'start') return;
    start.lease.release();
    this.deps.locks.release(start.lockOwner);
  }

  private async runAttempt(start: Extract<PlannedStart, { kind: 'start' }>): Promise<void> {
    const { graph, state, services, clock, options, tracer, metrics } = this.deps;
    const { task: i, agent, attempt } = start;
    const task = graph.tasks[i]!;
    const agentId = agent.definition.id;
    const stops = new AttemptStops(clock, task.timeoutMs ?? options.taskTimeoutMs, task.id);
    const runSignal = this.runAbort.signal;
    if (runSignal.aborted) stops.abort(abortReason(runSignal));
    this.running.set(i, stops);
    this.inFlight++;
    /** The agent's work, once it was handed the task; `settled` once it is known to have stopped. */
    let work: Promise<TaskResult> | undefined;
    let settled = false;
    /** The scheduler move once the agent has stopped: the common two by name, the rest as a function. */
    let transition: 'succeed' | 'cancel' | (() => void) = 'cancel';
    const startedAt = clock.now();
    // The attempt's span is told by its own events: `task.started` opens it, the attempt's outcome ends it.
    const spanId = tracer.newSpanId();
    try {
      for (const wait of startWaits(state, task.id, start, startedAt)) services.emit(wait);
      services.emit({
        type: 'task.started',
        taskId: task.id,
        agentId,
        attempt,
        spanId,
        ...(options.parentSpanId ? { parentSpanId: options.parentSpanId } : {}),
      });
      const dependencyOutputs: Record<string, JsonValue | undefined> = {};
      for (const d of task.dependencies) dependencyOutputs[d] = state.tasks[d]?.output;
      const ctx = createTaskContext(
        {
          runId: this.deps.runId,
          task,
          attempt,
          agentId,
          stops,
          steps: state.tasks[task.id]?.steps ?? {},
          dependencyOutputs,
          background: taskBackground(state, graph.tasks, task, attempt, services.messages.peek(agentId)),
          host: this.host,
          lockOwner: start.lockOwner,
          spanId,
        },
        services,
      );
      work = Promise.resolve().then(() => agent.run(ctx));
      const result = await stops.race(work);
      settled = true;
      if (result.output !== undefined) assertJson(result.output, `The output of task "${task.id}"`);
      const durationMs = clock.now() - startedAt;
      ctx.delivered();
      services.emit({
        type: 'task.succeeded',
        taskId: task.id,
        agentId,
        attempt,
        durationMs,
        ...(result.output !== undefined ? { output: result.output } : {}),
        ...(result.summary !== undefined ? { summary: result.summary } : {}),
      });
      const spent = ctx.spent;
      this.deps.stats.record(agentId, {
        success: true,
        durationMs,
        tokens: spent.inputTokens + spent.outputTokens,
        costUsd: spent.costUsd,
      });
      metrics.counter('tasks.succeeded').add();
      metrics.histogram('task.durationMs').record(durationMs);
      // Dependents may start now, before this success is on disk: every side effect of theirs is
      // preceded by a commit, which covers this earlier record too (the log is written in order), so
      // no effect can outlive a crash that loses the success.
      transition = 'succeed';
    } catch (err) {
      // A rejection that is not the attempt's stop came from the agent's own work: it has stopped.
      if (err !== stops.reason) settled = true;
      transition = stops.stoppedFor
        ? this.afterPersonStop(i, attempt, stops.stoppedFor)
        : this.afterError(i, agentId, attempt, clock.now() - startedAt, err, stops.timedOut());
    } finally {
      this.running.delete(i);
      stops.end();
      if (work !== undefined && !settled) {
        await waitForAgentToStop(work, {
          graceMs: this.deps.options.abandonGraceMs ?? DEFAULT_ABANDON_GRACE_MS,
          clock: this.deps.clock,
          disposed: this.disposed.signal,
          warn: (message) => this.deps.services.logger.warn(message),
          agentId,
          taskId: task.id,
        });
      }
      this.inFlight--;
      if (transition === 'succeed') this.scheduler.succeed(i);
      else if (transition === 'cancel') this.scheduler.cancel(i);
      else transition();
      this.giveBack(start);
      this.pump();
    }
  }

  /**
   * An attempt a person stopped: recorded as cancelled; a cancelled task's dependents are then
   * skipped, a reassigned task is ready again for its new agent.
   */
  private afterPersonStop(i: number, attempt: number, stoppedFor: 'cancel' | 'reassign'): () => void {
    this.deps.services.emit({ type: 'task.cancelled', taskId: this.deps.graph.tasks[i]!.id, attempt });
    if (stoppedFor === 'reassign') return () => this.scheduler.requeue(i);
    return () => (this.scheduler.cancel(i), this.reconcile());
  }

  /** Records what happened to a failed attempt and returns the scheduler move to make once the agent stopped. */
  private afterError(
    i: number,
    agentId: string,
    attempt: number,
    durationMs: number,
    err: unknown,
    timedOut: boolean,
  ): () => void {
    const { graph, services } = this.deps;
    const task = graph.tasks[i]!;
    if (err instanceof RunStorageError || this.storageError) {
      // Nothing more is recorded: the attempt's span stays open, as after a crash.
      this.stopForStorage(err instanceof RunStorageError ? err : this.storageError!);
      return () => this.scheduler.cancel(i);
    }
    if (this.runAbort.signal.aborted && !timedOut) {
      services.emit({ type: 'task.cancelled', taskId: task.id, attempt });
      return () => this.scheduler.cancel(i);
    }
    const failure = classifyFailure(err, { timedOut });
    const step = afterFailedAttempt(this.deps, {
      task: i,
      agentId,
      attempt,
      durationMs,
      failure,
      waitedMs: this.waitedMs.get(i) ?? 0,
    });
    switch (step.next) {
      case 'retry':
        this.waitedMs.set(i, (this.waitedMs.get(i) ?? 0) + step.delayMs);
        return () => {
          this.scheduler.delay(i);
          this.deps.clock.sleep(step.delayMs, this.runAbort.signal).then(
            () => (this.scheduler.requeue(i), this.pump()),
            () => undefined,
          );
        };
      case 'reassign':
        return () => this.scheduler.requeue(i);
      case 'pause':
        // Paused before the locks are released, so nothing new starts on the way to the pause.
        this.pause(failure.message);
        return () => this.scheduler.hold(i);
      case 'fail':
        return () => this.failTask(i, failedTaskMessage(failure, attempt));
    }
  }

  private failTask(i: number, message: string): void {
    recordTaskFailure(this.deps, this.scheduler, i, message);
  }

  private checkDone(): void {
    if (!this.settle || this.inFlight > 0) return;
    let outcome: ExecutionOutcome | undefined;
    if (this.cancelled) outcome = 'cancelled';
    else if (this.pausedReason !== undefined) outcome = 'paused';
    else if (this.scheduler.idle) outcome = 'finished';
    if (outcome) {
      const settle = this.settle;
      this.settle = () => undefined;
      settle(outcome);
    }
  }
}
