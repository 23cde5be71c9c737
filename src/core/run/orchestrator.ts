import { Emitter, type Event } from '../common/emitter';
import { errorMessage } from '../common/errors';
import { TaskFailure } from '../model/failure';
import { backoffDelay } from '../execute/retryPolicy';
import { newId } from '../common/ids';
import { buildPlanGraph } from '../plan/planGraph';
import { RunBudget } from '../quota/runBudget';
import { validatePlan, type PlanLimits, type PlanValidation } from '../plan/validatePlan';
import type { Planner } from '../plan/planner';
import type { OrchestratorDeps, RunBudgetLimits, RunWriterPort } from './orchestratorPorts';
import { SettingsDigestSchema, type PlanOrigin, type RunEvent } from '../model/runEvents';
import { RunSession, type RunResult } from './runSession';
import { actionsProblem, parseTaskAction, taskActionEvent, TaskActionError, type TaskAction } from './taskActions';
import { emptyRunState, type RunState } from '../model/runState';
import type { WorkspaceLease } from '../store/workspaceLock';
import { traceModelCall, withChildSpans } from '../execute/modelCallSpan';
import { BudgetUnenforceableError, ResumeError } from './runErrors';
import { applyUserChanges } from './userChanges';
import { whenEventLoopIdle } from '../common/eventLoopIdle';

/** Agents prepared while the planner waits: the built-in ones and the first workspace agents. */
const MAX_PREPARED_AGENTS = 16;

/** What the user asks for. */
export interface RunRequest {
  goal: string;
  /** A ready-made plan; without one the planner is asked. */
  plan?: unknown;
  /** Where a ready-made plan came from (a file, the editor), recorded with it. */
  planOrigin?: PlanOrigin;
  /** Stop after validation: plan only. */
  dryRun?: boolean;
  budget?: RunBudgetLimits;
  /** Normally generated. */
  runId?: string;
  /** SHA-256 of the settings the front end saved to resume this run with; recorded in `run.created`. */
  settingsDigest?: string;
}

/** A run in progress. */
export interface RunHandle {
  readonly runId: string;
  /** The live state; read it, never change it. */
  readonly state: Readonly<RunState>;
  readonly onEvent: Event<RunEvent>;
  /** Resolves when the run ends (succeeded, failed, paused, cancelled, or planned for a dry run). */
  readonly done: Promise<RunResult>;
  pause(reason?: string): void;
  cancel(): void;
  /**
   * A person's action on one task while the run goes on (cancel, retry with a note, skip,
   * reassign); resolves once it is recorded. Throws `TaskActionError`, recording nothing, when it
   * cannot be taken. For a run that has ended, use `Orchestrator.act`, which resumes it.
   */
  act(action: TaskAction): Promise<void>;
}

/** How a run is resumed. */
export interface ResumeOptions {
  /** New limits, e.g. a raised budget after a budget pause. */
  budget?: RunBudgetLimits;
  /** Failed, skipped or cancelled tasks to run again; tasks skipped because of them run again too. */
  retryTasks?: readonly string[];
  /** Manual assignments: task id → agent id. */
  assign?: Readonly<Record<string, string>>;
  /** A person's actions on tasks, recorded (in order) when the run resumes; each is checked first. */
  actions?: readonly TaskAction[];
}

/**
 * The orchestrator: a state machine that takes a goal through initialise → plan → validate →
 * execute → monitor → complete, emitting every step as a run event, and resumes runs from
 * their durable state.
 */
export class Orchestrator {
  private readonly live = new Map<string, RunSession>();
  /** The workspace held by each live run that may edit, released when the run ends. */
  private readonly leases = new Map<string, WorkspaceLease>();
  /** Runs kept in memory when there is no store, so they can still be resumed. */
  private readonly memory = new Map<string, RunState>();
  private readonly emitter = new Emitter<RunEvent>();
  /** Every event of every run started here. */
  readonly onEvent: Event<RunEvent> = this.emitter.event;

  constructor(private readonly deps: OrchestratorDeps) {}

