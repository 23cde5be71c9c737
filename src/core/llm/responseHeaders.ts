import type { HeaderLookup } from '../quota/rateLimitHeaders';

/** Hands response headers to a call's listener; a listener that throws never fails the call. */
export function reportHeaders(listener: ((headers: HeaderLookup) => void) | undefined, headers: unknown): void {
  if (listener === undefined || typeof headers !== 'object' || headers === null) return;
  try {
    listener(headers as HeaderLookup);
  } catch {
    // Learning limits is a bonus; the answer matters more.
  }
}

/** The headers of an SDK's API error (a 429, a 500), when it has any. */
export function errorHeaders(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { headers?: unknown }).headers : undefined;
}
