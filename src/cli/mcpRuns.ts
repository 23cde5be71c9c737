import { errorMessage } from '../core/common/errors';
import { newId } from '../core/common/ids';
import type { ProviderTable } from '../core/llm/providerTable';
import type { Plan } from '../core/model/planSchema';
import type { PlanOrigin } from '../core/model/runEvents';
import type { RunHandle } from '../core/run/orchestrator';
import { ResumeError } from '../core/run/runErrors';
import { summariseRun, type RunSummary } from '../core/run/runSummary';
import { retryableTaskIds, type RunState } from '../core/model/runState';
import { TaskActionError } from '../core/run/taskActions';
import { RunLockedError } from '../core/store/runLock';
import { isSafeRunId } from '../core/store/runLayout';
import { runStoreAt } from '../core/store/runStore';
import { UnreadableRunError } from '../core/store/recovery';
import { WorkspaceBusyError } from '../core/store/workspaceLockInfo';
import { CliApprovals } from './cliApprovals';
import type { BudgetArgs } from './cliCommand';
import { createCliEngine, rateLimitsFromEnv, type CliEngine } from './cliEngine';
import { saveCliRunOptions } from './cliRunOptions';
import { resumableRun, type RunEngineSettings } from './resumeSettings';
import { budgetCheck, budgetOf, cliRunOptionsOf, DEFAULT_CONCURRENCY } from './runCommand';
import { tuningFromEnv } from './tuningEnv';
import { UsageError } from './usageError';

/** What the MCP server was started with; an MCP client changes none of it. */
export interface McpRunsOptions {
  stateDir: string;
  /** The engine settings of new runs (`--workspace`, `--provider`, …); a resume uses the run's saved ones. */
  settings: RunEngineSettings;
  /** `--approve`: `never` (the default) pauses a run at the first edit, `auto` accepts edits except protected ones. */
  approve: 'auto' | 'never';
  /** `--budget-tokens` / `--budget-usd`, applied to every run and resume. */
  budget: BudgetArgs;
  providers: ProviderTable;
  env: Readonly<Record<string, string | undefined>>;
  /** Warnings (stderr: stdout is the MCP channel). */
  warn(message: string): void;
}

/** The plan of a dry run, with its run id. */
export interface PlannedRun {
  runId: string;
  status: RunSummary['status'];
  plan?: Plan;
  /** Why the plan was refused, when it was. */
  planIssues?: unknown;
}

/** A run live in this server process. */
interface LiveRun {
  handle: RunHandle;
  engine: CliEngine;
}

/**
 * The runs an MCP server drives: the same engine, approvals, budgets, saved settings and state
 * folder as `agent-orchestrator run` and `resume` (a run started here resumes from the terminal
 * too). Runs go on in the background; `status` reads a live run's state or the stored one. Every
 * refusal is a `UsageError` whose message says what to send instead.
 */
export class McpRuns {
  private readonly live = new Map<string, LiveRun>();
  /** Runs refused before they were created (another run edits the workspace), by id. */
  private readonly refused = new Map<string, string>();

  constructor(private readonly options: McpRunsOptions) {}

  /** Plans `goal` in a dry run and waits for the plan. */
  async plan(goal: string): Promise<PlannedRun> {
    const handle = await this.start({ goal, dryRun: true });
    const result = await handle.done;
    return {
      runId: result.runId,
      status: result.status,
      ...(result.state.plan ? { plan: result.state.plan } : {}),
      ...(result.state.planIssues?.length ? { planIssues: result.state.planIssues } : {}),
    };
  }

  /** Starts a run of `goal`, or of the plan a dry run (`fromRun`) produced; returns at once with its id. */
  async run(input: { goal: string } | { fromRun: string }): Promise<string> {
    if ('goal' in input) return (await this.start({ goal: input.goal, dryRun: false })).runId;
    const runId = safeRunId(input.fromRun);
    const stored = await this.load(runId);
    if (!stored.plan)
      throw new UsageError(
        `Run ${runId} has no validated plan to run; send {"goal": "…"} instead, or plan it first with the plan tool.`,
      );
    const origin: PlanOrigin = { source: 'api', fromRun: runId, edited: false };
    return (await this.start({ goal: stored.goal, dryRun: false, plan: { input: stored.plan, origin } })).runId;
  }

  /** A live or stored run at a glance. */
  async status(runIdInput: string): Promise<RunSummary & { live: boolean }> {
    const runId = safeRunId(runIdInput);
    const live = this.live.get(runId);
    if (live) return { ...summariseRun(live.handle.state), live: true };
    const refused = this.refused.get(runId);
    if (refused !== undefined) throw new UsageError(`Run ${runId} was not started: ${refused}`);
    return { ...summariseRun(await this.load(runId)), live: false };
  }

