import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { ModelChoice } from '../core/engine/engineModels';
import type { PlanOrigin } from '../core/model/runEvents';
import type { ProviderTable } from '../core/llm/providerTable';
import { newId } from '../core/common/ids';
import type { RunHandle } from '../core/run/orchestrator';
import { BudgetUnenforceableError, ResumeError } from '../core/run/runErrors';
import type { RunResult } from '../core/run/runSession';
import { RunLockedError } from '../core/store/runLock';
import { retryableTaskIds } from '../core/model/runState';
import { WorkspaceBusyError } from '../core/store/workspaceLockInfo';
import { CliApprovals } from './cliApprovals';
import type { ApproveMode, BudgetArgs, ResumeArgs, RunArgs } from './cliCommand';
import { DEFAULT_ENGINE_SETTINGS } from '../core/engine/engineSettings';
import { createCliEngine, rateLimitsFromEnv, type CliEngine } from './cliEngine';
import type { CliIo } from './cliIo';
import { CLI_RUNS_DIR, saveCliRunOptions, type CliRunOptions } from './cliRunOptions';
import { ExitCode } from './exitCodes';
import { RunReporter } from './runReporter';
import { TerminalPrompt } from './terminalPrompt';
import { tuningFromEnv } from './tuningEnv';
import { TaskActionError } from '../core/run/taskActions';
import { UsageError } from './usageError';
import { resumableRun, userPolicyOf, type RunEngineSettings } from './resumeSettings';
import { invalidPlanError, readPlanFile, writePlanFile } from './planFiles';
import { planFileText } from '../core/plan/planFile';
import { planOriginOf } from '../core/plan/planOrigin';
import { PLAN_TO_STDOUT } from './cliCommand';
import { OtlpSpanExporter } from '../core/observe/otlpSpanExporter';
import { closeOpenAiTokenizers } from '../core/llm/openAiTokenizer';
import { version as VERSION } from '../../package.json';

/** Concurrency when `--concurrency` is not given (the extension's default). */
export const DEFAULT_CONCURRENCY = DEFAULT_ENGINE_SETTINGS.maxConcurrency;

/** Where the state lives and whether the user chose it (then hints repeat `--state-dir`). */
export interface StateDirChoice {
  dir: string;
  given: boolean;
}

/** The exit code of a finished run: 0 succeeded or planned, 1 failed or cancelled, 3 paused. */
export function exitCodeOf(status: RunResult['status']): number {
  switch (status) {
    case 'succeeded':
    case 'planned':
      return ExitCode.ok;
    case 'paused':
      return ExitCode.paused;
    case 'failed':
    case 'cancelled':
      return ExitCode.failed;
  }
}