  /** Starts a run; subscribe to the handle's events before the next tick to see them all. */
  start(request: RunRequest): RunHandle {
    // Bad input is refused before anything is created.
    if (typeof request.goal !== 'string' || request.goal.trim() === '') {
      throw new TypeError('A run needs a goal: describe in one sentence what the agents should achieve.');
    }
    new RunBudget(request.budget);
    this.checkBudget(request.budget);
    if (request.settingsDigest !== undefined && !SettingsDigestSchema.safeParse(request.settingsDigest).success)
      throw new TypeError('A settings digest is the SHA-256 of the saved settings, 64 lower-case hex digits.');
    const runId = request.runId ?? newId('run', this.deps.clock.now());
    if (this.live.has(runId) || this.memory.has(runId))
      throw new Error(`A run with id ${runId} already exists; pick another id.`);
    const state = emptyRunState(runId);
    let session: RunSession | undefined;
    const pending: Array<(s: RunSession) => void> = [];
    const forward = new Emitter<RunEvent>();
    const done = (async (): Promise<RunResult> => {
      // Before anything is written: a run refused because another one edits the workspace leaves no trace.
      if (!request.dryRun) await this.takeWorkspace(runId);
      const writer = await this.deps.store?.create(runId, state);
      session = this.track(new RunSession(state, writer, this.deps), forward);
      pending.splice(0).forEach((fn) => fn(session!));
      return this.runFresh(session, request);
    })();
    return this.handle(runId, state, forward, done, (fn) => (session ? fn(session) : pending.push(fn)));
  }

  /** Resumes a paused, interrupted or crashed run from its store; completed steps are not repeated. */
  async resume(runId: string, options: ResumeOptions = {}): Promise<RunHandle> {
    if (this.live.has(runId)) throw new ResumeError(`Run ${runId} is still running in this window.`);
    // Bad limits are refused before the run is taken.
    if (options.budget) new RunBudget(options.budget);
    this.checkBudget(options.budget);
    for (const agentId of Object.values(options.assign ?? {})) {
      if (!this.deps.registry.get(agentId))
        throw new ResumeError(
          `No agent "${agentId}" is registered; pick one of: ${this.deps.registry
            .list()
            .map((a) => a.definition.id)
            .join(', ')}.`,
        );
    }
    await this.takeWorkspace(runId);
    let opened: { writer: RunWriterPort | undefined; state: RunState | undefined; warnings: string[] };
    try {
      opened = this.deps.store
        ? await this.deps.store.open(runId)
        : { writer: undefined, state: this.memory.get(runId), warnings: [] };
    } catch (err) {
      await this.giveBackWorkspace(runId);
      throw err;
    }
    const { writer, state, warnings } = opened;
    if (!state) {
      await this.giveBackWorkspace(runId);
      throw new ResumeError(`Run ${runId} is unknown.`);
    }
    const replan = !state.plan && state.status === 'paused';
    const refusal =
      !state.plan && !replan
        ? `Run ${runId} has no validated plan to resume; start it again.`
        : state.status === 'succeeded' || state.status === 'planned'
          ? `Run ${runId} already ${state.status === 'succeeded' ? 'succeeded' : 'ended as a dry run'}; start a new run instead.`
          : undefined;
    const unknownTask = [...(options.retryTasks ?? []), ...Object.keys(options.assign ?? {})].find(
      (id) => !state.plan?.tasks.some((t) => t.id === id),
    );
    const problem =
      refusal ??
      (unknownTask !== undefined ? `Run ${runId} has no task "${unknownTask}".` : undefined) ??
      actionsProblem(state, this.deps.registry, options.actions ?? []);
    if (problem) {
      await writer?.close();
      await this.giveBackWorkspace(runId);
      throw new ResumeError(problem);
    }
    const session = new RunSession(state, writer, this.deps);
    for (const w of warnings) session.services.logger.warn(w);
    const forward = new Emitter<RunEvent>();
    this.track(session, forward);
    const plan = state.plan;
    const done = (async (): Promise<RunResult> => {
      // Let the caller subscribe before the first event.
      await new Promise<void>((resolve) => setImmediate(resolve));
      session.recordResume(options.budget);
      if (plan) applyUserChanges(session, plan.tasks, options);
      for (const action of options.actions ?? []) session.emit(taskActionEvent(action));
      // Durable before any task starts, so a crash from here on still finds the actions.
      if (options.actions?.length) await session.commit();
      return plan
        ? session.execute(buildPlanGraph(plan.tasks))
        : this.planAndExecute(session, { goal: state.goal, dryRun: state.dryRun });
    })();
    return this.handle(runId, state, forward, done, (fn) => fn(session));
  }

