import * as path from 'node:path';
import type { AgentFileWatcher } from '../agents/agentFileWatcher';
import type { AgentRegistry } from '../agents/agentRegistry';
import type { CheckpointPort } from '../checkpoint/checkpointPort';
import { GitCheckpoints } from '../checkpoint/gitCheckpoints';
import { NoCheckpoints } from '../checkpoint/noCheckpoints';
import { errorMessage } from '../common/errors';
import { retryPolicyOf } from '../execute/retryPolicy';
import { BUILTIN_PROVIDERS } from '../llm/builtinProviders';
import { RunResponseCaches } from '../llm/responseCache';
import type { ProviderTable } from '../llm/providerTable';
import type { AgentDefinitionInput } from '../model/agentDefinition';
import { LlmPlanner } from '../plan/llmPlanner';
import { WorkspaceSummariser } from '../plan/workspaceSummary';
import { DEFAULT_POLICY_RULES } from '../policy/defaultRules';
import { parseCommandPattern } from '../policy/commandRules';
import { packageJsonScripts, packageScriptOf, recordScripts } from '../policy/packageScripts';
import type { PackageScriptsPort } from '../policy/packageScripts';
import { folderInsideWorkspace, isSameFolder, relativeSpellings } from '../policy/hiddenPaths';
import { PolicyEngine } from '../policy/policyEngine';
import { verificationAllowRules } from '../policy/verificationAllowRules';
import { removeInterruptedWrites } from '../policy/workspaceTempFiles';
import { CircuitBreaker } from '../route/circuitBreaker';
import { Orchestrator } from '../run/orchestrator';
import type { Agent } from '../task/agent';
import type { ApprovalPort } from '../tools/approvalPort';
import { builtinTools } from '../tools/builtinTools';
import { commandService } from '../tools/commandService';
import { policyReadWorkspace } from '../tools/policyReadWorkspace';
import type { McpServerConfig } from '../tools/mcpConfig';
import { McpHub } from '../tools/mcpHub';
import { ToolBus } from '../tools/toolBus';
import type { ToolContext, VerificationService } from '../tools/toolContext';
import type { WorkspacePort } from '../tools/workspacePort';
import { ChildProcessRunner } from '../verify/childProcessRunner';
import { configuredSteps } from '../verify/configuredSteps';
import { StepsVerifier } from '../verify/stepsVerifier';
import type { VerificationOutcome, VerificationRunner } from '../verify/verificationStep';
import { DEFAULT_GATE_THRESHOLDS } from '../verify/gateThresholds';
import { DEFAULT_THRESHOLDS } from '../verify/verificationThresholds';
import { ensureGitIgnoredFolder } from '../store/gitIgnoredFolder';
import { ResponseCacheFile } from '../store/responseCacheFile';
import { createEngineAgents } from './engineAgents';
import { HOW_TO_SET_A_PRICE, unpricedBudgetProblem, unpricedModels } from './unpricedBudget';
import { workspaceWithout } from './workspaceWithout';
import { loggedPolicy } from './loggedPolicy';
import { resolveEngineModels, type EngineModels, type KeyHint, type KeySource } from './engineModels';
import type { EngineServices } from './engineServices';
import type { EngineSettings } from './engineSettings';

/** Folder of the state folder that holds the durable records of checks in flight (`VerificationService.recordDir`). */
const CHECK_RECORDS_DIR = 'check-records';