/** `run "<goal>"`: plans and runs a goal; prints the run id first. */
export async function runCommand(
  args: RunArgs,
  io: CliIo,
  state: StateDirChoice,
  providers: ProviderTable,
): Promise<number> {
  const approve = approveMode(args.approve, io);
  const models: ModelChoice = {
    provider: args.provider ?? 'auto',
    ...(args.model === undefined ? {} : { model: args.model }),
    ...(args.baseUrl === undefined ? {} : { baseUrl: args.baseUrl }),
  };
  const settings = {
    workspace: args.workspace,
    models,
    concurrency: args.concurrency ?? DEFAULT_CONCURRENCY,
    verify: args.verify,
    ...(args.passEnv.length === 0 ? {} : { passEnv: args.passEnv }),
    ...(args.thresholds === undefined ? {} : { thresholds: args.thresholds }),
    ...(args.repairAttempts === undefined ? {} : { repairAttempts: args.repairAttempts }),
    ...(args.commandLimits === undefined ? {} : { commandLimits: args.commandLimits }),
    ...(args.prices === undefined ? {} : { prices: args.prices }),
    ...(args.responseCache === undefined ? {} : { responseCache: args.responseCache }),
    ...userPolicyOf(args),
  };
  const planInput = args.planFile === undefined ? undefined : await readPlanFile(args.planFile);
  const afterRun = async (result: RunResult): Promise<void> => {
    if (args.out === undefined || result.status !== 'planned' || !result.state.plan) return;
    if (args.out === PLAN_TO_STDOUT) {
      if (!args.json) io.stdout.write(planFileText(result.runId, result.state.plan));
      return;
    }
    await writePlanFile(args.out, result.runId, result.state.plan);
    io.stderr.write(`Plan written to ${args.out}; run it with: agent-orchestrator run --plan ${args.out}\n`);
  };
  // A run refused because another one edits the workspace was never created; its saved settings go too.
  const onRefused = (runId: string): Promise<void> =>
    rm(path.join(state.dir, CLI_RUNS_DIR, `${runId}.json`), { force: true });
  const options = {
    json: args.json,
    approve,
    providers,
    settings,
    afterRun,
    onRefused,
    ...(args.mcpConfig === undefined ? {} : { mcpConfig: args.mcpConfig }),
    ...otlpOf(args),
  };
  return drive(io, state, options, async (engine, reporter, attach) => {
    let plan: { input: unknown; origin: PlanOrigin } | undefined;
    if (planInput !== undefined && args.planFile !== undefined) {
      const validation = engine.orchestrator.validate(planInput);
      if (!validation.ok) throw invalidPlanError(args.planFile, validation);
      const loadPlan = async (runId: string) => (await engine.store.load(runId)).state.plan;
      plan = { input: planInput, origin: await planOriginOf('file', planInput, validation.plan, loadPlan) };
    }
    const goal = args.goal || (plan ? (planInput as { goal?: string }).goal?.trim() : '') || '';
    if (goal === '') throw new UsageError(`The plan ${args.planFile} has no goal; give one: run "<goal>" --plan FILE.`);
    // A money budget on a model nobody priced is refused before anything is saved or sent.
    budgetCheck(() => engine.orchestrator.checkBudget(budgetOf(args.budget).budget));
    const runId = newId('run');
    const settingsDigest = await saveCliRunOptions(state.dir, runId, cliRunOptionsOf(engine, settings));
    if (!args.json) (args.out === PLAN_TO_STDOUT ? io.stderr : io.stdout).write(`Run ${runId}\n`);
    reporter.releaseWarnings();
    reporter.info(
      plan
        ? `Running the plan in ${args.planFile}${plan.origin.edited ? ' (edited since it was planned)' : ''} with ${describeModels(engine)} in ${engine.workspaceRoot}`
        : `${args.dryRun ? 'Planning (dry run)' : 'Planning'} with ${describeModels(engine)} in ${engine.workspaceRoot}`,
    );
    return attach(
      engine.orchestrator.start({
        goal,
        runId,
        settingsDigest,
        dryRun: args.dryRun,
        ...(plan ? { plan: plan.input, planOrigin: plan.origin } : {}),
        ...budgetOf(args.budget),
      }),
    );
  });
}

/** `resume <runId>`: continues a run with the settings it was started with. */
export async function resumeCommand(
  args: ResumeArgs,
  io: CliIo,
  state: StateDirChoice,
  providers: ProviderTable,
): Promise<number> {
  const { stored, settings } = await resumableRun(
    args.runId,
    args.workspace,
    state.dir,
    providers,
    DEFAULT_CONCURRENCY,
    `agent-orchestrator list${stateFlag(state)}`,
  );
  const approve = approveMode(args.approve, io);
  const options = {
    json: args.json,
    approve,
    providers,
    settings: args.logLevel === undefined ? settings : { ...settings, logLevel: args.logLevel },
    ...(args.mcpConfig === undefined ? {} : { mcpConfig: args.mcpConfig }),
    ...otlpOf(args),
  };
  return drive(io, state, options, async (engine, reporter, attach) => {
    let handle: RunHandle;
    try {
      // A failed or cancelled run gets another go at its failed, cancelled and skipped tasks; each
      // new attempt's brief says why the last one failed.
      // Tasks named by --skip or --retry follow the person's action instead.
      const named = new Set((args.actions ?? []).map((a) => a.taskId));
      const retryTasks = retryableTaskIds(stored).filter((id) => !named.has(id));
      budgetCheck(() => engine.orchestrator.checkBudget(budgetOf(args.budget).budget));
      handle = attach(
        await engine.orchestrator.resume(args.runId, {
          ...budgetOf(args.budget),
          ...(retryTasks.length > 0 ? { retryTasks } : {}),
          ...(args.actions ? { actions: args.actions } : {}),
        }),
      );
    } catch (err) {
      if (
        err instanceof ResumeError ||
        err instanceof TaskActionError ||
        err instanceof RunLockedError ||
        err instanceof WorkspaceBusyError
      )
        throw new UsageError(`Run ${args.runId} cannot be resumed: ${err.message}`);
      throw err;
    }
    if (!args.json) io.stdout.write(`Run ${args.runId}\n`);
    reporter.releaseWarnings();
    reporter.info(`Resuming with ${describeModels(engine)} in ${engine.workspaceRoot}`);
    return handle;
  });
}

