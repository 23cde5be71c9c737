import { rankAgents } from '../agents/agentSelector';
import { decideNextStep, type NextStep } from './attemptOutcome';
import type { ClassifiedFailure } from '../model/failure';
import { backoffDelay } from './retryPolicy';
import type { ExecutorDeps } from './runExecutorTypes';

/** One failed attempt, as the executor saw it. */
export interface FailedAttempt {
  task: number;
  agentId: string;
  attempt: number;
  durationMs: number;
  failure: ClassifiedFailure;
  /** Time the task already spent in retry backoffs in this segment. */
  waitedMs: number;
}

/** Decides what follows a failed attempt, records it as an event and in the agent's statistics. */
export function afterFailedAttempt(deps: ExecutorDeps, f: FailedAttempt): NextStep {
  const { graph, state, services, options, registry, stats, metrics } = deps;
  const task = graph.tasks[f.task]!;
  const ts = state.tasks[task.id];
  // Pauses for a human and cancellations say nothing about the task or the agent: they do not use up attempts.
  // Attempts before a person's retry are spent: the retry gets a fresh allowance.
  const attempts = (ts?.attempts ?? [])
    .slice(ts?.attemptsBeforeRetry ?? 0)
    .filter((a) => a.failureClass !== 'needs-human' && a.outcome !== 'cancelled');
  const excluded = new Set([...(ts?.excludedAgents ?? []), f.agentId]);
  const others = rankAgents(task, registry, stats, {
    excluded,
    ...(ts?.assignedAgent ? { assignedAgent: ts.assignedAgent } : {}),
  });
  const proposedDelayMs = backoffDelay(options.retry, attempts.length - 1, f.failure.retryAfterMs, options.random);
  const step = decideNextStep(
    {
      failure: f.failure,
      agentId: f.agentId,
      attempts,
      waitedMs: f.waitedMs,
      otherCandidates: others.length > 0 ? 'some' : 'none',
      proposedDelayMs,
    },
    options.retry,
  );
  services.emit({
    type: 'task.attempt.failed',
    taskId: task.id,
    agentId: f.agentId,
    attempt: f.attempt,
    durationMs: f.durationMs,
    failureClass: f.failure.failureClass,
    message: f.failure.message,
    next: step.next,
    ...(step.next === 'retry' ? { retryInMs: step.delayMs } : {}),
  });
  metrics.counter('attempts.failed').add();
  if (f.failure.failureClass !== 'needs-human')
    stats.record(f.agentId, { success: false, durationMs: f.durationMs, tokens: 0, costUsd: 0 });
  return step;
}
