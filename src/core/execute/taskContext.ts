import { abortReason } from '../common/clock';
import type { MessageBus } from '../context/messageBus';
import type { SharedContext } from '../context/sharedContext';
import type { RunLogger } from '../observe/runLogger';
import type { TaskSpec } from '../model/planSchema';
import type { ModelTurn, QuotaGate } from '../quota/quotaGate';
import { addUsage, type Usage } from '../model/usage';
import type { JsonValue, RunEventBody } from '../model/runEvents';
import type { ModelCallRequest, ModelCallResult, StartChildSpan, TaskContext, TaskGateView } from '../task/agent';
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

/** What one attempt needs besides the services. */
export interface AttemptInfo {
  runId: string;
  task: TaskSpec;
  attempt: number;
  agentId: string;
  signal: AbortSignal;
  /** Completed steps of this task, by key, from the run state (live, so new ones appear). */
  steps: Readonly<Record<string, JsonValue>>;
  dependencyOutputs: Readonly<Record<string, JsonValue | undefined>>;
  /** Dependencies' results, shared context, unread messages and the previous attempt (`taskBackground`). */
  background: TaskBackground;
  /** Takes an extra write lock for this attempt, without waiting. */
  claimWrite(path: string): boolean;
  /** The executor's clock, for timing waits. */
  now(): number;
  /** The run's baseline and plan, for the task's gate. */
  gate?: TaskGateView;
  /** Starts a child of the attempt's task span (its model calls and tool calls); none when untraced. */
  startSpan?: StartChildSpan;
}

function assertJson(value: unknown, what: string): asserts value is JsonValue {
  try {
    if (JSON.stringify(value) === undefined) throw new Error('not serialisable');
  } catch (err) {
    throw new TaskFailure(`${what} must be JSON (${err instanceof Error ? err.message : String(err)}).`, 'fatal');
  }
}

/**
 * Builds the context handed to an agent for one attempt; `usage` accumulates what its model calls
 * spent, and `delivered` marks the messages the context handed over as read (call it on success).
 */
export function createTaskContext(
  info: AttemptInfo,
  services: AttemptServices,
): { ctx: TaskContext; usage: () => Usage; delivered: () => void } {
  const { task, attempt, agentId, signal } = info;
  let spent: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const log = services.logger.child({ taskId: task.id, agentId });
  const { startSpan } = info;
  const ctx: TaskContext = {
    runId: info.runId,
    task,
    attempt,
    agentId,
    signal,
    dependencyOutputs: info.dependencyOutputs,
    ...info.background,
    async step<T extends JsonValue>(key: string, effect: () => Promise<T>): Promise<T> {
      if (Object.prototype.hasOwnProperty.call(info.steps, key)) {
        log.debug(`Step "${key}" already completed; replaying its recorded result.`);
        return info.steps[key] as T;
      }
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
    },
    async callModel<T>(
      request: ModelCallRequest,
      send: (signal: AbortSignal, turn: ModelTurn) => Promise<ModelCallResult<T>>,
    ): Promise<T> {
      return traceModelCall(startSpan, request, send, async (traced) => {
        const { value, usage } = await services.quota.call(
          { ...request, taskId: task.id, agentId, attempt },
          traced,
          signal,
        );
        spent = addUsage(spent, usage);
        return value;
      });
    },
    ...(startSpan ? { startSpan } : {}),
    recordCacheHit(key): void {
      services.quota.recordCacheHit(key, task.id, agentId);
    },
    context: services.context.view(agentId),
    messages: {
      send: (to, topic, body) => services.messages.send({ from: agentId, to, topic, body }),
      receive: (topic) => services.messages.receive(agentId, topic === undefined ? {} : { topic }),
    },
    log,
    claimWrite: (path) => info.claimWrite(path),
    async timeWait<T>(kind: 'approval', detail: string, wait: () => Promise<T>): Promise<T> {
      const startedAt = info.now();
      try {
        return await wait();
      } finally {
        const event = taskWaitedEvent(task.id, attempt, kind, startedAt, info.now(), detail);
        if (event) services.emit(event);
      }
    },
    record(body): void {
      services.emit(body);
    },
    report(finding): void {
      services.emit({ type: 'finding.reported', finding: { ...finding, taskId: task.id } });
    },
    ...(info.gate ? { gate: info.gate } : {}),
  };
  const delivered = (): void => {
    const ids = info.background.unreadMessages.map((m) => m.id);
    if (ids.length > 0) services.messages.markRead(agentId, ids);
  };
  return { ctx, usage: () => spent, delivered };
}

export { assertJson };
