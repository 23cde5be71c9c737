import type { Clock } from '../common/clock';
import { TokenBucket } from './tokenBucket';

/** One admitted amount; settled once the real amount is known, or refunded if never used. */
export interface MeterGrant {
  /**
   * Records the real amount. More than admitted is added; less changes nothing: a provider counts
   * a request's `max_tokens` when it admits it and keeps counting it for the whole minute.
   */
  settle(actual: number): void;
  /** Gives the whole amount back. */
  refund(): void;
  /** Moves the amount to now (the provider has certainly admitted it by now): it leaves the window a minute later. */
  restamp(): void;
}

/**
 * The window is a minute plus a second: a server counts a request when it arrives, we count it
 * when we send it, and the request that opens a window may take longer to arrive than the one
 * that closes it. The second of margin absorbs that difference in latency.
 */
export const RATE_WINDOW_MS = 61_000;
const EPSILON = 1e-9;

interface WindowEntry {
  at: number;
  amount: number;
}

/**
 * Meters one quantity (requests or tokens) per minute for one model. Providers enforce limits
 * either as a replenishing bucket or as a minute window; a bucket of capacity = limit alone lets
 * up to twice the limit through one 60 s window, so this admits only what both a bucket and a
 * strict sliding window allow, which no server counting either way will answer with a 429.
 */
export class RateMeter {
  private readonly bucket: TokenBucket;
  private readonly window: WindowEntry[] = [];
  /** Use the provider reported that this meter did not see (another process, an earlier run). */
  private outside: WindowEntry | undefined;

  constructor(
    /** The per-minute limit. */
    public perMinute: number,
    private readonly clock: Clock,
    /** The sliding window: a minute plus the latency margin (see RATE_WINDOW_MS). */
    private readonly windowMs: number = RATE_WINDOW_MS,
  ) {
    this.bucket = new TokenBucket({ capacity: perMinute, refillPerMinute: perMinute }, clock);
  }

  /** How much could be admitted right now. */
  available(): number {
    return Math.max(0, Math.min(this.bucket.available(), this.perMinute - this.windowSum()));
  }

  /** Milliseconds until `n` can be admitted; Infinity when `n` exceeds the limit. */
  msUntil(n: number): number {
    return Math.max(this.bucket.msUntil(n), this.windowMsUntil(n));
  }

  /**
   * Milliseconds until this meter's headroom next grows by itself: when the oldest admitted amount
   * leaves the window or, with the window empty, when the bucket is full again (it may still be
   * paying off a debit). Undefined when nothing is left to recover.
   */
  msUntilRecovery(): number | undefined {
    this.prune();
    const oldest = this.window[0];
    if (oldest) return Math.max(1, oldest.at + this.windowMs - this.clock.now());
    const refill = this.bucket.msUntil(this.perMinute);
    return refill > 0 ? refill : undefined;
  }

  /** A new per-minute limit (learned anew from the provider); what was admitted stays admitted. */
  resize(perMinute: number): void {
    if (perMinute === this.perMinute) return;
    this.bucket.resize(perMinute);
    this.perMinute = perMinute;
  }

  /** The amount admitted in this meter's window so far, outside use included. */
  used(): number {
    return this.windowSum();
  }

  /**
   * The provider counts `amount` more than this meter admitted, until `expiresInMs` from now:
   * kept as one entry that leaves the window then. A later report replaces it, never adds to it.
   */
  noteOutsideUse(amount: number, expiresInMs: number): void {
    if (this.outside !== undefined) {
      const i = this.window.indexOf(this.outside);
      if (i >= 0) this.window.splice(i, 1);
      this.outside = undefined;
    }
    if (!(amount > 0) || !(expiresInMs > 0)) return;
    const entry: WindowEntry = { at: this.clock.now() + expiresInMs - this.windowMs, amount };
    // The window stays ordered by time: the oldest entry leaves it first.
    const at = this.window.findIndex((e) => e.at > entry.at);
    this.window.splice(at < 0 ? this.window.length : at, 0, entry);
    this.outside = entry;
  }

  /** Admits `n` now; callers check `msUntil(n) === 0` first. `at` backdates it (replaying grants made before the meter existed). */
  take(n: number, at: number = this.clock.now()): MeterGrant {
    this.bucket.debit(n);
    const entry: WindowEntry = { at, amount: n };
    const pos = this.window.findIndex((e) => e.at > at);
    this.window.splice(pos < 0 ? this.window.length : pos, 0, entry);
    return {
      settle: (actual) => {
        const excess = actual - entry.amount;
        if (excess <= 0) return;
        this.bucket.debit(excess);
        entry.amount = actual;
      },
      refund: () => {
        this.bucket.give(entry.amount);
        entry.amount = 0;
        const i = this.window.indexOf(entry);
        if (i >= 0) this.window.splice(i, 1);
      },
      restamp: () => {
        const i = this.window.indexOf(entry);
        if (i < 0) return;
        this.window.splice(i, 1);
        entry.at = Math.max(entry.at, this.clock.now());
        const pos = this.window.findIndex((e) => e.at > entry.at);
        this.window.splice(pos < 0 ? this.window.length : pos, 0, entry);
      },
    };
  }

  private prune(): void {
    const cutoff = this.clock.now() - this.windowMs;
    while (this.window.length > 0 && (this.window[0]?.at ?? Infinity) <= cutoff) this.window.shift();
  }

  private windowSum(): number {
    this.prune();
    let sum = 0;
    for (const e of this.window) sum += e.amount;
    return sum;
  }

  private windowMsUntil(n: number): number {
    if (n > this.perMinute) return Infinity;
    let sum = this.windowSum();
    if (sum + n <= this.perMinute + EPSILON) return 0;
    const now = this.clock.now();
    // The window frees up as its oldest entries age out, one by one.
    for (const e of this.window) {
      sum -= e.amount;
      if (sum + n <= this.perMinute + EPSILON) return Math.max(1, e.at + this.windowMs - now);
    }
    return Infinity;
  }
}