  /** Resumes a paused, failed or cancelled run with the settings it was started with; returns at once. */
  async resume(runIdInput: string): Promise<string> {
    const runId = safeRunId(runIdInput);
    if (this.live.has(runId))
      throw new UsageError(`Run ${runId} is still running; ask for its status until it has stopped, then resume it.`);
    const hint = 'the status tool with a run id, or `agent-orchestrator list`,';
    const { stored, settings } = await resumableRun(
      runId,
      undefined,
      this.options.stateDir,
      this.options.providers,
      DEFAULT_CONCURRENCY,
      hint,
    );
    const engine = await this.engine(settings);
    try {
      const retryTasks = retryableTaskIds(stored);
      const { budget } = budgetOf(this.options.budget);
      budgetCheck(() => engine.orchestrator.checkBudget(budget));
      const handle = await engine.orchestrator.resume(runId, {
        ...budgetOf(this.options.budget),
        ...(retryTasks.length > 0 ? { retryTasks } : {}),
      });
      this.follow(handle, engine);
      return runId;
    } catch (err) {
      engine.dispose();
      if (err instanceof ResumeError || err instanceof TaskActionError || err instanceof RunLockedError)
        throw new UsageError(`Run ${runId} cannot be resumed: ${err.message}`);
      if (err instanceof WorkspaceBusyError) throw new UsageError(`Run ${runId} cannot be resumed: ${err.message}`);
      throw err;
    }
  }

  /** Cancels the live runs and waits until each has saved its state (the client went away). */
  async close(): Promise<void> {
    const runs = [...this.live.values()];
    for (const { handle } of runs) handle.cancel();
    await Promise.allSettled(runs.map(({ handle }) => handle.done));
  }

  private async start(input: {
    goal: string;
    dryRun: boolean;
    plan?: { input: unknown; origin: PlanOrigin };
  }): Promise<RunHandle> {
    const { settings, stateDir } = this.options;
    const engine = await this.engine(settings);
    try {
      if (input.plan) {
        const validation = engine.orchestrator.validate(input.plan.input);
        if (!validation.ok)
          throw new UsageError(`The plan of run ${input.plan.origin.fromRun} is no longer valid; plan the goal again.`);
      }
      const { budget } = budgetOf(this.options.budget);
      budgetCheck(() => engine.orchestrator.checkBudget(budget));
      const runId = newId('run');
      const settingsDigest = await saveCliRunOptions(stateDir, runId, cliRunOptionsOf(engine, settings));
      const handle = engine.orchestrator.start({
        goal: input.goal.trim(),
        runId,
        settingsDigest,
        dryRun: input.dryRun,
        ...(input.plan ? { plan: input.plan.input, planOrigin: input.plan.origin } : {}),
        ...budgetOf(this.options.budget),
      });
      this.follow(handle, engine);
      return handle;
    } catch (err) {
      engine.dispose();
      throw err;
    }
  }

  /** Keeps the run live until it ends, then frees its engine (its state is in the store by then). */
  private follow(handle: RunHandle, engine: CliEngine): void {
    this.live.set(handle.runId, { handle, engine });
    void handle.done
      .catch((err: unknown) => {
        this.refused.set(handle.runId, errorMessage(err));
        if (!(err instanceof WorkspaceBusyError)) this.options.warn(`Run ${handle.runId}: ${errorMessage(err)}`);
      })
      .finally(() => {
        this.live.delete(handle.runId);
        engine.dispose();
      });
  }

  private engine(settings: RunEngineSettings): Promise<CliEngine> {
    const { env, warn } = this.options;
    const approvals = new CliApprovals({
      mode: this.options.approve,
      // An MCP client cannot answer a terminal prompt: what needs a person pauses the run.
      prompt: undefined,
      color: false,
      resumeCommand: (runId) => `the resume tool with {"runId": "${runId}"} (after approving, or with --approve auto)`,
    });
    return createCliEngine({
      ...settings,
      stateDir: this.options.stateDir,
      providers: this.options.providers,
      env,
      approvals,
      rateLimits: rateLimitsFromEnv(env),
      tuning: tuningFromEnv(env),
      warn,
    });
  }

  private async load(runId: string): Promise<Readonly<RunState>> {
    try {
      return (await runStoreAt(this.options.stateDir).load(runId)).state;
    } catch (err) {
      if (err instanceof UnreadableRunError) throw new UsageError(err.message);
      throw new UsageError(
        `There is no readable run "${runId}" in this server's state folder (${errorMessage(err)}); send a run id that plan or run returned.`,
      );
    }
  }
}

/** A run id as the store names them; anything else is refused before it reaches a path. */
function safeRunId(runId: string): string {
  if (!isSafeRunId(runId))
    throw new UsageError(`"${runId}" is not a run id; send one that plan or run returned, like run-m1abc-0123456789.`);
  return runId;
}
