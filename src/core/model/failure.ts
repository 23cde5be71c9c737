/**
 * What to do after a failed attempt:
 * - `retryable`: try the same agent again after a backoff (rate limit, timeout, flaky network);
 * - `reassign`: the agent itself is at fault; give the task to the next candidate;
 * - `needs-human`: stop and ask (budget reached, approval needed); the run pauses and the task waits;
 * - `fatal`: the task cannot succeed as specified; it fails and its dependents are skipped.
 */
export type FailureClass = 'retryable' | 'reassign' | 'needs-human' | 'fatal';

/** An error an agent (or the engine) throws to say how a failure should be handled. */
export class TaskFailure extends Error {
  override readonly name: string = 'TaskFailure';

  constructor(
    message: string,
    readonly failureClass: FailureClass,
    readonly options: {
      /** Server hint: wait at least this long before retrying. */
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The verdict on one failed attempt. */
export interface ClassifiedFailure {
  failureClass: FailureClass;
  message: string;
  retryAfterMs?: number;
}

/**
 * Classifies anything an attempt threw. `TaskFailure` says what it is; an attempt that hit its
 * time limit is retryable; any other error is treated as the agent's fault (reassign), because
 * an agent that throws an unexpected error is the likeliest thing to blame.
 */
export function classifyFailure(err: unknown, how: { timedOut: boolean }): ClassifiedFailure {
  if (how.timedOut) {
    return { failureClass: 'retryable', message: 'The attempt ran past its time limit and was stopped.' };
  }
  if (err instanceof TaskFailure) {
    const out: ClassifiedFailure = { failureClass: err.failureClass, message: err.message };
    if (err.options.retryAfterMs !== undefined) out.retryAfterMs = err.options.retryAfterMs;
    return out;
  }
  const message = err instanceof Error ? err.message : String(err);
  return { failureClass: 'reassign', message: message || 'The agent failed without a message.' };
}
