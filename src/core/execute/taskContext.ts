import { abortReason } from '../common/clock';
import type { MessageBus } from '../context/messageBus';
import type { ContextView, SharedContext } from '../context/sharedContext';
import type { RunLogger } from '../observe/runLogger';
import type { Span } from '../observe/tracer';
import type { TaskSpec } from '../model/planSchema';
import type { ModelTurn, QuotaGate } from '../quota/quotaGate';
import { addUsage, type Usage } from '../model/usage';
import type { JsonValue, RunEventBody } from '../model/runEvents';
import type {
  AgentEventBody,
  AgentMailbox,
  ModelCallRequest,
  ModelCallResult,
  PreviousAttempt,
  StartChildSpan,
  TaskContext,
  TaskGateView,
} from '../task/agent';
import type { Finding } from '../model/finding';
import type { ModelKey } from '../quota/rateLimitScheduler';
import { traceModelCall } from './modelCallSpan';
import { TaskFailure } from '../model/failure';
import { taskWaitedEvent } from '../model/taskWaits';
import type { TaskBackground } from './taskBackground';

/** The run-wide services an attempt's context is built from. */
export interface AttemptServices {
  emit(body: RunEventBody): void;
  /** Resolves once everything emitted so far is durable. */
  commit(): Promise<void>;
  quota: QuotaGate;
  context: SharedContext;
  messages: MessageBus;
  logger: RunLogger;
}

/** What the executor lends every attempt's context; one object per executor, so an attempt allocates no closures for it. */
export interface AttemptHost {
  /** Takes an extra write lock for the attempt that owns `lockOwner`, without waiting. */
  claimWrite(lockOwner: string, path: string): boolean;
  /** The executor's clock, for timing waits. */
  now(): number;
  /** The run's baseline and plan, for a task's gate. */
  gate(taskId: string): TaskGateView;
  /** Starts a span under `parentId`. */
  startSpan(parentId: string, name: string, attributes?: Readonly<Record<string, unknown>>): Span;
}

/** What one attempt needs besides the services. */
export interface AttemptInfo {
  runId: string;
  task: TaskSpec;
  attempt: number;
  agentId: string;
  /** The attempt's stops; the agent's signal is made from them on first use. */
  stops: { readonly signal: AbortSignal };
  /** Completed steps of this task, by key, from the run state (live, so new ones appear). */
  steps: Readonly<Record<string, JsonValue>>;
  dependencyOutputs: Readonly<Record<string, JsonValue | undefined>>;
  /** Dependencies' results, shared context, unread messages and the previous attempt (`taskBackground`). */
  background: TaskBackground;
  host: AttemptHost;
  /** Who owns the attempt's path locks. */
  lockOwner: string;
  /** The attempt's task span, parent of its model and tool calls; none when untraced. */
  spanId?: string;
}

function assertJson(value: unknown, what: string): asserts value is JsonValue {
  try {
    if (JSON.stringify(value) === undefined) throw new Error('not serialisable');
  } catch (err) {
    throw new TaskFailure(`${what} must be JSON (${err instanceof Error ? err.message : String(err)}).`, 'fatal');
  }
}

/**
 * Builds the context handed to an agent for one attempt; its `spent` accumulates what its model
 * calls spent, and `delivered()` marks the messages it handed over as read (call it on success).
 */
export function createTaskContext(info: AttemptInfo, services: AttemptServices): AttemptContext {
  return new AttemptContext(info, services);
}

/**
 * One attempt's `TaskContext`. Its methods live on the prototype and the views an agent may not
 * need (logger, context view, mailbox, gate) are made on first use, so starting an attempt
 * allocates a handful of objects whatever the agent does with them.
 */
export class AttemptContext implements TaskContext {
  readonly runId: string;
  readonly task: TaskSpec;
  readonly attempt: number;
  readonly agentId: string;
  readonly dependencyOutputs: Readonly<Record<string, JsonValue | undefined>>;
  readonly dependencies: TaskBackground['dependencies'];
  readonly sharedContext: TaskBackground['sharedContext'];
  readonly unreadMessages: TaskBackground['unreadMessages'];
  readonly moreUnreadMessages: number;
  readonly previousAttempt?: PreviousAttempt;
  readonly retryNote?: string;
  /** What the attempt's model calls spent so far. */
  spent: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  private logger: RunLogger | undefined;
  private contextView: ContextView | undefined;
  private mailbox: AgentMailbox | undefined;
  private gateView: TaskGateView | undefined;
  private childSpans: StartChildSpan | undefined;

