import { setMaxListeners } from 'node:events';
import { rankAgents, selectAgent } from '../agents/agentSelector';
import type { RegisteredAgent } from '../agents/agentRegistry';
import { abortReason } from '../common/clock';
import { DisposableStore, type Disposable } from '../common/disposable';
import type { JsonValue } from '../run/runEvents';
import { DagScheduler, type RecoveredTaskStatus } from '../schedule/dagScheduler';
import { PathLockTable, type HeldPath } from '../schedule/pathLocks';
import { decideNextStep } from './attemptOutcome';
import { classifyFailure } from './failure';
import { backoffDelay } from './retryPolicy';
import type { ExecutionOutcome, ExecutorDeps } from './runExecutorTypes';
import { assertJson, createTaskContext } from './taskContext';

/** The reason in-flight work is aborted with when the run is cancelled. */
export class RunCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('The run was cancelled.');
  }
}

/** The reason an attempt is aborted with when it runs past its time limit. */
export class TaskTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** Stops an attempt's timer once the attempt is over. */
const ATTEMPT_OVER = new Error('The attempt is over.');

/** How many ready tasks one dispatch pass may look at and pass over, so a long queue of blocked tasks costs little. */
const MAX_PASSED_OVER = 512;

function recoveredStatus(status: string | undefined): RecoveredTaskStatus {
  return status === 'succeeded' || status === 'failed' || status === 'skipped' ? status : 'pending';
}

/** Resolves with the promise, or rejects with the signal's reason as soon as it aborts. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/**
 * Runs the ready tasks of a plan: picks the best ready task, an agent with room, and all of the
 * task's path locks at once; runs the attempt; then retries, reassigns, pauses or fails it, and
 * releases dependents only once the task's success is durable. One executor serves one
 * execution segment of a run: resuming builds a new one from the recovered state.
 */
export class RunExecutor implements Disposable {
  private readonly scheduler: DagScheduler;
  private readonly inFlight = new Map<number, AbortController>();
  private readonly runAbort = new AbortController();
  private readonly waitedMs = new Map<number, number>();
  private readonly disposables = new DisposableStore();
  private pausedReason: string | undefined;
  private cancelled = false;
  private pumping = false;
  private settle: ((outcome: ExecutionOutcome) => void) | undefined;
  /** Set when the run state could not be made durable; the run stops and the orchestrator reports it. */
  storageError: unknown;

  constructor(private readonly deps: ExecutorDeps) {
    const { state } = deps;
    this.scheduler = new DagScheduler(deps.graph, (id) => recoveredStatus(state.tasks[id]?.status));
    // Every running attempt and every backoff listens on the run's signal; that is by design.
    setMaxListeners(0, this.runAbort.signal);
    this.disposables.add(deps.registry.onDidFreeCapacity(() => this.pump()));
    this.disposables.add(deps.locks.onDidRelease(() => this.pump()));
  }

  /** Runs until every task is final, or the run pauses or is cancelled. */
  run(): Promise<ExecutionOutcome> {
    if (this.settle) throw new Error('RunExecutor.run() may only be called once; build a new executor to resume.');
    const done = new Promise<ExecutionOutcome>((resolve) => (this.settle = resolve));
    // A crash can land between a failure and the skips it causes; record those skips now.
    this.deps.graph.tasks.forEach((t, i) => {
      if (this.scheduler.stateOf(i) === 'skipped' && this.deps.state.tasks[t.id]?.status !== 'skipped') {
        const blocker = t.dependencies.find((d) => ['failed', 'skipped'].includes(this.deps.state.tasks[d]?.status ?? '')) ?? '';
        this.deps.services.emit({ type: 'task.skipped', taskId: t.id, blockedBy: blocker, reason: `Dependency "${blocker}" did not succeed.` });
      }
    });
    this.pump();
    return done;
  }

  /** Stops starting tasks; running ones finish, then `run()` resolves with `paused`. */
  pause(reason: string): void {
    if (this.pausedReason !== undefined || this.cancelled) return;
    this.pausedReason = reason;
    this.deps.services.emit({ type: 'run.paused', reason });
    this.checkDone();
  }

