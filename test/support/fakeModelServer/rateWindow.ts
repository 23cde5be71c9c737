/** What a `RateWindow` enforces; an absent limit is no limit. */
export interface RateLimitConfig {
  /** Requests per window. */
  rpm?: number;
  /** Tokens per window. */
  tpm?: number;
  /** The sliding window's length; default 60 000 ms (a minute). */
  windowMs?: number;
}

/** One limit as a response reports it. */
export interface LimitState {
  limit: number;
  remaining: number;
  resetMs: number;
}

/** The verdict on one request: admitted, or refused with how long to wait. */
export type RateVerdict = { ok: true } | { ok: false; reason: 'requests' | 'tokens'; retryAfterMs: number };

/**
 * A sliding window over admitted requests, the way providers enforce requests- and
 * tokens-per-minute: a request is refused when admitting it would put more than `rpm` requests
 * or `tpm` tokens inside the last `windowMs`. Refused requests do not count.
 */
export class RateWindow {
  private readonly entries: Array<{ at: number; tokens: number }> = [];
  private readonly windowMs: number;

  constructor(private readonly config: RateLimitConfig) {
    this.windowMs = config.windowMs ?? 60_000;
  }

  /** Admits (and records) a request of `tokens` at `now`, or says why not and for how long. */
  admit(now: number, tokens: number): RateVerdict {
    this.prune(now);
    const { rpm, tpm } = this.config;
    if (rpm !== undefined && this.entries.length + 1 > rpm) {
      const oldest = this.entries[this.entries.length - rpm];
      return {
        ok: false,
        reason: 'requests',
        retryAfterMs: oldest === undefined ? this.windowMs : Math.max(1, oldest.at + this.windowMs - now),
      };
    }
    if (tpm !== undefined && this.used() + tokens > tpm) {
      return { ok: false, reason: 'tokens', retryAfterMs: this.tokensFreeAfter(now, tokens, tpm) };
    }
    this.entries.push({ at: now, tokens });
    return { ok: true };
  }

  /**
   * What the window looks like at `now`, as providers report it on every response: each limit,
   * what is left of it, and the milliseconds until the window is empty again.
   */
  state(now: number): { requests?: LimitState; tokens?: LimitState } {
    this.prune(now);
    const emptyIn = (): number => {
      const newest = this.entries[this.entries.length - 1];
      return newest === undefined ? 0 : Math.max(0, newest.at + this.windowMs - now);
    };
    const out: { requests?: LimitState; tokens?: LimitState } = {};
    const { rpm, tpm } = this.config;
    if (rpm !== undefined)
      out.requests = { limit: rpm, remaining: Math.max(0, rpm - this.entries.length), resetMs: emptyIn() };
    if (tpm !== undefined) out.tokens = { limit: tpm, remaining: Math.max(0, tpm - this.used()), resetMs: emptyIn() };
    return out;
  }

  /** Adds tokens to the latest admitted request (usage counted once the answer is known). */
  charge(tokens: number): void {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined) last.tokens += tokens;
  }

  /** Tokens inside the window as of the last `admit`. */
  used(): number {
    return this.entries.reduce((sum, e) => sum + e.tokens, 0);
  }

  private prune(now: number): void {
    while (this.entries.length > 0 && (this.entries[0]?.at ?? now) <= now - this.windowMs) this.entries.shift();
  }

  /** When enough old entries leave the window for `tokens` more to fit; a full window if never. */
  private tokensFreeAfter(now: number, tokens: number, tpm: number): number {
    let used = this.used();
    for (const e of this.entries) {
      used -= e.tokens;
      if (used + tokens <= tpm) return Math.max(1, e.at + this.windowMs - now);
    }
    return this.windowMs;
  }
}
