import type { AgentMessage } from '../../src/core/context/messageBus';
import type { Finding } from '../../src/core/model/finding';
import { TaskSpecSchema, type TaskSpecInput } from '../../src/core/model/planSchema';
import { RunLogger } from '../../src/core/observe/runLogger';
import type { DependencyResult, PreviousAttempt, TaskContext } from '../../src/core/task/agent';

/** What a brief is built from; everything else of the task context is inert. */
export interface BriefContextOptions {
  task?: Partial<TaskSpecInput>;
  attempt?: number;
  agentId?: string;
  dependencies?: DependencyResult[];
  sharedContext?: TaskContext['sharedContext'];
  unreadMessages?: AgentMessage[];
  moreUnreadMessages?: number;
  previousAttempt?: PreviousAttempt;
}

/** A task context for reading its brief: the parts a brief shows, and services that refuse to be used. */
export function briefContext(options: BriefContextOptions = {}): TaskContext {
  const unused = (what: string) => (): never => {
    throw new Error(`A brief must not use ${what}.`);
  };
  const dependencies = options.dependencies ?? [];
  return {
    runId: 'run-brief',
    task: TaskSpecSchema.parse({ id: 't1', title: 'Change things', ...options.task }),
    attempt: options.attempt ?? (options.previousAttempt ? options.previousAttempt.attempt + 1 : 1),
    agentId: options.agentId ?? 'coder',
    signal: new AbortController().signal,
    dependencyOutputs: Object.fromEntries(dependencies.map((d) => [d.taskId, d.output])),
    dependencies,
    sharedContext: options.sharedContext ?? [],
    unreadMessages: options.unreadMessages ?? [],
    moreUnreadMessages: options.moreUnreadMessages ?? 0,
    ...(options.previousAttempt ? { previousAttempt: options.previousAttempt } : {}),
    step: unused('step'),
    callModel: unused('callModel'),
    context: {
      agentId: options.agentId ?? 'coder',
      get: unused('context.get'),
      set: unused('context.set'),
      delete: unused('context.delete'),
      keys: unused('context.keys'),
      transaction: unused('context.transaction'),
    },
    messages: { send: unused('messages.send'), receive: unused('messages.receive') },
    log: new RunLogger(() => undefined),
    report: unused('report'),
    claimWrite: unused('claimWrite'),
    timeWait: unused('timeWait'),
    record: unused('record'),
  };
}

/** A finished dependency. */
export function dependencyResult(taskId: string, over: Partial<DependencyResult> = {}): DependencyResult {
  return { taskId, title: `Task ${taskId}`, summary: `did ${taskId}`, changedPaths: [], ...over };
}

/** A message waiting for `to`. */
export function agentMessage(id: string, over: Partial<AgentMessage> = {}): AgentMessage {
  return { id, from: 'architect', to: 'coder', topic: 'api-shape', body: { id }, ...over };
}

/** A finding of a test that fails. */
export function failingTest(name: string, over: Partial<Finding> = {}): Finding {
  return { severity: 'major', category: 'test', message: `${name} failed`, taskId: 't1', ...over };
}

/** The previous attempt of a retry: failed with a message, nothing else, unless overridden. */
export function previousFailure(over: Partial<PreviousAttempt> = {}): PreviousAttempt {
  return {
    attempt: 1,
    agentId: 'coder',
    failureClass: 'retryable',
    message: 'Verification failed.',
    findings: [],
    changedPaths: [],
    ...over,
  };
}
