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

/** Most attempts per task the settings and flags accept. */
export const MAX_RETRY_ATTEMPTS = 20;
/** Longest backoff, in ms, the settings and flags accept (10 minutes). */
export const MAX_BACKOFF_MS = 600_000;

/** The retry knobs a user sets (`agentOrchestrator.retry.*`, `--max-attempts`, `--backoff-base-ms`, `--backoff-max-ms`). */
export interface RetrySettings {
  /** Attempts a task gets in all, across agents (1: never retried). */
  maxAttempts?: number;
  /** First backoff in ms; each retry doubles it. */
  baseDelayMs?: number;
  /** Cap on one backoff in ms. */
  maxDelayMs?: number;
}

/** Why these retry settings cannot be used, or undefined when they can; each sentence says what to change. */
export function retrySettingsProblem(settings: RetrySettings): string | undefined {
  const { maxAttempts, baseDelayMs, maxDelayMs } = settings;
  const whole = (n: number | undefined, min: number, max: number): boolean =>
    n === undefined || (Number.isInteger(n) && n >= min && n <= max);
  if (!whole(maxAttempts, 1, MAX_RETRY_ATTEMPTS))
    return `maxAttempts must be a whole number from 1 to ${MAX_RETRY_ATTEMPTS} (got ${String(maxAttempts)})`;
  if (!whole(baseDelayMs, 0, MAX_BACKOFF_MS))
    return `baseDelayMs must be a whole number of ms from 0 to ${MAX_BACKOFF_MS} (got ${String(baseDelayMs)})`;
  if (!whole(maxDelayMs, 0, MAX_BACKOFF_MS))
    return `maxDelayMs must be a whole number of ms from 0 to ${MAX_BACKOFF_MS} (got ${String(maxDelayMs)})`;
  const base = baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs;
  const cap = maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs;
  if (base > cap)
    return `the first backoff (${base} ms) is longer than the cap on one backoff (${cap} ms); raise the cap or lower the first backoff`;
  return undefined;
}

/**
 * The retry policy for these settings over the defaults; throws a TypeError naming the bad value.
 * `maxAttempts` caps the attempts per task, and per agent too when it is lower than the default.
 */
export function retryPolicyOf(settings: RetrySettings | undefined): RetryPolicy {
  if (settings === undefined) return DEFAULT_RETRY_POLICY;
  const problem = retrySettingsProblem(settings);
  if (problem !== undefined) throw new TypeError(`Invalid retry settings: ${problem}.`);
  const d = DEFAULT_RETRY_POLICY;
  const perTask = settings.maxAttempts ?? d.maxAttemptsPerTask;
  return Object.freeze({
    maxAttemptsPerAgent: Math.min(d.maxAttemptsPerAgent, perTask),
    maxAttemptsPerTask: perTask,
    baseDelayMs: settings.baseDelayMs ?? d.baseDelayMs,
    maxDelayMs: settings.maxDelayMs ?? d.maxDelayMs,
    maxTotalRetryMs: d.maxTotalRetryMs,
  });
}
