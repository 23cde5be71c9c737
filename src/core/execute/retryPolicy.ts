/** How failed attempts are retried. */
export interface RetryPolicy {
  /** Attempts one agent gets at one task before the next candidate is tried. */
  maxAttemptsPerAgent: number;
  /** Attempts a task gets in all, across agents. */
  maxAttemptsPerTask: number;
  /** First backoff; each retry doubles it. */
  baseDelayMs: number;
  /** Cap on one backoff. */
  maxDelayMs: number;
  /** Cap on the time a task may spend waiting in backoffs; past it the task is not retried again. */
  maxTotalRetryMs: number;
}

/** Sensible defaults for model-backed agents. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttemptsPerAgent: 3,
  maxAttemptsPerTask: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalRetryMs: 120_000,
});

/**
 * The wait before retry number `retry` (0 for the first retry): exponential, capped, with full
 * jitter in its upper half so parallel agents hit by the same rate limit do not retry in step.
 * A server's retry-after hint is a floor: we never come back sooner than asked.
 */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
