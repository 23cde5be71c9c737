import { Emitter, type Event } from '../common/emitter';
import { errorMessage } from '../common/errors';
import { newId } from '../common/ids';
import { MessageBus } from '../context/messageBus';
import { SharedContext } from '../context/sharedContext';
import { RunExecutor } from '../execute/runExecutor';
import { RunStorageError } from '../execute/runStorageError';
import type { ExecutionOutcome } from '../execute/runExecutorTypes';
import type { AttemptServices } from '../execute/taskContext';
import { Metrics } from '../observe/metrics';
import { RunLogger } from '../observe/runLogger';
import { Tracer } from '../observe/tracer';
import type { PlanGraph } from '../plan/planGraph';
import { QuotaGate } from '../quota/quotaGate';
import { RunBudget } from '../quota/runBudget';
import type { Finding } from '../model/finding';
import type { OrchestratorDeps, RunBudgetLimits, RunWriterPort } from './orchestratorPorts';
import { assertTransition } from './runPhases';
import type { RunEvent, RunEventBody, RunPhase } from '../model/runEvents';
import { applyRunEvent, countTasks, type RunState } from '../model/runState';

/** How a run, or one segment of it after a resume, ended. */
export type RunOutcomeStatus = 'planned' | 'succeeded' | 'failed' | 'paused' | 'cancelled';

/** What `RunHandle.done` resolves with. */
export interface RunResult {
  runId: string;
  status: RunOutcomeStatus;
  state: Readonly<RunState>;
}

/**
 * One run, live in this process: stamps and records its events, folds them into its state, and
 * drives the phases. The orchestrator creates it for a new run or for a resume.
 */
export class RunSession {
  private readonly emitter = new Emitter<RunEvent>();
  /** Every event of this run, as it happens. */
  readonly onEvent: Event<RunEvent> = this.emitter.event;
  private executor: RunExecutor | undefined;
  private readonly planAbort = new AbortController();
  private stopRequested: 'pause' | 'cancel' | undefined;
  private storageFailure: RunStorageError | undefined;
  private pauseReason = 'Paused by the user.';
  readonly services: AttemptServices;
  readonly tracer: Tracer;
  readonly metrics: Metrics;
  readonly budget: RunBudget;

  constructor(
    readonly state: RunState,
    private readonly writer: RunWriterPort | undefined,
    private readonly deps: OrchestratorDeps,
  ) {
    const emit = (body: RunEventBody): void => void this.emit(body);
    this.budget = new RunBudget(state.budget, state.usage);
    const context = new SharedContext(deps.clock, emit);
    context.restore(Object.values(state.context));
    // Unread messages survive a pause or a crash: the inboxes are rebuilt like the context.
    const messages = new MessageBus(emit);
    messages.restore(state.inboxes);
    this.services = {
      emit,
      commit: () => this.commit(),
      quota: new QuotaGate(this.budget, deps.rateLimits, emit),
      context,
      messages,
      logger: new RunLogger(emit, { minLevel: deps.settings.logLevel }),
    };
    // Span ids: one random prefix per session, then a counter; cheap, and unique across resumes.
    const spanPrefix = newId('span', deps.clock.now());
    let spanCount = 0;
    this.tracer = new Tracer(emit, deps.clock, () => `${spanPrefix}.${++spanCount}`);
    this.metrics = new Metrics(emit);
  }

  get runId(): string {
    return this.state.runId;
  }

  /**
   * Stamps an event, folds it into the state and hands it to the store and every listener. This is
   * the one fold of a live run: the store snapshots this state and views read it.
   */
  emit(body: RunEventBody): RunEvent {
    const event = {
      ...body,
      seq: this.state.lastSeq + 1,
      at: this.deps.clock.now(),
      runId: this.state.runId,
    } as RunEvent;
    applyRunEvent(this.state, event);
    if (this.writer && !this.storageFailure) {
      try {
        this.writer.append(event);
      } catch (err) {
        this.failStorage(err);
      }
    }
    // Views, logs and reporters listen here; the emitter isolates a listener that throws, so a view
    // that cannot keep up never stops a run (the store, above, is the record).
    this.emitter.fire(event);
    return event;
  }

  /** Resolves once everything emitted so far is durable; rejects with a `RunStorageError` otherwise. */
  async commit(): Promise<void> {
    if (this.storageFailure) throw this.storageFailure;
    if (!this.writer) return;
    try {
      await this.writer.flush();
    } catch (err) {
      throw this.failStorage(err);
    }
    const snapshotError = this.writer.takeSnapshotError?.();
    if (snapshotError) this.services.logger.warn(snapshotError.message);
  }

  /** The store failed: nothing more is recorded and the run stops. */
  private failStorage(err: unknown): RunStorageError {
    this.storageFailure ??= new RunStorageError(
      `The run state could not be saved, so the run was stopped: ${errorMessage(err)}`,
      { cause: err },
    );
    this.executor?.stopForStorage(this.storageFailure);
    return this.storageFailure;
  }