/** Runs a budget check; its refusal is a usage error (exit code and message say what to do). */
export function budgetCheck(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof BudgetUnenforceableError) throw new UsageError(err.message);
    throw err;
  }
}

interface DriveOptions {
  json: boolean;
  /** Export the run's spans to this OTLP/HTTP collector. */
  otlpEndpoint?: string;
  /** Called with the outcome before the summary (e.g. to write the plan of a dry run). */
  afterRun?(result: RunResult): Promise<void>;
  /** Called when the run was refused before it was created (another run edits the workspace). */
  onRefused?(runId: string): Promise<void>;
  approve: ApproveMode;
  providers: ProviderTable;
  /** `--mcp-config` files. */
  mcpConfig?: readonly string[];
  settings: RunEngineSettings;
}

/** What a run started with `settings` on `engine` saves, so `resume` rebuilds the same engine. */
export function cliRunOptionsOf(engine: CliEngine, settings: RunEngineSettings): Omit<CliRunOptions, 'formatVersion'> {
  return {
    workspace: engine.workspaceRoot,
    provider: engine.models.provider.id,
    model: engine.models.model,
    ...(engine.models.baseUrl === undefined ? {} : { baseUrl: engine.models.baseUrl }),
    concurrency: settings.concurrency,
    verify: settings.verify,
    ...(settings.passEnv === undefined ? {} : { passEnv: settings.passEnv }),
    ...(settings.thresholds === undefined ? {} : { thresholds: settings.thresholds }),
    ...(settings.repairAttempts === undefined ? {} : { repairAttempts: settings.repairAttempts }),
    ...(settings.commandLimits === undefined ? {} : { commandLimits: settings.commandLimits }),
    ...(settings.prices === undefined ? {} : { prices: settings.prices }),
    ...(settings.responseCache === undefined ? {} : { responseCache: settings.responseCache }),
    ...userPolicyOf(settings),
  };
}

/** `openai/gpt-4o-mini at http://…`: safe to print, never a key. */
function describeModels(engine: CliEngine): string {
  return `${engine.models.label}${engine.models.baseUrl === undefined ? '' : ` at ${engine.models.baseUrl}`}`;
}

/** Starts or resumes the run; must call `attach` on the handle at once, so no event is missed. */
type StartRun = (
  engine: CliEngine,
  reporter: RunReporter,
  attach: (handle: RunHandle) => RunHandle,
) => Promise<RunHandle>;

