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
import { buildPlanGraph, type PlanGraph } from '../plan/planGraph';
import { QuotaGate } from '../quota/quotaGate';
import { RunBudget } from '../quota/runBudget';
import type { RunGateReport } from '../verify/runVerifier';
import type { OrchestratorDeps, RunBudgetLimits, RunWriterPort } from './orchestratorPorts';
import { DEFAULT_REPAIR_ATTEMPTS, MAX_REPAIR_DIFF_CHARS, REPAIR_AGENT, repairTaskSpec } from './repairTask';
import { checkJournal, gateScope } from './checkJournal';
import { assertTransition } from './runPhases';
import { parseTaskAction, taskActionEvent, taskActionProblem, TaskActionError, type TaskAction } from './taskActions';
import type { RunEvent, RunEventBody, RunPhase } from '../model/runEvents';
import { applyRunEvent, countTasks, unfinishedTasks, type RunState } from '../model/runState';

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
    const logger = new RunLogger(emit, { minLevel: deps.settings.logLevel });
    // At debug, each rate-limit wait is also a log line, next to the policy decisions.
    const quotaEmit = (body: RunEventBody): void => {
      emit(body);
      if (body.type === 'task.waited' && logger.isEnabled('debug'))
        logger.debug(`Waited ${body.durationMs} ms for the rate limit of ${body.detail ?? 'the model'}.`, {
          taskId: body.taskId,
        });
    };
    this.services = {
      emit,
      commit: () => this.commit(),
      quota: new QuotaGate(this.budget, deps.rateLimits, quotaEmit, () => deps.clock.now()),
      context,
      messages,
      logger,
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

  /**
   * Takes a person's action on one task of this live run: checks it, records it, then carries it
   * out while the rest of the run goes on. Resolves once the record is durable; throws
   * `TaskActionError`, recording nothing, when the action cannot be taken.
   */
  async act(input: TaskAction): Promise<void> {
    const action = parseTaskAction(input);
    if (!this.executor || this.stopRequested === 'cancel' || this.state.status !== 'running') {
      throw new TaskActionError(
        this.state.phase === 'complete'
          ? `Run ${this.runId} has ended; act on it again to resume it with this action.`
          : `Run ${this.runId} is ${this.cancelled ? 'being cancelled' : this.state.status === 'paused' ? 'pausing' : `in its ${this.state.phase} phase, not running tasks`}; act on its tasks while they run, or once it has ended.`,
      );
    }
    const problem = taskActionProblem(this.state, this.deps.registry, action);
    if (problem) throw new TaskActionError(problem);
    this.emit(taskActionEvent(action));
    this.executor?.applyAction(action.taskId, action.kind);
    await this.commit();
  }

  get planSignal(): AbortSignal {
    return this.planAbort.signal;
  }

  get cancelled(): boolean {
    return this.stopRequested === 'cancel';
  }

  /**
   * Executes the plan from wherever the state says it stands, then monitors and completes. Before
   * the first task the configured checks are run once and recorded as the baseline; after the last,
   * the end-of-run gate compares them with it. A failed gate gets a repair task (as many rounds as
   * `repairAttempts` allows) and the gate again; then the run ends.
   */
  async execute(graph: PlanGraph): Promise<RunResult> {
    this.enterPhase('execute');
    await this.recordBaseline();
    if (this.storageFailure) throw this.storageFailure;
    for (let plan = graph; ;) {
      const outcome = await this.runTasks(plan);
      if (this.storageFailure) throw this.storageFailure;
      if (outcome !== 'finished') return this.complete(outcome);
      this.enterPhase('monitor');
      const report = await this.verify();
      if (this.cancelled) return this.complete('cancelled');
      if (unfinishedTasks(this.state) > 0 || !report) return this.complete('failed');
      if (report.passed) return this.complete('succeeded');
      const repair = await this.addRepairTask(report);
      if (!repair) return this.complete('failed');
      plan = buildPlanGraph(this.state.plan?.tasks ?? []);
      this.enterPhase('execute');
    }
  }

  /** One execution segment over the graph: every ready task, until all are final, or a pause or cancel. */
  private async runTasks(graph: PlanGraph): Promise<ExecutionOutcome> {
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
    return outcome;
  }

  /**
   * Runs every configured check once, before the first task, and records the result as the run's
   * baseline; made durable before any task starts, so a resume (after a pause or a crash) never runs
   * it again. A run resumed with tasks already started and no baseline goes on without one.
   */
  private async recordBaseline(): Promise<void> {
    const verifier = this.deps.verifier;
    if (!verifier?.baseline || this.state.baseline !== undefined || this.cancelled) return;
    // The checks run commands: the plan they check is durable first.
    await this.commit();
    if (Object.values(this.state.tasks).some((t) => t.attempts.length > 0)) {
      this.services.logger.warn(
        'This run has no baseline of its checks (it started before baselines were recorded): every finding at a gate counts as new.',
      );
      return;
    }
    const span = this.tracer.startSpan('verify.baseline');
    try {
      const journal = checkJournal(
        this.runId,
        'baseline',
        this.state,
        (body) => this.emit(body),
        () => this.commit(),
      );
      const checks = await verifier.baseline(this.planAbort.signal, journal);
      span.end('ok');
      this.emit({ type: 'verification.baseline', checks });
      await this.commit().catch(() => undefined);
    } catch (err) {
      span.end(this.cancelled ? 'cancelled' : 'error');
      if (this.cancelled) return;
      this.services.logger.warn(
        `The checks could not be run before the first task, so the run has no baseline: ${errorMessage(err)}`,
      );
    }
  }

  /**
   * Runs the end-of-run gate, if there is one: its findings join the run's (those in the baseline
   * marked pre-existing) and its verdict is recorded. Undefined when it could not judge at all.
   */
  private async verify(): Promise<RunGateReport | undefined> {
    const verifier = this.deps.verifier;
    if (!verifier) return { passed: true, findings: [], checks: [], failureText: '' };
    if (this.cancelled) return undefined;
    // The checks run commands: the tasks' successes, appended but not awaited one by one, are durable first.
    await this.commit();
    const span = this.tracer.startSpan('verify');
    let report: RunGateReport | undefined;
    try {
      const journal = checkJournal(
        this.runId,
        gateScope(this.state),
        this.state,
        (body) => this.emit(body),
        () => this.commit(),
      );
      report = await verifier.verify(this.state, this.planAbort.signal, journal);
      span.end('ok');
    } catch (err) {
      span.end(this.cancelled ? 'cancelled' : 'error');
      if (this.cancelled) return undefined;
      const message = `Verification could not run: ${errorMessage(err)}`;
      this.emit({ type: 'finding.reported', finding: { severity: 'major', category: 'custom', message } });
      return undefined;
    }
    for (const finding of report.findings) this.emit({ type: 'finding.reported', finding });
    this.emit({
      type: 'run.gate',
      round: (this.state.gate?.round ?? 0) + 1,
      passed: report.passed,
      checks: report.checks,
    });
    return report;
  }

  /**
   * Adds a repair task to the plan after a failed gate, while repair rounds are left and an agent
   * can take it; resolves with its id, or undefined when the run should end as it is.
   */
  private async addRepairTask(report: RunGateReport): Promise<string | undefined> {
    const allowed = this.deps.settings.repairAttempts ?? DEFAULT_REPAIR_ATTEMPTS;
    if (this.cancelled || report.checks.length === 0 || (this.state.repairTasks?.length ?? 0) >= allowed) return;
    const registry = this.deps.registry;
    const agent = registry.get(REPAIR_AGENT)
      ? REPAIR_AGENT
      : registry.list().find((a) => a.definition.capabilities.includes('code'))?.definition.id;
    if (agent === undefined) {
      this.services.logger.warn('No repair task: no agent can write code (no "coder", nor one with "code").');
      return;
    }
    const diff = await this.deps.runDiff?.(this.runId, MAX_REPAIR_DIFF_CHARS).catch((err: unknown) => {
      this.services.logger.warn(`The run's diff is left out of the repair brief: ${errorMessage(err)}`);
      return undefined;
    });
    const task = repairTaskSpec(this.state, report, diff, agent);
    this.emit({
      type: 'plan.task.added',
      task,
      kind: 'repair',
      reason: `The end-of-run gate failed (round ${this.state.gate?.round ?? 1}); repair ${(this.state.repairTasks?.length ?? 0) + 1} of ${allowed}.`,
    });
    return task.id;
  }

  /** Ends the run (or this segment of it): records the outcome, saves statistics, releases the store. */
  async complete(status: RunOutcomeStatus): Promise<RunResult> {
    this.enterPhase('complete');
    this.metrics.flush();
    this.emit({ type: 'run.completed', status, counts: countTasks(this.state) });
    // Statistics count this run's attempts once: the run's record is durable before they are written.
    // A record that could not be saved (the tasks' successes are appended, not synced one by one)
    // means the outcome is not the run's: the caller is told, and resuming redoes what was lost.
    await this.commit();
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