  /**
   * Checks a plan by the rules a run applies (schema, graph, limits, the capabilities and agents
   * registered now), without starting anything: for a plan from a file or the editor.
   */
  validate(plan: unknown): PlanValidation {
    return validatePlan(plan, this.planLimits());
  }

  /**
   * A person's action on one task: taken on the live run when it runs here, otherwise by resuming
   * the run with it (resolving with the new handle). Throws `TaskActionError` or `ResumeError`,
   * recording nothing, when it cannot be taken.
   */
  async act(runId: string, input: TaskAction): Promise<RunHandle | undefined> {
    const action = parseTaskAction(input);
    const live = this.live.get(runId);
    if (live) {
      await live.act(action);
      return undefined;
    }
    return this.resume(runId, { actions: [action] });
  }

  /** The live session of a run started or resumed here. */
  isLive(runId: string): boolean {
    return this.live.has(runId);
  }

  private track(session: RunSession, forward: Emitter<RunEvent>): RunSession {
    this.live.set(session.runId, session);
    session.onEvent((e) => {
      forward.fire(e);
      this.emitter.fire(e);
    });
    return session;
  }

  private handle(
    runId: string,
    state: RunState,
    forward: Emitter<RunEvent>,
    run: Promise<RunResult>,
    withSession: (fn: (s: RunSession) => void) => void,
  ): RunHandle {
    const done = run.finally(async () => {
      // Whatever ended the run, its store and its workspace are given up so it can be resumed.
      try {
        await this.live.get(runId)?.release();
      } finally {
        await this.giveBackWorkspace(runId);
      }
      this.live.get(runId)?.dispose();
      this.live.delete(runId);
      if (!this.deps.store) this.memory.set(runId, state);
      forward.dispose();
      if (this.live.size === 0) await this.deps.onIdle?.().catch(() => undefined);
    });
    return {
      runId,
      state,
      onEvent: forward.event,
      done,
      pause: (reason) => withSession((s) => s.pause(reason)),
      cancel: () => withSession((s) => s.cancel()),
      act: (action) => {
        const session = this.live.get(runId);
        return session
          ? session.act(action)
          : Promise.reject(
              new TaskActionError(`Run ${runId} is not running here; its plan is not ready yet, or it has ended.`),
            );
      },
    };
  }

  /** Takes the workspace's lock for a run that may edit; throws `WorkspaceBusyError` when another run has it. */
  private async takeWorkspace(runId: string): Promise<void> {
    const lease = await this.deps.workspaceLock?.acquire(runId);
    if (lease) this.leases.set(runId, lease);
  }

  /** Throws `BudgetUnenforceableError` when the budget cannot hold for the models runs use (`start` and `resume` ask too). */
  checkBudget(budget: RunBudgetLimits | undefined): void {
    const problem = budget === undefined ? undefined : this.deps.budgetProblem?.(budget);
    if (problem !== undefined) throw new BudgetUnenforceableError(problem);
  }

  /** Releases a run's workspace lock; one that cannot be deleted keeps other processes out until this one ends. */
  private async giveBackWorkspace(runId: string): Promise<void> {
    const lease = this.leases.get(runId);
    this.leases.delete(runId);
    await lease?.release().catch(() => undefined);
  }

  private async runFresh(session: RunSession, request: RunRequest): Promise<RunResult> {
    session.emit({
      type: 'run.created',
      goal: request.goal,
      dryRun: request.dryRun ?? false,
      budget: { ...request.budget },
      ...(request.settingsDigest === undefined ? {} : { settingsDigest: request.settingsDigest }),
    });
    session.budget.raise(session.state.budget);
    return this.planAndExecute(session, request);
  }