/** The ports an engine is assembled from: what the CLI and the host each bring. */
export interface EnginePorts {
  /** Real path of the workspace. */
  root: string;
  /** Reads, lists, searches and writes the workspace (node:fs for the CLI, `workspace.fs` for the host). */
  workspace: WorkspacePort;
  /** The user's decision on an edit (terminal prompt or flag for the CLI, inline diffs for the host). */
  approvals: ApprovalPort;
  /** API keys (environment for the CLI, SecretStorage then environment for the host). */
  keys: KeySource;
  /** How to tell the user to set a provider's key. */
  keyHint: KeyHint;
  /** Asked before a key goes to a base URL host that is not the provider's own or loopback. */
  confirmKeyHost(baseUrl: string, provider: string): Promise<boolean>;
  settings: EngineSettings;
  /** Runs verification steps: VS Code tasks for the host; child processes in the workspace by default. */
  runner?: VerificationRunner;
  /** The store folder's services and the clock, shared by every engine of the process. */
  services: EngineServices;
  /** The providers to choose from; the built-in table by default (the host adds the offline demo). */
  providers?: ProviderTable;
  /** Reads package.json's scripts; default `<root>/package.json`. */
  packageScripts?: PackageScriptsPort;
  /** The git binary for checkpoints; `git` on PATH by default. */
  gitBinary?: string;
  /**
   * Watches the agent files; a change reloads the workspace agents for the next task started (the
   * host's FileSystemWatcher). Without it, the agent files are read once, when the engine is built.
   */
  agentFileWatcher?: AgentFileWatcher;
  /**
   * Loads the planner model's client library while the engine waits on git, for a front end that
   * plans as soon as the engine is built (the CLI); otherwise it loads on the first call.
   */
  preloadPlannerModel?: boolean;
  /** MCP servers agents may use when their definition lists the tools; `trusted: false` refuses to start any. */
  mcp?: { servers: readonly McpServerConfig[]; trusted: boolean };
  /** Something the user should know (a skipped custom agent, no checkpoints…); never fatal. */
  warn(message: string): void;
  /** Told about each baseline and end-of-run verification step as it finishes. */
  onVerification?(outcome: VerificationOutcome, phase: 'baseline' | 'gate'): void;
}

/** An assembled engine for one workspace. */
export interface Engine {
  orchestrator: Orchestrator;
  /** The engine's agents: built-in, custom (`.orchestrator/agents`), and any added later. */
  registry: AgentRegistry;
  /** The file each workspace agent was loaded from (absolute path), by agent id; current after a reload. */
  agentFiles: ReadonlyMap<string, string>;
  /** Reads the agent files again; tasks started afterwards get the new agents, running ones keep theirs. */
  reloadAgents(): Promise<void>;
  models: EngineModels;
  checkpoints: CheckpointPort;
  policy: PolicyEngine;
  /** Real path of the workspace. */
  workspaceRoot: string;
  /** An LLM agent wired like the built-in ones (tools, models, policy, gate), for the registry; not registered. */
  createPromptAgent(definition: AgentDefinitionInput, systemPrompt: string): Agent;
  /** The MCP servers (started lazily, stopped when no run is live); undefined without any configured. */
  mcp: McpHub | undefined;
  /** Releases the agents and the breaker, and stops MCP servers; stop the runs in flight first. */
  dispose(): void;
}

/**
 * The one composition root of the engine, for the CLI and the host alike: models through the
 * provider table, policy (default rules, the configured verification commands as allow rules, the
 * configured protected paths), tools, checkpoints, agents (built-in and custom), planner,
 * verification (gate steps and the end-of-run verifier) and the orchestrator, on the shared
 * services. Nothing here calls a model; the first call happens when a run starts.
 */