  /** Aborts every running attempt and stops; `run()` resolves with `cancelled`. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.runAbort.abort(new RunCancelledError());
    this.checkDone();
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
    this.runAbort.abort(new RunCancelledError());
    this.disposables.dispose();
  }

  private lockOwner(taskId: string): string {
    return `${this.deps.runId}/${taskId}`;
  }

  /** Starts as many ready tasks as limits, agents and locks allow. */
  private pump(): void {
    if (this.pumping || !this.settle || this.pausedReason !== undefined || this.cancelled) return this.checkDone();
    this.pumping = true;
    try {
      const { graph, state, registry, stats, locks, options } = this.deps;
      let slots = options.maxConcurrency - this.inFlight.size;
      let passedOver = 0;
      const waitingClaims: HeldPath[] = [];
      const starts: Array<{ task: number; agent?: RegisteredAgent; refusal?: string }> = [];
      this.scheduler.offer((i) => {
        if (slots <= 0 || passedOver >= MAX_PASSED_OVER) return 'stop';
        const task = graph.tasks[i]!;
        const ts = state.tasks[task.id];
        const constraints = { excluded: new Set(ts?.excludedAgents ?? []), ...(ts?.assignedAgent ? { assignedAgent: ts.assignedAgent } : {}) };
        const selection = selectAgent(task, registry, stats, constraints);
        if (selection.kind === 'none') {
          starts.push({ task: i, refusal: selection.reason });
          return 'take';
        }
        const owner = this.lockOwner(task.id);
        // A task passed over for its locks keeps its claim for this pass, so lower-ranked tasks cannot starve it.
        if (selection.kind === 'busy' || !locks.tryAcquire(owner, task, waitingClaims)) {
          if (selection.kind !== 'busy') waitingClaims.push(...PathLockTable.expand(owner, task));
          passedOver++;
          return 'skip';
        }
        registry.tryAcquireLoad(selection.agent.definition.id);
        slots--;
        starts.push({ task: i, agent: selection.agent });
        return 'take';
      });
      for (const s of starts) {
        if (s.agent) void this.runAttempt(s.task, s.agent);
        else this.failTask(s.task, s.refusal ?? 'No agent can take this task.');
      }
    } finally {
      this.pumping = false;
    }
    this.checkDone();
  }

  private async runAttempt(i: number, agent: RegisteredAgent): Promise<void> {
    const { graph, state, services, clock, options, tracer, metrics } = this.deps;
    const task = graph.tasks[i]!;
    const agentId = agent.definition.id;
    const attempt = (state.tasks[task.id]?.attempts.length ?? 0) + 1;
    const controller = new AbortController();
    this.inFlight.set(i, controller);
    const onRunAbort = (): void => controller.abort(this.runAbort.signal.reason);
    this.runAbort.signal.addEventListener('abort', onRunAbort, { once: true });
    const timeoutMs = task.timeoutMs ?? options.taskTimeoutMs;
    let timedOut = false;
    const timer = timeoutMs === undefined ? undefined : new AbortController();
    if (timer && timeoutMs !== undefined) {
      clock.sleep(timeoutMs, timer.signal).then(
        () => ((timedOut = true), controller.abort(new TaskTimeoutError(`Task "${task.id}" ran past its ${timeoutMs} ms limit.`))),
        () => undefined,
      );
    }
    services.emit({ type: 'task.started', taskId: task.id, agentId, attempt });
    const span = tracer.startSpan('task', { attributes: { taskId: task.id, agentId, attempt }, ...(options.parentSpanId ? { parentId: options.parentSpanId } : {}) });
    const startedAt = clock.now();
    const dependencyOutputs: Record<string, JsonValue | undefined> = {};
    for (const d of task.dependencies) dependencyOutputs[d] = state.tasks[d]?.output;
    const steps = state.tasks[task.id]?.steps ?? {};
    const { ctx, usage } = createTaskContext({ runId: this.deps.runId, task, attempt, agentId, signal: controller.signal, steps, dependencyOutputs }, services);
    try {
      const result = await raceAbort(Promise.resolve().then(() => agent.run(ctx)), controller.signal);
      if (result.output !== undefined) assertJson(result.output, `The output of task "${task.id}"`);
      const durationMs = clock.now() - startedAt;
      services.emit({
        type: 'task.succeeded', taskId: task.id, agentId, attempt, durationMs,
        ...(result.output !== undefined ? { output: result.output } : {}),
        ...(result.summary !== undefined ? { summary: result.summary } : {}),
      });
      this.deps.stats.record(agentId, { success: true, durationMs, tokens: usage().inputTokens + usage().outputTokens, costUsd: usage().costUsd });
      metrics.counter('tasks.succeeded').add();
      metrics.histogram('task.durationMs').record(durationMs);
      span.end('ok');
      // Dependents start only once this success is on disk, so a crash can never leave a
      // dependent that ran on top of a dependency the log does not know finished.
      try {
        await services.commit();
      } catch (storeErr) {
        // Without a durable record nothing downstream may run: stop the run and surface why.
        this.storageError ??= storeErr;
        this.finishAttempt(i, agentId);
        this.scheduler.cancel(i);
        this.cancel();
        return;
      }
      this.finishAttempt(i, agentId);
      this.scheduler.succeed(i);
    } catch (err) {
      const durationMs = clock.now() - startedAt;
      this.finishAttempt(i, agentId);
      if (this.runAbort.signal.aborted && !timedOut) {
        services.emit({ type: 'task.cancelled', taskId: task.id, attempt });
        span.end('cancelled');
        this.scheduler.cancel(i);
      } else {
        span.end('error');
        this.handleFailure(i, agentId, attempt, durationMs, err, timedOut);
      }
    } finally {
      timer?.abort(ATTEMPT_OVER);
      this.runAbort.signal.removeEventListener('abort', onRunAbort);
      this.pump();
    }
  }