  /** Plan (unless a plan was given), validate, then execute, or stop after validation for a dry run. */
  private async planAndExecute(session: RunSession, request: RunRequest): Promise<RunResult> {
    session.enterPhase('plan');
    let planInput: unknown = request.plan;
    if (planInput === undefined) {
      const planner = this.deps.planner;
      if (!planner) return this.reject(session, 'No plan was given and no planner is configured.');
      // While the planner waits for its model, the agents do what each of their tasks starts with.
      const preparing = request.dryRun ? undefined : whenEventLoopIdle(() => this.prepareAgents());
      try {
        planInput = await this.planWithRetries(session, planner, request.goal);
      } catch (err) {
        if (session.cancelled) return session.complete('cancelled');
        // A budget reached while planning pauses like one reached while executing; resume plans again.
        if (err instanceof TaskFailure && err.failureClass === 'needs-human') {
          session.emit({ type: 'run.paused', reason: err.message });
          return session.complete('paused');
        }
        return this.reject(session, `Planning failed: ${errorMessage(err)}`);
      } finally {
        preparing?.cancel();
      }
    }
    if (session.cancelled) return session.complete('cancelled');
    session.enterPhase('validate');
    const validation = validatePlan(planInput, this.planLimits());
    if (!validation.ok) {
      session.emit({ type: 'plan.rejected', issues: validation.issues });
      for (const issue of validation.issues) {
        session.emit({
          type: 'finding.reported',
          finding: {
            severity: 'major',
            category: 'custom',
            message: issue.message,
            ...(issue.taskId ? { taskId: issue.taskId } : {}),
          },
        });
      }
      return session.complete('failed');
    }
    const origin: PlanOrigin | undefined =
      request.planOrigin ?? (request.plan === undefined ? undefined : { source: 'api' });
    session.emit({
      type: 'plan.ready',
      plan: { ...validation.plan, goal: validation.plan.goal || request.goal },
      ...(origin ? { origin } : {}),
    });
    if (request.dryRun) return session.complete('planned');
    return session.execute(validation.graph);
  }

  /** `prepare` of each registered agent (the first 16); a failure is left for the agent's task to meet and report. */
  private prepareAgents(): void {
    for (const agent of this.deps.registry.list().slice(0, MAX_PREPARED_AGENTS)) {
      try {
        agent.prepare?.();
      } catch {
        // Only a head start is lost: the task builds the same and says what is wrong.
      }
    }
  }

  /** Asks the planner, retrying a provider's transient failures with the same backoff as tasks. */
  private async planWithRetries(session: RunSession, planner: Planner, goal: string): Promise<unknown> {
    const signal = session.planSignal;
    const { retry, random } = this.deps.settings;
    const quota = session.services.quota;
    for (let attempt = 1; ; attempt++) {
      try {
        // The planner's model calls are children of a `plan` span, one per attempt.
        return await withChildSpans(session.tracer, 'plan', { attempt }, (startSpan) =>
          planner.plan(goal, {
            signal,
            limits: this.planLimits(),
            callModel: (req, send) =>
              traceModelCall(
                startSpan,
                req,
                send,
                async (t) => (await quota.call({ ...req, agentId: 'planner' }, t, signal)).value,
              ),
            warn: (message, fields) => session.services.logger.warn(message, fields),
            runId: session.runId,
            recordCacheHit: (key) => quota.recordCacheHit(key, undefined, 'planner'),
          }),
        );
      } catch (err) {
        if (!(err instanceof TaskFailure) || err.failureClass !== 'retryable' || attempt >= retry.maxAttemptsPerTask)
          throw err;
        const delayMs = backoffDelay(retry, attempt - 1, err.options.retryAfterMs, random);
        session.services.logger.warn(`Planning failed (${err.message}); trying again in ${delayMs} ms.`);
        await this.deps.clock.sleep(delayMs, signal);
      }
    }
  }

  private planLimits(): PlanLimits {
    return {
      maxTasks: this.deps.settings.maxTasksPerPlan,
      knownCapabilities: this.deps.registry.capabilities(),
      knownAgents: new Set(this.deps.registry.list().map((a) => a.definition.id)),
      agentCapabilities: new Map(this.deps.registry.list().map((a) => [a.definition.id, a.definition.capabilities])),
    };
  }

  private reject(session: RunSession, message: string): Promise<RunResult> {
    session.emit({ type: 'finding.reported', finding: { severity: 'major', category: 'custom', message } });
    return session.complete('failed');
  }
}
