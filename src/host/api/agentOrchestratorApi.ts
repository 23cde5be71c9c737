// The API Agent Orchestrator's `activate()` returns to other extensions. This file imports
// nothing, so another extension can copy it as is and use it like this:
//
//   const ext = vscode.extensions.getExtension<AgentOrchestratorApi>('agent-orchestrator.agent-orchestrator');
//   const api = await ext?.activate();
//   const { runId, status } = await api.orchestrate('Add tests for the parser', { dryRun: true });

/** Something to dispose; `vscode.Disposable` fits. */
export interface ApiDisposable {
  dispose(): unknown;
}

/** An event to subscribe to; `vscode.Event` fits. */
export type ApiEvent<T> = (listener: (e: T) => unknown) => ApiDisposable;

/** Any JSON value. */
export type ApiJsonValue = string | number | boolean | null | ApiJsonValue[] | { [key: string]: ApiJsonValue };

/** Where a run stands. `planned` is the end of a dry run. */
export type ApiRunStatus = 'running' | 'planned' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

/** Where a task stands. */
export type ApiTaskStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/** How a run ended. */
export type ApiRunOutcome = Exclude<ApiRunStatus, 'running'>;

/** Token and money limits of one run. */
export interface ApiBudget {
  maxTokens?: number;
  maxCostUsd?: number;
}

/** Options of `orchestrate`. */
export interface ApiOrchestrateOptions {
  /** Plan and validate only; no task runs. */
  dryRun?: boolean;
  /** Replaces the budget settings for this run. */
  budget?: ApiBudget;
  /** The URI (as a string) of the workspace folder to work in; the user is asked when there are several and none is given. */
  folder?: string;
}

/** What `orchestrate` resolves with once the run ends (or pauses). */
export interface ApiOrchestrateResult {
  runId: string;
  status: ApiRunOutcome;
}

/** Tokens and money spent. */
export interface ApiUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** The provider did not report usage and it was estimated. */
  estimated?: boolean;
}

/** A problem found while running or verifying a task. */
export interface ApiFinding {
  severity: 'major' | 'medium' | 'minor';
  category: 'build' | 'test' | 'lint' | 'security' | 'custom';
  message: string;
  /** `file:line` when known. */
  location?: string;
  taskId?: string;
}

/** A task of a plan. */
export interface ApiTaskSpec {
  id: string;
  title: string;
  description: string;
  requiredCapabilities: string[];
  dependencies: string[];
  priority: number;
  acceptanceCriteria: string[];
  reads: string[];
  writes: string[];
  agent?: string;
}

/** One attempt at a task. */
export interface ApiAttempt {
  attempt: number;
  agentId: string;
  startedAt: number;
  endedAt?: number;
  outcome?: 'succeeded' | 'failed' | 'cancelled';
  message?: string;
}

/** A task as it stands in a run. */
export interface ApiTaskState {
  id: string;
  status: ApiTaskStatus;
  agentId?: string;
  attempts: ApiAttempt[];
  summary?: string;
  failure?: string;
  usage: ApiUsage;
}

/** An approval asked for during a run. */
export interface ApiApproval {
  approvalId: string;
  taskId: string;
  kind: 'edit' | 'command';
  path?: string;
  command?: string;
  summary: string;
  protected: boolean;
  status: 'pending' | 'accepted' | 'rejected' | 'applied';
}

/** A run: its goal, plan, tasks, spend and findings. A copy: changing it changes nothing. */
export interface ApiRunState {
  runId: string;
  goal: string;
  dryRun: boolean;
  createdAt: number;
  updatedAt: number;
  phase: 'initialise' | 'plan' | 'validate' | 'execute' | 'monitor' | 'complete';
  status: ApiRunStatus;
  budget: ApiBudget;
  plan?: { goal: string; tasks: ApiTaskSpec[] };
  tasks: Record<string, ApiTaskState>;
  usage: ApiUsage;
  /** Usage per `provider/model`. */
  usageByModel: Record<string, ApiUsage>;
  findings: ApiFinding[];
  approvals: Record<string, ApiApproval>;
  pauseReason?: string;
}

/** A run changed. */
export interface ApiRunChange {
  runId: string;
  state: ApiRunState;
}

/** What the registry knows about an agent. */
export interface ApiAgentDefinition {
  /** Letters, digits, ".", "_" or "-", at most 64; unique among the agents. */
  id: string;
  description?: string;
  /** What the agent can do; a task's required capabilities must all be here. */
  capabilities: string[];
  /** Other words a planner model may use for this agent (e.g. "code_generation"); read as its capabilities. */
  synonyms?: string[];
  /** Tool names a prompt agent may call (read_file, list_files, search_text, propose_edit, run_verification, finish_task, …). */
  tools?: string[];
  /** Models to try, best first, as `provider/model`. */
  preferredModels?: string[];
  /** Tasks it may run at once (default 1). */
  maxLoad?: number;
  /** Tie-breaker between equally suited agents, 0–100 (default 50). */
  priority?: number;
}

/** An agent run by Agent Orchestrator's model loop with your system prompt. */
export interface ApiPromptAgent {
  definition: ApiAgentDefinition;
  systemPrompt: string;
}

/** What an agent written in code gets for one attempt at one task. */
export interface ApiTaskContext {
  readonly runId: string;
  readonly task: ApiTaskSpec;
  readonly attempt: number;
  readonly agentId: string;
  /** Aborted on cancel and on the task's time limit. */
  readonly signal: AbortSignal;
  /** Outputs of the tasks this one depends on. */
  readonly dependencyOutputs: Readonly<Record<string, ApiJsonValue | undefined>>;
  /** Records a finding against this task. */
  report(finding: Omit<ApiFinding, 'taskId'>): void;
}

/** What an agent hands back when it finishes a task. */
export interface ApiTaskResult {
  output?: ApiJsonValue;
  /** One line for the tree and the summary. */
  summary?: string;
}

/** An agent written in code; throwing fails the attempt. */
export interface ApiCodeAgent {
  definition: ApiAgentDefinition;
  run(ctx: ApiTaskContext): Promise<ApiTaskResult>;
}

/** The API of Agent Orchestrator. */
export interface AgentOrchestratorApi {
  /** Bumped on breaking changes. */
  readonly version: 1;
  /**
   * Runs a goal in the workspace, with the same checks as the command (rejects in an untrusted
   * workspace; a missing key or other setup problem is shown to the user and rejects), and
   * resolves when the run ends or pauses.
   */
  orchestrate(goal: string, options?: ApiOrchestrateOptions): Promise<ApiOrchestrateResult>;
  /** Adds an agent to every run of this window until the result is disposed; throws on an invalid definition. */
  registerAgent(agent: ApiPromptAgent | ApiCodeAgent): ApiDisposable;
  /** A copy of a run this window knows in full (its own runs, and runs opened in the Runs view). */
  getRun(runId: string): ApiRunState | undefined;
  /** Fires (batched) when a run of this window changes. */
  readonly onDidChangeRun: ApiEvent<ApiRunChange>;
}