export async function assembleEngine(ports: EnginePorts): Promise<Engine> {
  const { root, workspace, settings, services, warn } = ports;
  // Two git processes: they run while the rest is set up (their note is told where it was before).
  const opening = openCheckpoints(root, ports.gitBinary);
  const providers = ports.providers ?? BUILTIN_PROVIDERS;
  // Bad retry settings are refused before anything is built.
  const retry = retryPolicyOf(settings.retry);
  const runner =
    ports.runner ??
    new ChildProcessRunner({
      ...(settings.verification.environment === undefined ? {} : { passEnv: settings.verification.environment }),
      secretEnvNames: providerKeyEnvNames(providers),
    });
  const models = await resolveEngineModels({
    providers,
    choice: settings.models,
    keys: ports.keys,
    keyHint: ports.keyHint,
    confirmKeyHost: (baseUrl, provider) => ports.confirmKeyHost(baseUrl, provider),
    warn,
  });
  const prices = providers.priceTable(settings.prices === undefined ? {} : { overrides: { ...settings.prices } });
  const unpriced = unpricedModels(prices, models);
  if (unpriced.length > 0) {
    warn(
      `No price is known for ${unpriced.join(', ')}: its cost shows as unknown and a money budget is refused; ${HOW_TO_SET_A_PRICE}, or use a token budget.`,
    );
  }
  const steps = configuredSteps(settings.verification);
  const rules = [
    ...DEFAULT_POLICY_RULES,
    ...verificationAllowRules(steps, (s) => `a configured verification command (${s.name})`),
    ...(settings.policyRules ?? []).map((rule) => ({ ...rule, reason: rule.reason ?? 'a rule in your settings' })),
  ];
  // The package scripts the allow rules name, as they are now: an edited script asks again.
  const scriptsPort = ports.packageScripts ?? packageJsonScripts(root);
  const scriptNames = rules.flatMap((rule) => {
    if (rule.effect !== 'allow' || rule.command === undefined) return [];
    const name = packageScriptOf(parseCommandPattern(rule.command).words);
    return name === undefined ? [] : [name];
  });
  const policy = new PolicyEngine({
    root,
    rules,
    protectedPaths: [...settings.protectedPaths],
    packageScripts: { port: scriptsPort, recorded: await recordScripts(scriptsPort, scriptNames) },
    hiddenPaths: [services.storeDir],
  });
  const stateInside = await folderInsideWorkspace(root, services.storeDir);
  if (stateInside) {
    // Not the workspace root itself: a `*` there would make git ignore the whole project.
    if (!(await isSameFolder(root, stateInside))) await ensureGitIgnoredFolder(stateInside);
    warn(
      `The state folder ${stateInside} is inside the workspace ${root}. Agents are refused any access to it, but anything else that can write the workspace could change saved runs; move it out (--state-dir or AGENT_ORCHESTRATOR_HOME).`,
    );
  }
  if (policy.configurationError) warn(`Policy: ${policy.configurationError}`);
  await sweepInterruptedWrites(root, warn);
  const plannerModel = models.createModel(models.provider.id, models.model);
  // Compiling the SDK is work the first request would do anyway; here it overlaps the git processes.
  if (ports.preloadPlannerModel) plannerModel.preload?.();
  const { checkpoints, note } = await opening;
  if (note !== undefined) warn(note);
  const thresholds = DEFAULT_THRESHOLDS;
  const limits = settings.verification.thresholds ?? DEFAULT_GATE_THRESHOLDS;
  for (const name of Object.keys(limits.checks)) {
    if (!steps.some((s) => s.name === name))
      warn(
        `Verification thresholds are set for "${name}", which is not a configured check; checks are: ${steps.map((s) => `"${s.name}"`).join(', ') || 'none'}.`,
      );
  }
  const verification: VerificationService = {
    steps: Object.fromEntries(steps.map((s) => [s.name, s])),
    runner,
    thresholds,
    limits,
    cwd: root,
    recordDir: path.join(services.storeDir, CHECK_RECORDS_DIR),
  };
  // The same scrubbed environment as verification commands (checklist 28).
  const commands = commandService(root, settings.commands, {
    ...(settings.verification.environment === undefined ? {} : { pass: settings.verification.environment }),
    secretNames: providerKeyEnvNames(providers),
  });
  const clock = services.clock;
  const rateLimits = services.rateLimits;
  const breaker = new CircuitBreaker(clock);
  const mcp =
    ports.mcp && ports.mcp.servers.length > 0
      ? new McpHub({
          servers: ports.mcp.servers,
          trusted: ports.mcp.trusted,
          cwd: root,
          environment: () => commands.environment(),
          warn,
        })
      : undefined;
  const tools = new ToolBus<ToolContext>(builtinTools(), mcp);
  // One cache per run, shared by its planner and agents, kept in the run's folder for a resume; off with the setting.
  const cache =
    settings.responseCache === false
      ? undefined
      : new RunResponseCaches({ persistence: new ResponseCacheFile({ root: services.storeDir, warn }) });
  const toolContext = (task: ToolContext['task']): ToolContext => ({
    task,
    workspace,
    policy: loggedPolicy(policy, task.log),
    approvals: ports.approvals,
    verification,
    checkpoints,
    commands,
  });
  let agents: Awaited<ReturnType<typeof createEngineAgents>>;
  try {
    agents = await createEngineAgents({
      root,
      models,
      deps: {
        prices,
        tools,
        toolContext,
        breaker,
        gateSteps: steps.map((s) => s.name),
        ...(cache ? { cache } : {}),
      },
      headroom: () => rateLimits.headroom(),
      clock,
      builtinMaxLoad: settings.maxConcurrency,
      // Project instructions go into prompts: only what read_file would show (no hard link, no hidden folder).
      mayRead: async (relative) =>
        (await policy.evaluate({ kind: 'read', tool: 'read_file', path: relative })).decision === 'allow',
      warn,
    });
  } catch (err) {
    breaker.dispose();
    throw err;
  }
  const { registry } = agents;
  // One index per engine, so per workspace root: each plan re-reads only the files changed since the last.
  // The planner's prompt gets only what read_file would show (no .env, no hard link, no path that asks),
  // and never the state folder when it lies inside the workspace.
  const workspaceSummary = new WorkspaceSummariser(
    policyReadWorkspace(
      workspaceWithout(workspace, stateInside === undefined ? [] : await relativeSpellings(root, stateInside)),
      policy,
    ),
  );
  const planner = new LlmPlanner({
    model: plannerModel,
    prices,
    structuredOutput: models.provider.planOutput === 'tool' ? 'tool' : 'response_format',
    strict: models.provider.strictStructuredOutput,
    ...(cache ? { cache } : {}),
    summarise: (goal, signal) => workspaceSummary.summarise(goal, signal),
    checks: () => steps.map((s) => s.command ?? s.task ?? s.name),
    agents: () =>
      registry.list().map((a) => ({
        id: a.definition.id,
        description: a.definition.description,
        capabilities: a.definition.capabilities,
        synonyms: a.definition.synonyms,
      })),
  });
  const orchestrator = new Orchestrator({
    registry,
    stats: await services.stats(),
    statsStore: services.statsStore,
    store: services.store,
    planner,
    ...(steps.length > 0
      ? {
          verifier: new StepsVerifier(
            steps,
            runner,
            thresholds,
            limits,
            root,
            ports.onVerification,
            verification.recordDir,
          ),
        }
      : {}),
    runDiff: async (runId, maxChars) => checkpoints.runDiff?.(runId, maxChars),
    rateLimits,
    locks: services.locks,
    workspaceLock: services.workspaceLocks.forWorkspace(root),
    clock,
    budgetProblem: (budget) => unpricedBudgetProblem(prices, models, budget),
    ...(mcp === undefined ? {} : { onIdle: () => mcp.close() }),
    settings: {
      maxConcurrency: settings.maxConcurrency,
      maxTasksPerPlan: settings.maxTasksPerPlan,
      retry,
      taskTimeoutMs: settings.taskTimeoutMs,
      logLevel: settings.logLevel,
      ...(settings.verification.repairAttempts === undefined
        ? {}
        : { repairAttempts: settings.verification.repairAttempts }),
    },
  });
  let disposed = false;
  const watching = ports.agentFileWatcher?.watch(() => {
    if (!disposed) void agents.reload();
  });
  return {
    orchestrator,
    registry,
    agentFiles: agents.agentFiles,
    reloadAgents: agents.reload,
    models,
    checkpoints,
    policy,
    workspaceRoot: root,
    createPromptAgent: agents.createPromptAgent,
    mcp,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      watching?.dispose();
      registry.dispose();
      breaker.dispose();
      void mcp?.close();
    },
  };
}

