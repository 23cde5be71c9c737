import type { AgentStatsBook, AgentStatsStore } from '../../core/agents/agentStats';
import type { AgentRegistry } from '../../core/agents/agentRegistry';
import type { CheckpointPort } from '../../core/checkpoint/checkpointPort';
import { GitCheckpoints } from '../../core/checkpoint/gitCheckpoints';
import { NoCheckpoints } from '../../core/checkpoint/noCheckpoints';
import { systemClock, type Clock } from '../../core/common/clock';
import { errorMessage } from '../../core/common/errors';
import { DEFAULT_RETRY_POLICY } from '../../core/execute/retryPolicy';
import { PriceTable } from '../../core/llm/priceTable';
import { LlmPlanner } from '../../core/plan/llmPlanner';
import { summariseWorkspace } from '../../core/plan/workspaceSummary';
import { DEFAULT_POLICY_RULES } from '../../core/policy/defaultRules';
import { PolicyEngine } from '../../core/policy/policyEngine';
import { verificationAllowRules } from '../../core/policy/verificationAllowRules';
import type { RateLimitScheduler } from '../../core/quota/rateLimitScheduler';
import { CircuitBreaker } from '../../core/route/circuitBreaker';
import { Orchestrator } from '../../core/run/orchestrator';
import type { OrchestratorSettings, RunStorePort } from '../../core/run/orchestratorPorts';
import type { RunEventSink } from '../../core/model/runEventSink';
import type { PathLockTable } from '../../core/schedule/pathLocks';
import type { ApprovalPort } from '../../core/tools/approvalPort';
import { builtinTools } from '../../core/tools/builtinTools';
import { ToolBus } from '../../core/tools/toolBus';
import type { ToolContext, VerificationService } from '../../core/tools/toolContext';
import type { WorkspacePort } from '../../core/tools/workspacePort';
import { StepsVerifier } from '../../core/verify/stepsVerifier';
import type { VerificationOutcome, VerificationRunner } from '../../core/verify/verificationStep';
import { DEFAULT_THRESHOLDS } from '../../core/verify/verificationThresholds';
import type { HostSettings } from '../settings/hostSettingsSchema';
import { createHostAgents, type HostAgents } from './hostAgents';
import type { HostModels } from './hostModels';
import { hostVerificationSteps } from './hostVerificationSteps';

/** The ports and shared services an engine is assembled from; `createHostEngine` supplies the VS Code ones. */
export interface HostEngineParts {
  /** Real path of the workspace folder. */
  root: string;
  workspace: WorkspacePort;
  runner: VerificationRunner;
  models: HostModels;
  settings: HostSettings;
  approvals: ApprovalPort;
  store: RunStorePort;
  statsStore: AgentStatsStore;
  stats: AgentStatsBook;
  /** Shared by every engine of the window. */
  rateLimits: RateLimitScheduler;
  /** Shared by every engine on the workspace. */
  locks: PathLockTable;
  sinks?: RunEventSink[];
  clock?: Clock;
  warn(message: string): void;
  /** Told about each end-of-run verification step. */
  onVerification?(outcome: VerificationOutcome): void;
  /** Opens checkpoints for the root; `GitCheckpoints.open` by default. */
  openCheckpoints?(root: string): Promise<CheckpointPort>;
}

/** An assembled engine: the orchestrator and what must be disposed with it. */
export interface AssembledHostEngine {
  orchestrator: Orchestrator;
  registry: AgentRegistry;
  createPromptAgent: HostAgents['createPromptAgent'];
  checkpoints: CheckpointPort;
  policy: PolicyEngine;
  dispose(): void;
}

/** The orchestrator's settings from the host's. */
export function orchestratorSettingsOf(settings: HostSettings): OrchestratorSettings {
  return {
    maxConcurrency: settings.maxConcurrency,
    maxTasksPerPlan: settings.maxTasksPerPlan,
    retry: DEFAULT_RETRY_POLICY,
    taskTimeoutMs: settings.taskTimeoutSeconds * 1000,
    logLevel: 'info',
  };
}

/**
 * The host's composition root without VS Code, mirroring the CLI's: policy (default rules, the
 * configured verification commands as allow rules, the configured protected paths), tools,
 * checkpoints, agents, planner, verification (gate steps and the end-of-run verifier) and the
 * orchestrator. Nothing here calls a model; the first call happens when a run starts.
 */
export async function assembleHostEngine(parts: HostEngineParts): Promise<AssembledHostEngine> {
  const { root, workspace, models, settings, warn } = parts;
  const clock = parts.clock ?? systemClock;
  const prices = new PriceTable();
  if (!models.isDemo && prices.lookup(models.provider, models.model) === undefined) {
    warn(
      `No price is known for ${models.label}: its cost counts as $0, so agentOrchestrator.budget.maxCostUsd cannot limit it (use budget.maxTokens).`,
    );
  }
  const steps = hostVerificationSteps(settings.verification);
  const policy = new PolicyEngine({
    root,
    rules: [
      ...DEFAULT_POLICY_RULES,
      ...verificationAllowRules(steps, (s) => `configured in agentOrchestrator.verification.commands (${s.name})`),
    ],
    protectedPaths: settings.protectedPaths,
  });
  if (policy.configurationError) warn(`Policy: ${policy.configurationError}`);
  const checkpoints = await openCheckpoints(root, parts.openCheckpoints ?? ((r) => GitCheckpoints.open(r)), warn);
  const verification: VerificationService = {
    steps: Object.fromEntries(steps.map((s) => [s.name, s])),
    runner: parts.runner,
    thresholds: DEFAULT_THRESHOLDS,
    cwd: root,
  };
  const breaker = new CircuitBreaker(clock);
  const tools = new ToolBus<ToolContext>(builtinTools());
  const toolContext = (task: ToolContext['task']): ToolContext => ({
    task,
    workspace,
    policy,
    approvals: parts.approvals,
    verification,
    checkpoints,
  });
  let agents: HostAgents;
  try {
    agents = await createHostAgents({
      root,
      models,
      deps: { prices, tools, toolContext, breaker, gateSteps: steps.map((s) => s.name) },
      headroom: () => parts.rateLimits.headroom(),
      clock,
      warn,
    });
  } catch (err) {
    breaker.dispose();
    throw err;
  }
  const { registry } = agents;
  const planner = new LlmPlanner({
    model: models.createModel(models.provider, models.model),
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
    stats: parts.stats,
    statsStore: parts.statsStore,
    store: parts.store,
    planner,
    ...(steps.length > 0
      ? { verifier: new StepsVerifier(steps, parts.runner, DEFAULT_THRESHOLDS, root, parts.onVerification) }
      : {}),
    rateLimits: parts.rateLimits,
    locks: parts.locks,
    clock,
    settings: orchestratorSettingsOf(settings),
    ...(parts.sinks === undefined ? {} : { sinks: parts.sinks }),
  });
  return {
    orchestrator,
    registry,
    createPromptAgent: agents.createPromptAgent,
    checkpoints,
    policy,
    dispose: () => {
      registry.dispose();
      breaker.dispose();
    },
  };
}

/** Git checkpoints, or none with a warning (no repository, or git missing). */
async function openCheckpoints(
  root: string,
  open: (root: string) => Promise<CheckpointPort>,
  warn: (message: string) => void,
): Promise<CheckpointPort> {
  let port: CheckpointPort;
  try {
    port = await open(root);
  } catch (err) {
    warn(`No checkpoints are taken, so agent edits cannot be rolled back: ${errorMessage(err)}`);
    return new NoCheckpoints(root);
  }
  if (!port.enabled && port.note) warn(port.note);
  return port;
}
