import type { AgentDefinitionInput } from '../model/agentDefinition';
import type { AgentMessage } from '../context/messageBus';
import type { SharedContext } from '../context/sharedContext';
import type { RunLogger } from '../observe/runLogger';
import type { Span } from '../observe/tracer';
import type { TaskSpec } from '../model/planSchema';
import type { ModelKey } from '../quota/rateLimitScheduler';
import type { ExactEstimate, ModelTurn } from '../quota/quotaGate';
import type { Usage } from '../model/usage';
import type { JsonValue, RunEventBody } from '../model/runEvents';
import type { Finding } from '../model/finding';
import type { FailureClass } from '../model/failure';
import type { BaselineCheck } from '../model/verificationBaseline';

/** The events an agent's tools may record themselves. */
export type AgentEventBody = Extract<
  RunEventBody,
  { type: 'approval.requested' | 'approval.decided' | 'edit.applied' | 'verification.completed' | 'checkpoint.taken' }
>;

/** A model request as the quota gate sees it before it is sent. */
export interface ModelCallRequest {
  key: ModelKey;
  estimatedInputTokens: number;
  maxOutputTokens: number;
  estimatedCostUsd: number;
  /** Send all of `maxOutputTokens` rather than an allowance sized from recent answers (a cut turn's retry). */
  fullOutput?: boolean;
  /** Nobody priced the model: `estimatedCostUsd` is 0 and a usage recorded from the estimate is of unknown cost. */
  costUnknown?: boolean;
  /** The sampling temperature asked for, when set (for traces). */
  temperature?: number;
  /**
   * Set when `estimatedInputTokens` is only an upper bound (the tokenizer still loads): the exact
   * input and cost, which the gate asks for only when the bound alone would be refused.
   */
  exactEstimate?: () => Promise<ExactEstimate>;
}

/** What the provider said about an answer, for the model call's span (never its text). */
export interface ModelAnswerInfo {
  responseId?: string;
  responseModel?: string;
  finishReason?: string;
}

/** What `callModel`'s `send` resolves with: the value, its usage, and facts about the answer for traces. */
export interface ModelCallResult<T> {
  value: T;
  usage: Usage;
  stoppedAtLimit?: boolean;
  answer?: ModelAnswerInfo;
}

/** Starts a span under the attempt's task span (model calls, tool calls). */
export type StartChildSpan = (name: string, attributes?: Readonly<Record<string, unknown>>) => Span;

/** The agent's mailbox, bound to the agent. */
export interface AgentMailbox {
  /** Sends to another agent's id, or '*' for everyone; returns the message id. */
  send(to: string, topic: string, body: JsonValue): string;
  /** Takes the messages waiting for this agent, oldest first. */
  receive(topic?: string): Array<{ id: string; from: string; topic: string; body: JsonValue }>;
}

/** What a task this one depends on did. */
export interface DependencyResult {
  taskId: string;
  title: string;
  /** Its one-line summary, when it gave one. */
  summary?: string;
  output?: JsonValue;
  /** Paths its applied edits changed or deleted, in the order first changed. */
  changedPaths: readonly string[];
}

/** A shared-context entry handed to a task, with the full value (the brief shortens it). */
export interface ContextEntry {
  key: string;
  value: JsonValue;
}

/** How the previous attempt at this task ended, for a retry. */
export interface PreviousAttempt {
  attempt: number;
  agentId: string;
  /** Undefined when the attempt was interrupted (the run stopped or crashed while it ran). */
  failureClass?: FailureClass | 'cancelled';
  message: string;
  /** Findings reported against the task during (or right after) that attempt, in order. */
  findings: readonly Finding[];
  /** Paths applied edits of earlier attempts at this task already changed. */
  changedPaths: readonly string[];
}

/** What a task's gate compares with: the run's baseline of its checks, and the rest of the plan. */
export interface TaskGateView {
  /** The named configured check as it stood before the first task; undefined without a baseline. */
  baseline(check: string): BaselineCheck | undefined;
  /** Ids of the plan's other tasks that have not succeeded (yet): their unfinished work may show in a check. */
  unfinishedOthers(): string[];
  /** Workspace-relative files this task has edited, in any attempt. */
  editedFiles(): string[];
}