/** Removes the temp files writes killed mid-way left in the workspace, and says which. */
async function sweepInterruptedWrites(root: string, warn: (message: string) => void): Promise<void> {
  try {
    const { removed } = await removeInterruptedWrites(root);
    if (removed.length > 0) {
      const shown = removed.slice(0, 5).join(', ');
      warn(
        `Removed ${removed.length} temp file(s) that interrupted writes left in the workspace: ${shown}${removed.length > 5 ? ', …' : ''}.`,
      );
    }
  } catch (err) {
    warn(`Could not look for temp files left by interrupted writes: ${errorMessage(err)}`);
  }
}

/** Git checkpoints, or none with a note for the user (no repository, or git missing); never rejects. */
async function openCheckpoints(
  root: string,
  gitBinary: string | undefined,
): Promise<{ checkpoints: CheckpointPort; note?: string }> {
  let port: CheckpointPort;
  try {
    port = await GitCheckpoints.open(root, gitBinary === undefined ? {} : { gitBinary });
  } catch (err) {
    return {
      checkpoints: new NoCheckpoints(root),
      note: `No checkpoints are taken, so agent edits cannot be rolled back: ${errorMessage(err)}`,
    };
  }
  return !port.enabled && port.note ? { checkpoints: port, note: port.note } : { checkpoints: port };
}

/** The provider table's key variables that are real variable names (a fixed endpoint's is a description). */
export function providerKeyEnvNames(providers: ProviderTable): string[] {
  return providers
    .list()
    .map((p) => p.keyEnvVar)
    .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
}
