// What the rate-limit scheduler takes and gives: keys, limits, reservations and headroom.
import type { TokenSplit } from './keyMeters';

/** Which provider and model a request goes to; limits are kept per key. */
export interface ModelKey {
  provider: string;
  model: string;
}

/** A provider's published limits for one model; an absent field means no limit. */
export interface RateLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** Capacity taken for one request; settle it with the real token count, or release it if never sent. */
export interface RateReservation {
  readonly key: ModelKey;
  /** Input plus output tokens reserved. */
  readonly estimatedTokens: number;
  /** The input and output tokens granted (the output allowance to send as `max_tokens`). */
  readonly granted: TokenSplit;
  /**
   * Records the tokens the request really used (a number is input and output together). Tokens
   * beyond the reservation are added; unused ones are not given back: the provider counted the
   * whole reservation (its `max_tokens`) when it admitted the request, and keeps it until the
   * minute it was counted in has passed.
   */
  settle(actualTokens: number | TokenSplit): void;
  /** Gives back the request and its tokens: for a request that was never sent. */
  release(): void;
  /**
   * The response's headers arrived, so the provider admitted the request at the latest now: it is
   * counted from now, not from the grant. A process stalled between grant and send (a busy
   * machine, an SDK loading, a new connection) then cannot make our minute end before the
   * provider's; the cost is holding the request for its time to first byte longer.
   */
  answered(): void;
}

/** What is left of one key's limits right now, for the status bar. */
export interface RateHeadroom {
  key: ModelKey;
  /** Undefined when the model has no requests-per-minute limit. */
  requestsLeft?: number;
  /** Undefined when the model has no tokens-per-minute limit. */
  tokensLeft?: number;
  rpm?: number;
  tpm?: number;
  /** Requests queued behind the limit. */
  waiting: number;
  /** Set while a server's retry-after holds every request for this key. */
  pausedUntil?: number;
}
