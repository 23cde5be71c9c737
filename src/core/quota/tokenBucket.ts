import type { Clock } from '../common/clock';

/** Size and refill speed of a token bucket. */
export interface TokenBucketOptions {
  /** Most tokens the bucket holds; also the largest single take it can ever grant. */
  capacity: number;
  /** Tokens added per minute, continuously. */
  refillPerMinute: number;
}

/** Tolerance for float drift in continuous refill, far below one token. */
const EPSILON = 1e-9;

/** A bucket that starts full and refills continuously; a debit may push it below zero (debt). */
export class TokenBucket {
  /** Most tokens the bucket holds. */
  capacity: number;
  /** Tokens added per minute. */
  refillPerMinute: number;
  private tokens: number;
  private last: number;

  constructor(
    options: TokenBucketOptions,
    private readonly clock: Clock,
  ) {
    requirePositive('capacity', options.capacity);
    requirePositive('refillPerMinute', options.refillPerMinute);
    this.capacity = options.capacity;
    this.refillPerMinute = options.refillPerMinute;
    this.tokens = options.capacity;
    this.last = clock.now();
  }

  /** Tokens that could be taken now (negative while in debt). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes `n` tokens if they are all there; never takes part of them. */
  tryTake(n: number): boolean {
    requireAmount(n);
    this.refill();
    if (this.tokens + EPSILON < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Takes `n` tokens even if that leaves the bucket in debt; for usage that already happened. */
  debit(n: number): void {
    requireAmount(n);
    this.refill();
    this.tokens -= n;
  }

  /** Returns `n` tokens (a refund); the bucket never holds more than its capacity. */
  give(n: number): void {
    requireAmount(n);
    this.refill();
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }

  /** A new size and refill speed (a limit learned anew); what was used stays used. */
  resize(perMinute: number): void {
    requirePositive('capacity', perMinute);
    this.refill();
    this.tokens = Math.min(perMinute, this.tokens + (perMinute - this.capacity));
    this.capacity = perMinute;
    this.refillPerMinute = perMinute;
  }

  /** Milliseconds until `n` tokens are available: 0 if now, Infinity if `n` exceeds the capacity. */
  msUntil(n: number): number {
    requireAmount(n);
    if (n > this.capacity) return Infinity;
    this.refill();
    const missing = n - this.tokens;
    if (missing <= EPSILON) return 0;
    // At least 1 ms, so a caller that sleeps and retries always makes progress.
    return Math.max(1, Math.ceil((missing * 60_000) / this.refillPerMinute));
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = now - this.last;
    this.last = now;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.refillPerMinute) / 60_000);
  }
}

function requirePositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`TokenBucket ${name} must be a finite number above 0, got ${value}.`);
  }
}

function requireAmount(n: number): void {
  if (!Number.isFinite(n) || n < 0) {
    throw new RangeError(`A token amount must be a finite number >= 0, got ${n}.`);
  }
}
