import { mkdir, realpath } from 'node:fs/promises';
import { AgentStatsBook } from '../core/agents/agentStats';
import { NoCheckpoints } from '../core/checkpoint/noCheckpoints';
import { GitCheckpoints } from '../core/checkpoint/gitCheckpoints';
import type { CheckpointPort } from '../core/checkpoint/checkpointPort';
import { systemClock, type Clock } from '../core/common/clock';
import { errorMessage } from '../core/common/errors';
import { DEFAULT_RETRY_POLICY } from '../core/execute/retryPolicy';
import { PriceTable } from '../core/llm/priceTable';
import { LlmPlanner } from '../core/plan/llmPlanner';
import { summariseWorkspace } from '../core/plan/workspaceSummary';
import { DEFAULT_POLICY_RULES } from '../core/policy/defaultRules';
import { PolicyEngine } from '../core/policy/policyEngine';
import { RateLimitScheduler, type RateLimits } from '../core/quota/rateLimitScheduler';
import { CircuitBreaker } from '../core/route/circuitBreaker';
import { Orchestrator } from '../core/run/orchestrator';
import { PathLockTable } from '../core/schedule/pathLocks';
import { FileAgentStatsStore } from '../core/store/agentStatsFile';
import { RunStore } from '../core/store/runStore';
import type { ApprovalPort } from '../core/tools/approvalPort';
import { builtinTools } from '../core/tools/builtinTools';
import { ToolBus } from '../core/tools/toolBus';
import type { ToolContext, VerificationService } from '../core/tools/toolContext';
import { ChildProcessRunner } from '../core/verify/childProcessRunner';
import type { VerificationOutcome } from '../core/verify/verificationStep';
import { DEFAULT_THRESHOLDS } from '../core/verify/verificationThresholds';
import { createCliRegistry } from './cliAgents';
import { CliVerifier, verifyAllowRules, verifySteps } from './cliVerifier';
import { NodeWorkspace } from './nodeWorkspace';
import type { ProviderConfig } from './providerConfig';
import { UsageError } from './usageError';

/** Plans at most this many tasks (the extension's default). */
const MAX_TASKS_PER_PLAN = 200;
/** An attempt at a task is stopped after this long (the extension's default). */
const TASK_TIMEOUT_MS = 10 * 60 * 1000;

/** What the CLI's engine is built from. */
export interface CliEngineOptions {
  /** An existing folder; its real path becomes the workspace root. */
  workspace: string;
  /** Runs and agent statistics live here; created when missing. */
  stateDir: string;
  provider: ProviderConfig;
  concurrency: number;
  /** `--verify` commands, in order. */
  verify: readonly string[];
  approvals: ApprovalPort;
  /** Per-model limits for every provider key; undefined means none. */
  rateLimits: RateLimits | undefined;
  /** Warnings for stderr (custom agent errors, checkpoint notes, …). */
  warn(message: string): void;
  /** Told about each end-of-run verification as it finishes. */
  onVerification?(outcome: VerificationOutcome): void;
  /** The clock of rate limits, retries and timeouts; the system clock unless a test speeds time up. */
  clock?: Clock;
}

/** The engine, wired for one workspace. */
export interface CliEngine {
  orchestrator: Orchestrator;
  store: RunStore;
  /** Real path of the workspace. */
  workspaceRoot: string;
  checkpoints: CheckpointPort;
  dispose(): void;
}

/**
 * The composition root of the CLI: builds the whole engine for one workspace (workspace port,
 * policy, tools, checkpoints, agents, planner, verification, store, quotas) the way the host
 * does for VS Code, with Node adapters.
 */