  constructor(
    private readonly info: AttemptInfo,
    private readonly services: AttemptServices,
  ) {
    this.runId = info.runId;
    this.task = info.task;
    this.attempt = info.attempt;
    this.agentId = info.agentId;
    this.dependencyOutputs = info.dependencyOutputs;
    const background = info.background;
    this.dependencies = background.dependencies;
    this.sharedContext = background.sharedContext;
    this.unreadMessages = background.unreadMessages;
    this.moreUnreadMessages = background.moreUnreadMessages;
    if (background.previousAttempt) this.previousAttempt = background.previousAttempt;
    if (background.retryNote !== undefined) this.retryNote = background.retryNote;
  }

  get signal(): AbortSignal {
    return this.info.stops.signal;
  }

  get log(): RunLogger {
    return (this.logger ??= this.services.logger.child({ taskId: this.task.id, agentId: this.agentId }));
  }

  get context(): ContextView {
    return (this.contextView ??= this.services.context.view(this.agentId));
  }

  get messages(): AgentMailbox {
    const { services, agentId } = this;
    return (this.mailbox ??= {
      send: (to, topic, body) => services.messages.send({ from: agentId, to, topic, body }),
      receive: (topic) => services.messages.receive(agentId, topic === undefined ? {} : { topic }),
    });
  }

  get gate(): TaskGateView {
    return (this.gateView ??= this.info.host.gate(this.task.id));
  }

  /** Starts a child of the attempt's task span; a function of its own, as callers pass it on. */
  get startSpan(): StartChildSpan | undefined {
    const { host, spanId } = this.info;
    if (spanId === undefined) return undefined;
    return (this.childSpans ??= (name, attributes) => host.startSpan(spanId, name, attributes));
  }

  async step<T extends JsonValue>(key: string, effect: () => Promise<T>): Promise<T> {
    const { info, services, task, attempt } = this;
    if (Object.prototype.hasOwnProperty.call(info.steps, key)) {
      this.log.debug(`Step "${key}" already completed; replaying its recorded result.`);
      return info.steps[key] as T;
    }
    const signal = this.signal;
    if (signal.aborted) throw abortReason(signal);
    // The intent is durable before the side effect starts, the result before the agent moves on.
    services.emit({ type: 'task.step.started', taskId: task.id, attempt, key });
    await services.commit();
    // The wait for the disk is long enough for a cancel, a timeout or another attempt to land.
    if (signal.aborted) throw abortReason(signal);
    if (Object.prototype.hasOwnProperty.call(info.steps, key)) return info.steps[key] as T;
    const result = await effect();
    assertJson(result, `The result of step "${key}"`);
    services.emit({ type: 'task.step.completed', taskId: task.id, attempt, key, result });
    await services.commit();
    return result;
  }

  async callModel<T>(
    request: ModelCallRequest,
    send: (signal: AbortSignal, turn: ModelTurn) => Promise<ModelCallResult<T>>,
  ): Promise<T> {
    const { services, task, agentId, attempt } = this;
    const signal = this.signal;
    return traceModelCall(this.startSpan, request, send, async (traced) => {
      const { value, usage } = await services.quota.call(
        { ...request, taskId: task.id, agentId, attempt },
        traced,
        signal,
      );
      this.spent = addUsage(this.spent, usage);
      return value;
    });
  }

  recordCacheHit(key: ModelKey): void {
    this.services.quota.recordCacheHit(key, this.task.id, this.agentId);
  }

  claimWrite(path: string): boolean {
    return this.info.host.claimWrite(this.info.lockOwner, path);
  }

  async timeWait<T>(kind: 'approval', detail: string, wait: () => Promise<T>): Promise<T> {
    const startedAt = this.info.host.now();
    try {
      return await wait();
    } finally {
      const event = taskWaitedEvent(this.task.id, this.attempt, kind, startedAt, this.info.host.now(), detail);
      if (event) this.services.emit(event);
    }
  }

  record(body: AgentEventBody): void {
    this.services.emit(body);
  }

  report(finding: Omit<Finding, 'taskId'>): void {
    this.services.emit({ type: 'finding.reported', finding: { ...finding, taskId: this.task.id } });
  }

  /** Marks the messages handed over in `unreadMessages` as read. */
  delivered(): void {
    const unread = this.unreadMessages;
    if (unread.length === 0) return;
    this.services.messages.markRead(
      this.agentId,
      unread.map((m) => m.id),
    );
  }
}

export { assertJson };