/** Builds the engine, starts the run through `start`, streams it, handles Ctrl+C and returns the exit code. */
async function drive(io: CliIo, state: StateDirChoice, options: DriveOptions, start: StartRun): Promise<number> {
  const resume = (runId: string): string => `agent-orchestrator resume ${runId}${stateFlag(state)}`;
  const reporter = new RunReporter({ stdout: io.stdout, stderr: io.stderr, json: options.json, resumeCommand: resume });
  const prompt = io.stdinIsTTY
    ? new TerminalPrompt(io.stdin, io.stderr, { before: () => reporter.suspend(), after: () => reporter.resume() })
    : undefined;
  const color = io.stderr.isTTY && !io.env.NO_COLOR;
  const approvals = new CliApprovals({ mode: options.approve, prompt, color, resumeCommand: resume });
  const rateLimits = rateLimitsFromEnv(io.env);
  const tuning = tuningFromEnv(io.env);
  reporter.holdWarnings();
  const cleanups: Array<() => void> = [() => reporter.stop()];
  try {
    const engine = await createCliEngine({
      ...options.settings,
      stateDir: state.dir,
      providers: options.providers,
      ...(options.mcpConfig === undefined ? {} : { mcpConfigFiles: options.mcpConfig }),
      env: io.env,
      approvals,
      rateLimits,
      tuning,
      warn: (message) => reporter.warn(message),
      onVerification: (outcome, phase) => reporter.verification(outcome, phase),
    });
    cleanups.push(() => engine.dispose());
    let exporter: OtlpSpanExporter | undefined;
    const handle = await start(engine, reporter, (h) => {
      reporter.follow(h.state);
      h.onEvent((e) => {
        reporter.event(e);
        // Nothing is counted after the run's last event: the tokenizer's worker stops while the
        // store is closed and the summary printed, so the process does not wait for it at exit.
        if (e.type === 'run.completed') void closeOpenAiTokenizers();
      });
      if (options.otlpEndpoint !== undefined) {
        const warn = (message: string): void => reporter.warn(message);
        exporter = OtlpSpanExporter.follow(h, { endpoint: options.otlpEndpoint, serviceVersion: VERSION, warn });
      }
      return h;
    });
    reporter.releaseWarnings();
    let signals = 0;
    let forceStop: () => void = () => undefined;
    const forced = new Promise<'forced'>((resolve) => (forceStop = () => resolve('forced')));
    const onSignal = (): void => {
      signals++;
      if (signals === 1) {
        reporter.notice(
          'Cancelling the run: running tasks are stopped and the state is saved. Press Ctrl+C again to quit at once.',
        );
        handle.cancel();
      } else {
        reporter.notice(`Quit without waiting for the run to stop; resume it later with: ${resume(handle.runId)}`);
        forceStop();
      }
    };
    cleanups.push(io.onSignal('SIGINT', onSignal), io.onSignal('SIGTERM', onSignal));
    let outcome: RunResult | 'forced';
    try {
      outcome = await Promise.race([handle.done, forced]);
    } catch (err) {
      if (!(err instanceof WorkspaceBusyError)) throw err;
      await options.onRefused?.(handle.runId);
      throw new UsageError(`Run ${handle.runId} was not started: ${err.message}`);
    }
    if (outcome === 'forced') return ExitCode.failed;
    await exporter?.flush();
    await options.afterRun?.(outcome);
    reporter.summary(outcome);
    return exitCodeOf(outcome.status);
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
  }
}

function otlpOf(args: { otlpEndpoint?: string }): { otlpEndpoint?: string } {
  return args.otlpEndpoint === undefined ? {} : { otlpEndpoint: args.otlpEndpoint };
}

/** `--approve`, or its default: prompt on a terminal, never without one. */
function approveMode(given: ApproveMode | undefined, io: CliIo): ApproveMode {
  const mode = given ?? (io.stdinIsTTY ? 'prompt' : 'never');
  if (mode === 'prompt' && !io.stdinIsTTY) {
    throw new UsageError(
      '--approve prompt needs a terminal to ask on, but stdin is not one. Use --approve never (the run pauses at the first edit) or --approve auto.',
    );
  }
  return mode;
}

/** The `budget` start option of the flags; none when no limit was given. */
export function budgetOf(budget: BudgetArgs): { budget?: BudgetArgs } {
  return budget.maxTokens === undefined && budget.maxCostUsd === undefined ? {} : { budget };
}

/** ` --state-dir <dir>` when the user chose the folder, for hints that must find the run again. */
export function stateFlag(state: StateDirChoice): string {
  if (!state.given) return '';
  return ` --state-dir ${/^[\w@%+=:,./-]+$/.test(state.dir) ? state.dir : `'${state.dir.replace(/'/g, `'\\''`)}'`}`;
}
