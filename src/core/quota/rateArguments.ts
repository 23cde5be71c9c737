import type { TokenSplit } from './keyMeters';
import type { ModelKey, RateLimits } from './rateLimitScheduler';

// The argument checks of the rate-limit scheduler: every amount and limit is validated before it
// reaches a meter, with an error that says what was wrong.

/** `provider/model`, for messages and per-model bookkeeping. */
export function label(key: ModelKey): string {
  return `${key.provider}/${key.model}`;
}

/** A token amount as input and output; a plain number counts as input (with no output of its own). */
export function splitOf(name: string, tokens: number | TokenSplit): TokenSplit {
  if (typeof tokens === 'number') {
    requireTokens(name, tokens);
    return { input: tokens, output: 0 };
  }
  requireTokens(`${name}.input`, tokens?.input);
  requireTokens(`${name}.output`, tokens?.output);
  return { input: tokens.input, output: tokens.output };
}

/** Throws a clear RangeError unless `n` is a finite number >= 0. */
export function requireTokens(name: string, n: number): void {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(n)}.`);
  }
}

/** A configured limit, checked: a number of at least 1, else a RangeError that says where to fix it. */
export function requireLimit(key: ModelKey, name: keyof RateLimits, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
    throw new RangeError(
      `The ${name} limit for ${label(key)} must be a number of at least 1, got ${String(value)}. Fix it in the rate-limit settings or remove it.`,
    );
  }
  return value;
}