/** Everything an agent gets for one attempt at one task. */
export interface TaskContext {
  readonly runId: string;
  readonly task: TaskSpec;
  /** 1 for the first attempt at this task, across all agents. */
  readonly attempt: number;
  readonly agentId: string;
  /** Aborted on cancel and on the task's time limit; pass it to every awaited call. */
  readonly signal: AbortSignal;
  /** Outputs of the tasks this one depends on, by task id. */
  readonly dependencyOutputs: Readonly<Record<string, JsonValue | undefined>>;
  /** What the tasks this one depends on did, in the order of `task.dependencies`. */
  readonly dependencies: readonly DependencyResult[];
  /** Shared-context entries picked for this task, most relevant first (bounded; see the executor). */
  readonly sharedContext: readonly ContextEntry[];
  /**
   * Messages waiting for this agent when the attempt started, oldest first (bounded). They stay in
   * the inbox, and are marked read when the attempt succeeds, so a failed attempt loses none.
   */
  readonly unreadMessages: readonly AgentMessage[];
  /** Unread messages left out of `unreadMessages`; `messages.receive` takes them. */
  readonly moreUnreadMessages: number;
  /** On a retry, how the previous attempt ended and what earlier attempts changed. */
  readonly previousAttempt?: PreviousAttempt;
  /** A person's note given with a retry of this task (`task.action`), for this and later attempts. */
  readonly retryNote?: string;
  /**
   * Runs a side effect (an edit, a command) at most once per `key` for this task, across retries
   * and crashes: it is recorded before it runs and its result after, and a completed step is
   * replayed from the record instead of being repeated.
   */
  step<T extends JsonValue>(key: string, effect: () => Promise<T>): Promise<T>;
  /** Sends one model request through the run budget and the shared rate limits. */
  callModel<T>(
    request: ModelCallRequest,
    send: (signal: AbortSignal, turn: ModelTurn) => Promise<ModelCallResult<T>>,
  ): Promise<T>;
  /** Starts a child span of this attempt's task span; absent outside a traced run. */
  readonly startSpan?: StartChildSpan;
  /** Records an answer the run's response cache gave for `key`: a hit in the run's usage, nothing spent or sent. */
  recordCacheHit?(key: ModelKey): void;
  /** The run's shared memory, seen as this agent. */
  readonly context: ReturnType<SharedContext['view']>;
  readonly messages: AgentMailbox;
  readonly log: RunLogger;
  /** Records a finding against this task. */
  report(finding: Omit<Finding, 'taskId'>): void;
  /**
   * Takes a write lock on a path the task did not declare, without waiting (so no deadlock can
   * form): false when another task holds it. Released with the attempt's other locks.
   */
  claimWrite(path: string): boolean;
  /**
   * Runs `wait` (a question to a person) and records how long it took as a `task.waited` event of
   * `kind`, for the run's timeline; `detail` names what was waited for (the file of an edit).
   */
  timeWait<T>(kind: 'approval', detail: string, wait: () => Promise<T>): Promise<T>;
  /** Records an event of what the agent's tools did (approvals, edits, verifications, checkpoints). */
  record(body: AgentEventBody): void;
  /** The run's baseline and plan as the task's gate sees them; absent outside a run. */
  readonly gate?: TaskGateView;
}

/** What an agent hands back when it finishes a task. */
export interface TaskResult {
  /** Available to dependent tasks; must be JSON. */
  output?: JsonValue;
  /** One line for the tree and the summary. */
  summary?: string;
}

/**
 * Something that can carry out tasks: the LLM agent, or a test agent. It throws a `TaskFailure`
 * to say how a failure should be handled; anything else it throws counts as its own fault.
 */
export interface Agent {
  readonly definition: AgentDefinitionInput;
  run(ctx: TaskContext): Promise<TaskResult>;
  /**
   * Does ahead of time the work every task of this agent starts with and that has no effect
   * outside this process (building its tool definitions, counting its system prompt): called while
   * the planner waits for its model. Never sends, starts or writes anything; may throw (ignored:
   * the task does the same work and reports what went wrong).
   */
  prepare?(): void;
}