export async function createCliEngine(options: CliEngineOptions): Promise<CliEngine> {
  const { provider, warn } = options;
  const root = await realpath(options.workspace);
  await mkdir(options.stateDir, { recursive: true }).catch((err: unknown) => {
    throw new UsageError(
      `The state folder ${options.stateDir} cannot be created (${errorMessage(err)}); pass a writable folder with --state-dir.`,
    );
  });
  const workspace = new NodeWorkspace(root);
  const prices = new PriceTable();
  if (prices.lookup(provider.provider, provider.model) === undefined) {
    warn(
      `No price is known for ${provider.provider}/${provider.model}: its cost counts as $0, so --budget-usd cannot limit it (use --budget-tokens).`,
    );
  }
  const steps = verifySteps(options.verify);
  const policy = new PolicyEngine({ root, rules: [...DEFAULT_POLICY_RULES, ...verifyAllowRules(steps)] });
  if (policy.configurationError) warn(`Policy: ${policy.configurationError}`);
  const checkpoints = await openCheckpoints(root, warn);
  const runner = new ChildProcessRunner();
  const verification: VerificationService = {
    steps: Object.fromEntries(steps.map((s) => [s.name, s])),
    runner,
    thresholds: DEFAULT_THRESHOLDS,
    cwd: root,
  };
  const breaker = new CircuitBreaker(systemClock);
  const tools = new ToolBus<ToolContext>(builtinTools());
  const toolContext = (task: ToolContext['task']): ToolContext => ({
    task,
    workspace,
    policy,
    approvals: options.approvals,
    verification,
    checkpoints,
  });
  const clock = options.clock ?? systemClock;
  const rateLimits = new RateLimitScheduler(clock, () => options.rateLimits);
  const registry = await createCliRegistry(
    root,
    provider,
    { prices, tools, toolContext, breaker, gateSteps: steps.map((s) => s.name) },
    warn,
    { headroom: () => rateLimits.headroom(), clock },
  );

  const statsStore = new FileAgentStatsStore({ root: options.stateDir, onWarning: warn });
  const stats = new AgentStatsBook(
    await statsStore.load().catch((err: unknown) => {
      warn(`Agent statistics could not be read; starting without them: ${errorMessage(err)}`);
      return {};
    }),
  );
  const store = new RunStore({ root: options.stateDir });
  const planner = new LlmPlanner({
    model: provider.createModel(),
    prices,
    summarise: (goal) => summariseWorkspace(workspace, goal),
    agents: () =>
      registry.list().map((a) => ({
        id: a.definition.id,
        description: a.definition.description,
        capabilities: a.definition.capabilities,
      })),
  });
  const orchestrator = new Orchestrator({
    registry,
    stats,
    statsStore,
    store,
    planner,
    ...(steps.length > 0
      ? { verifier: new CliVerifier(steps, runner, DEFAULT_THRESHOLDS, root, options.onVerification) }
      : {}),
    rateLimits,
    locks: new PathLockTable(),
    clock,
    settings: {
      maxConcurrency: options.concurrency,
      maxTasksPerPlan: MAX_TASKS_PER_PLAN,
      retry: DEFAULT_RETRY_POLICY,
      taskTimeoutMs: TASK_TIMEOUT_MS,
      logLevel: 'info',
    },
  });
  return {
    orchestrator,
    store,
    workspaceRoot: root,
    checkpoints,
    dispose: () => {
      registry.dispose();
      breaker.dispose();
    },
  };
}

/** Git checkpoints, or none with a note on stderr (no git repository, or git missing). */
async function openCheckpoints(root: string, warn: (message: string) => void): Promise<CheckpointPort> {
  let port: CheckpointPort;
  try {
    port = await GitCheckpoints.open(root);
  } catch (err) {
    port = new NoCheckpoints(root);
    warn(`No checkpoints are taken, so agent edits cannot be rolled back: ${errorMessage(err)}`);
    return port;
  }
  if (!port.enabled && port.note) warn(port.note);
  return port;
}

/** Rate limits from `AGENT_ORCHESTRATOR_RPM` / `AGENT_ORCHESTRATOR_TPM`, applied to every model; a bad value is a `UsageError`. */
export function rateLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): RateLimits | undefined {
  const limits: RateLimits = {};
  for (const [name, field] of [
    ['AGENT_ORCHESTRATOR_RPM', 'requestsPerMinute'],
    ['AGENT_ORCHESTRATOR_TPM', 'tokensPerMinute'],
  ] as const) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1)
      throw new UsageError(`${name} must be a whole number of at least 1 (or unset for no limit); got "${raw}".`);
    limits[field] = n;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}
