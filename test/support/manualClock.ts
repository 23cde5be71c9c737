import { abortReason, type Clock } from '../../src/core/common/clock';

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock that only moves when a test says so: `sleep` resolves once `advance` carries time to
 * or past its deadline, so rate-limit and TTL tests run instantly and the same way every time.
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private readonly sleepers = new Set<Sleeper>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    // A deadline that is already here needs no advance, as with a real timer of 0 ms.
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.time + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.sleepers.delete(sleeper);
        reject(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
    });
  }

  /** How many sleeps are waiting for time to move. */
  get pendingSleeps(): number {
    return this.sleepers.size;
  }

  /**
   * Moves time forward by `ms`, stopping at each sleeper's deadline in order and letting the code
   * it wakes run (and perhaps sleep again) before going on, exactly as real time would.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
    const target = this.time + ms;
    await flushMicrotasks();
    for (;;) {
      const next = this.earliest();
      if (!next || next.at > target) break;
      this.sleepers.delete(next);
      this.time = Math.max(this.time, next.at);
      next.resolve();
      await flushMicrotasks();
    }
    this.time = target;
    await flushMicrotasks();
  }

  /** Moves time to the next sleeper's deadline (if any) and runs what it wakes; returns whether one woke. */
  async advanceToNext(): Promise<boolean> {
    await flushMicrotasks();
    const next = this.earliest();
    if (!next) return false;
    await this.advance(next.at - this.time);
    return true;
  }

  private earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (!best || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s;
    }
    return best;
  }
}

/** Lets every queued promise continuation run; a macrotask hop drains the whole microtask queue. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
