import { PlanSchema } from '../../src/core/model/planSchema';
import type { TaskSpecInput } from '../../src/core/model/planSchema';
import type { JsonValue, RunEvent, RunEventBody, TaskStatus } from '../../src/core/model/runEvents';
import { applyRunEvent, emptyRunState } from '../../src/core/model/runState';
import type { RunState } from '../../src/core/model/runState';
import type { Finding } from '../../src/core/model/finding';

/** Stamps `seq`, `at` and `runId` on event bodies in order, like the orchestrator's recorder does. */
export class EventBuilder {
  private seq: number;
  private at: number;
  private readonly stepMs: number;

  constructor(
    readonly runId: string,
    options: { startSeq?: number; startAt?: number; stepMs?: number } = {},
  ) {
    this.seq = (options.startSeq ?? 1) - 1;
    this.at = options.startAt ?? Date.UTC(2025, 0, 15, 9, 0, 0);
    this.stepMs = options.stepMs ?? 1000;
  }

  /** The seq the next event will get. */
  get nextSeq(): number {
    return this.seq + 1;
  }

  /** Any event body, stamped with the next seq. */
  next(body: RunEventBody): RunEvent {
    this.seq++;
    this.at += this.stepMs;
    return { ...body, seq: this.seq, at: this.at, runId: this.runId } as RunEvent;
  }

  created(goal = 'Add JWT auth to the API and tests for it'): RunEvent {
    return this.next({ type: 'run.created', goal, dryRun: false, budget: { maxTokens: 100_000 } });
  }

  planReady(tasks: TaskSpecInput[], goal = 'Add JWT auth to the API and tests for it'): RunEvent {
    return this.next({ type: 'plan.ready', plan: PlanSchema.parse({ goal, tasks }) });
  }

  taskStarted(taskId: string, agentId = 'coder', attempt = 1): RunEvent {
    return this.next({ type: 'task.started', taskId, agentId, attempt });
  }

  stepCompleted(taskId: string, key: string, result: JsonValue, attempt = 1): RunEvent {
    return this.next({ type: 'task.step.completed', taskId, attempt, key, result });
  }

  taskSucceeded(taskId: string, agentId = 'coder', attempt = 1, durationMs = 2500): RunEvent {
    return this.next({ type: 'task.succeeded', taskId, agentId, attempt, durationMs, summary: `done ${taskId}` });
  }

  attemptFailed(taskId: string, agentId = 'coder', attempt = 1, message = 'tests failed'): RunEvent {
    return this.next({
      type: 'task.attempt.failed',
      taskId,
      agentId,
      attempt,
      durationMs: 500,
      failureClass: 'retryable',
      message,
      next: 'retry',
    });
  }

  taskFailed(taskId: string, message = 'gave up'): RunEvent {
    return this.next({ type: 'task.failed', taskId, message });
  }

  usage(taskId: string, inputTokens: number, outputTokens: number, costUsd: number): RunEvent {
    return this.next({
      type: 'usage.recorded',
      taskId,
      agentId: 'coder',
      provider: 'openai',
      model: 'gpt-test',
      usage: { inputTokens, outputTokens, costUsd },
    });
  }

  finding(severity: Finding['severity'], message: string, extra: Partial<Finding> = {}): RunEvent {
    return this.next({ type: 'finding.reported', finding: { severity, category: 'test', message, ...extra } });
  }

  context(key: string, value: JsonValue): RunEvent {
    return this.next({ type: 'context.changed', key, scope: 'shared', value });
  }

  editApplied(taskId: string, path: string, approvalId = `ap-${this.nextSeq}`): RunEvent {
    return this.next({ type: 'edit.applied', taskId, approvalId, path });
  }

  paused(reason: string): RunEvent {
    return this.next({ type: 'run.paused', reason });
  }

  completed(
    status: 'succeeded' | 'failed' | 'planned' | 'paused' | 'cancelled' = 'succeeded',
    counts: Partial<Record<TaskStatus, number>> = {},
  ): RunEvent {
    // The schema's record over task statuses is exhaustive, like `countTasks`: every status has a count.
    const all: Record<TaskStatus, number> = {
      pending: 0,
      running: 0,
      succeeded: 0,
      failed: 0,
      skipped: 0,
      cancelled: 0,
      ...counts,
    };
    return this.next({ type: 'run.completed', status, counts: all });
  }

  log(message: string): RunEvent {
    return this.next({ type: 'log', level: 'info', message });
  }
}

/**
 * A whole plausible run: created, a plan of `taskCount` tasks, each started, one step, usage and
 * success, a finding, and completion. About 4 events per task, like a real run.
 */
export function sampleRunEvents(runId: string, taskCount = 3, options: { startAt?: number } = {}): RunEvent[] {
  const b = new EventBuilder(runId, options);
  const ids = Array.from({ length: taskCount }, (_, i) => `t${i + 1}`);
  const events = [b.created(), b.planReady(ids.map((id) => ({ id, title: `Implement part ${id}` })))];
  for (const id of ids) {
    events.push(
      b.taskStarted(id),
      b.stepCompleted(id, `${id}:edit`, { applied: true }),
      b.usage(id, 100, 50, 0.01),
      b.taskSucceeded(id),
    );
  }
  events.push(
    b.finding('minor', 'unused import', { location: 'src/a.ts:3', taskId: ids[0] }),
    b.completed('succeeded', { succeeded: taskCount }),
  );
  return events;
}

/** The state the events fold into, for comparing against what the store recovers. */
export function foldEvents(runId: string, events: readonly RunEvent[]): RunState {
  const state = emptyRunState(runId);
  for (const event of events) applyRunEvent(state, event);
  return state;
}

/** Events as the JSON lines the log holds. */
export function toJsonLines(events: readonly RunEvent[]): string {
  return events.map((e) => `${JSON.stringify(e)}\n`).join('');
}