  /** Gives up the store (flush, snapshot, lock) whatever happened; safe to call more than once. */
  async release(): Promise<void> {
    await this.writer?.close().catch(() => undefined);
  }

  enterPhase(phase: RunPhase): void {
    assertTransition(this.state.phase, phase);
    this.emit({ type: 'run.phase', phase });
  }

  /** Stops starting tasks; the run ends `paused` once running tasks finish. */
  pause(reason?: string): void {
    if (reason) this.pauseReason = reason;
    this.stopRequested ??= 'pause';
    this.executor?.pause(this.pauseReason);
  }

  /** Aborts planning and every running task; the run ends `cancelled`. */
  cancel(): void {
    this.stopRequested = 'cancel';
    this.planAbort.abort(new Error('The run was cancelled.'));
    this.executor?.cancel();
  }

  get planSignal(): AbortSignal {
    return this.planAbort.signal;
  }

  get cancelled(): boolean {
    return this.stopRequested === 'cancel';
  }

  /** Executes the plan from wherever the state says it stands, then monitors and completes. */
  async execute(graph: PlanGraph): Promise<RunResult> {
    this.enterPhase('execute');
    const runSpan = this.tracer.startSpan('run.execute', { attributes: { tasks: graph.tasks.length } });
    const executor = new RunExecutor({
      runId: this.runId,
      graph,
      state: this.state,
      registry: this.deps.registry,
      stats: this.deps.stats,
      locks: this.deps.locks,
      clock: this.deps.clock,
      services: this.services,
      tracer: this.tracer,
      metrics: this.metrics,
      options: {
        maxConcurrency: this.deps.settings.maxConcurrency,
        retry: this.deps.settings.retry,
        ...(this.deps.settings.taskTimeoutMs !== undefined ? { taskTimeoutMs: this.deps.settings.taskTimeoutMs } : {}),
        ...(this.deps.settings.random ? { random: this.deps.settings.random } : {}),
        parentSpanId: runSpan.id,
      },
    });
    this.executor = executor;
    if (this.storageFailure) executor.stopForStorage(this.storageFailure);
    if (this.stopRequested === 'pause') executor.pause(this.pauseReason);
    if (this.stopRequested === 'cancel') executor.cancel();
    let outcome: ExecutionOutcome;
    try {
      outcome = await executor.run();
    } finally {
      executor.dispose();
      this.executor = undefined;
    }
    runSpan.end(outcome === 'cancelled' ? 'cancelled' : 'ok');
    if (this.storageFailure) throw this.storageFailure;
    if (outcome !== 'finished') return this.complete(outcome);
    this.enterPhase('monitor');
    await this.verify();
    const counts = countTasks(this.state);
    // A major finding fails the run unless it belongs to a task that went on to succeed (fixed, retried or reassigned).
    const failedGate = this.state.findings.some(
      (f) => f.severity === 'major' && (f.taskId === undefined || this.state.tasks[f.taskId]?.status !== 'succeeded'),
    );
    return this.complete(counts.failed + counts.skipped > 0 || failedGate ? 'failed' : 'succeeded');
  }

  /** Runs the end-of-run verification gate, if there is one; its findings join the run's. */
  private async verify(): Promise<void> {
    const verifier = this.deps.verifier;
    if (!verifier || this.cancelled) return;
    const span = this.tracer.startSpan('verify');
    let findings: Finding[];
    try {
      findings = await verifier.verify(this.state, this.planAbort.signal);
      span.end('ok');
    } catch (err) {
      span.end('error');
      findings = [
        { severity: 'major', category: 'custom', message: `Verification could not run: ${errorMessage(err)}` },
      ];
    }
    for (const finding of findings) this.emit({ type: 'finding.reported', finding });
  }

  /** Ends the run (or this segment of it): records the outcome, saves statistics, releases the store. */
  async complete(status: RunOutcomeStatus): Promise<RunResult> {
    this.enterPhase('complete');
    this.metrics.flush();
    this.emit({ type: 'run.completed', status, counts: countTasks(this.state) });
    await this.saveStats();
    await this.writer?.close();
    return { runId: this.runId, status, state: this.state };
  }

  /** Records a resume with its (possibly raised) budget. */
  recordResume(budget: RunBudgetLimits | undefined): void {
    if (budget) this.budget.raise(budget);
    this.emit({ type: 'run.resumed', ...(budget ? { budget: { ...this.state.budget, ...budget } } : {}) });
  }

  private async saveStats(): Promise<void> {
    const store = this.deps.statsStore;
    if (!store) return;
    const deltas = this.deps.stats.drainDeltas();
    try {
      await store.addDeltas(deltas);
    } catch (err) {
      this.deps.stats.restoreDeltas(deltas);
      this.services.logger.warn(
        `Agent statistics could not be saved; they will be saved with the next run: ${errorMessage(err)}`,
      );
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
