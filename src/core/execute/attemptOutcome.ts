import type { RankedCandidates } from './runExecutorTypes';
import type { ClassifiedFailure } from '../model/failure';
import type { RetryPolicy } from './retryPolicy';
import type { AttemptRecord } from '../model/runState';

/** What the executor does after a failed attempt. */
export type NextStep = { next: 'retry'; delayMs: number } | { next: 'reassign' } | { next: 'pause' } | { next: 'fail' };

/** The facts a decision after a failed attempt rests on. */
export interface FailureFacts {
  failure: ClassifiedFailure;
  agentId: string;
  /** Every attempt at the task so far, this one included. */
  attempts: readonly AttemptRecord[];
  /** Time this task already spent in retry backoffs. */
  waitedMs: number;
  /** Whether any other agent could still take the task. */
  otherCandidates: RankedCandidates;
  /** The wait before the next retry, if one is made (backoff with jitter, retry-after honoured). */
  proposedDelayMs: number;
}

/** Consecutive attempts by `agentId` at the end of the attempt list. */
function trailingAttemptsBy(attempts: readonly AttemptRecord[], agentId: string): number {
  let n = 0;
  for (let i = attempts.length - 1; i >= 0 && attempts[i]!.agentId === agentId; i--) n++;
  return n;
}

/**
 * Decides retry, reassignment, pause or failure. Retryable failures stay with the agent until its
 * attempts or the task's retry time run out, then fall back to the next candidate like
 * agent-attributable ones do; human-needing ones pause the run; fatal ones fail the task.
 */
export function decideNextStep(facts: FailureFacts, policy: RetryPolicy): NextStep {
  const { failure, attempts } = facts;
  if (failure.failureClass === 'needs-human') return { next: 'pause' };
  if (failure.failureClass === 'fatal' || attempts.length >= policy.maxAttemptsPerTask) return { next: 'fail' };
  if (failure.failureClass === 'retryable') {
    const withinAgent = trailingAttemptsBy(attempts, facts.agentId) < policy.maxAttemptsPerAgent;
    const withinTime = facts.waitedMs + facts.proposedDelayMs <= policy.maxTotalRetryMs;
    if (withinAgent && withinTime) return { next: 'retry', delayMs: facts.proposedDelayMs };
  }
  return facts.otherCandidates === 'some' ? { next: 'reassign' } : { next: 'fail' };
}

/**
 * Why a task failed, for its `task.failed` event and finding: a temporary failure that ran out of
 * retries says so, since its own message ("rate limited", "overloaded") reads as if it would pass.
 */
export function failedTaskMessage(failure: { failureClass: string; message: string }, attempts: number): string {
  if (failure.failureClass !== 'retryable') return failure.message;
  return `Gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} that failed for temporary reasons; the last: ${failure.message}`;
}