  private finishAttempt(i: number, agentId: string): void {
    this.inFlight.delete(i);
    this.deps.locks.release(this.lockOwner(this.deps.graph.tasks[i]!.id));
    this.deps.registry.releaseLoad(agentId);
  }

  private handleFailure(i: number, agentId: string, attempt: number, durationMs: number, err: unknown, timedOut: boolean): void {
    const { graph, state, services, options, registry, stats, metrics } = this.deps;
    const task = graph.tasks[i]!;
    const failure = classifyFailure(err, { timedOut });
    const ts = state.tasks[task.id];
    const attempts = ts?.attempts ?? [];
    const excluded = new Set([...(ts?.excludedAgents ?? []), agentId]);
    const others = rankAgents(task, registry, stats, { excluded, ...(ts?.assignedAgent ? { assignedAgent: ts.assignedAgent } : {}) });
    const waitedMs = this.waitedMs.get(i) ?? 0;
    const proposedDelayMs = backoffDelay(options.retry, attempts.length - 1, failure.retryAfterMs, options.random);
    const step = decideNextStep({ failure, agentId, attempts, waitedMs, otherCandidates: others.length > 0 ? 'some' : 'none', proposedDelayMs }, options.retry);
    services.emit({
      type: 'task.attempt.failed', taskId: task.id, agentId, attempt, durationMs,
      failureClass: failure.failureClass, message: failure.message, next: step.next,
      ...(step.next === 'retry' ? { retryInMs: step.delayMs } : {}),
    });
    metrics.counter('attempts.failed').add();
    if (failure.failureClass !== 'needs-human') {
      this.deps.stats.record(agentId, { success: false, durationMs, tokens: 0, costUsd: 0 });
    }
    switch (step.next) {
      case 'retry':
        this.waitedMs.set(i, waitedMs + step.delayMs);
        this.scheduler.delay(i);
        this.deps.clock.sleep(step.delayMs, this.runAbort.signal).then(
          () => (this.scheduler.requeue(i), this.pump()),
          () => undefined,
        );
        break;
      case 'reassign':
        this.scheduler.requeue(i);
        break;
      case 'pause':
        this.scheduler.hold(i);
        this.pause(failure.message);
        break;
      case 'fail':
        this.failTask(i, failure.message);
        break;
    }
  }

  private failTask(i: number, message: string): void {
    const { graph, services, metrics } = this.deps;
    const task = graph.tasks[i]!;
    services.emit({ type: 'task.failed', taskId: task.id, message });
    services.emit({ type: 'finding.reported', finding: { severity: 'major', category: 'custom', message: `Task "${task.id}" failed: ${message}`, taskId: task.id } });
    metrics.counter('tasks.failed').add();
    for (const d of this.scheduler.fail(i)) {
      services.emit({ type: 'task.skipped', taskId: graph.tasks[d]!.id, blockedBy: task.id, reason: `Dependency "${task.id}" failed.` });
    }
  }

  private checkDone(): void {
    if (!this.settle || this.inFlight.size > 0) return;
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
