import { abortReason, type Clock } from '../common/clock';
import type { DisposableLike } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import { RateMeter, type MeterGrant } from './rateMeter';
import { RequestTooLargeError } from './requestTooLargeError';

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
  readonly estimatedTokens: number;
  /**
   * Records the tokens the request really used. Tokens beyond the reservation are added; unused
   * ones are not given back: the provider counted the whole reservation (its `max_tokens`) when it
   * admitted the request, and keeps it until the minute it was counted in has passed.
   */
  settle(actualTokens: number): void;
  /** Gives back the request and its tokens: for a request that was never sent. */
  release(): void;
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

interface Waiter {
  tokens: number;
  resolve: (r: RateReservation) => void;
  reject: (err: Error) => void;
  detach: () => void;
}

interface KeyState {
  key: ModelKey;
  requests?: RateMeter;
  tokens?: RateMeter;
  queue: Waiter[];
  pausedUntil: number;
  pumping: boolean;
  /** Interrupts the pump's sleep when something it waits on may have changed. */
  wake?: AbortController;
}

/** The one timer that wakes the scheduler when headroom recovers with time alone. */
interface RecoveryTimer {
  at: number;
  abort: AbortController;
}

/**
 * The one rate-limit scheduler of the process, shared by every agent of every run, so parallel
 * agents on one provider stay under its requests- and tokens-per-minute limits together. Waiters
 * are served first come, first served per key, so a large request is never starved by small ones.
 * Limits are read through `limitsFor` the first time a key is used.
 */
export class RateLimitScheduler implements DisposableLike {
  private readonly states = new Map<string, KeyState>();
  private readonly changed = new Emitter<void>();
  private recovery: RecoveryTimer | undefined;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly limitsFor: (key: ModelKey) => RateLimits | undefined,
    private readonly options: {
      /**
       * The meters' sliding window, a minute plus a latency margin (`RATE_WINDOW_MS` by default).
       * On a clock that runs faster than real time (tests), give the margin in that clock's time.
       */
      windowMs?: number;
    } = {},
  ) {}

  /**
   * Fires when `headroom()` changes: a reservation, a settle or release, a pause, a request queued
   * or given up, and when headroom recovers with time alone (the oldest reservation leaves the
   * window, a pause ends). For the last, one timer runs, only while something recovers and
   * someone listens; none when idle.
   */
  readonly onDidChange: Event<void> = (listener) => {
    const subscription = this.changed.event(listener);
    this.armRecovery();
    return {
      dispose: () => {
        subscription.dispose();
        if (!this.changed.hasListeners) this.armRecovery();
      },
    };
  };

  /** Waits until `key` has room for one request of `estimatedTokens`, then takes it. Rejects with the abort reason if `signal` fires first. */
  reserve(key: ModelKey, estimatedTokens: number, signal?: AbortSignal): Promise<RateReservation> {
    let state: KeyState;
    try {
      requireTokens('estimatedTokens', estimatedTokens);
      state = this.stateOf(key);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (state.tokens && estimatedTokens > state.tokens.perMinute) {
      return Promise.reject(new RequestTooLargeError(label(key), estimatedTokens, state.tokens.perMinute));
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (state.queue.length === 0 && this.waitMs(state, estimatedTokens) === 0) {
      return Promise.resolve(this.grant(state, estimatedTokens));
    }
    return new Promise<RateReservation>((resolve, reject) => {
      const onAbort = (): void => {
        const i = state.queue.indexOf(waiter);
        if (i < 0) return;
        state.queue.splice(i, 1);
        reject(abortReason(signal));
        if (i === 0) state.wake?.abort();
        this.didChange();
      };
      const waiter: Waiter = {
        tokens: estimatedTokens,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      state.queue.push(waiter);
      this.didChange();
      void this.pump(state);
    });
  }

  /** A server said retry-after: hold every request for `key` for `ms` (never shortens an earlier pause). */
  pauseFor(key: ModelKey, ms: number): void {
    requireTokens('pause ms', ms);
    const state = this.stateOf(key);
    state.pausedUntil = Math.max(state.pausedUntil, this.clock.now() + ms);
    this.didChange();
  }

  /** Headroom of every key used so far. */
  headroom(): RateHeadroom[] {
    const now = this.clock.now();
    return [...this.states.values()].map((s) => {
      const h: RateHeadroom = { key: { ...s.key }, waiting: s.queue.length };
      if (s.requests) {
        h.rpm = s.requests.perMinute;
        h.requestsLeft = Math.floor(s.requests.available());
      }
      if (s.tokens) {
        h.tpm = s.tokens.perMinute;
        h.tokensLeft = Math.floor(s.tokens.available());
      }
      if (s.pausedUntil > now) h.pausedUntil = s.pausedUntil;
      return h;
    });
  }

  /** Stops the recovery timer and drops every listener; reservations keep working, silently. */
  dispose(): void {
    this.disposed = true;
    this.armRecovery();
    this.changed.dispose();
  }

  /** Tells listeners, after making sure the recovery timer points at the next moment headroom grows. */
  private didChange(): void {
    if (this.disposed) return;
    this.armRecovery();
    this.changed.fire();
  }

  /** The earliest moment some key's headroom grows by itself; undefined when nothing recovers. */
  private nextRecoveryAt(): number | undefined {
    const now = this.clock.now();
    let next = Infinity;
    for (const state of this.states.values()) {
      if (state.pausedUntil > now) next = Math.min(next, state.pausedUntil);
      const requests = state.requests?.msUntilRecovery();
      if (requests !== undefined) next = Math.min(next, now + requests);
      const tokens = state.tokens?.msUntilRecovery();
      if (tokens !== undefined) next = Math.min(next, now + tokens);
    }
    return Number.isFinite(next) ? next : undefined;
  }

  /** Keeps the one recovery timer at the next recovery, or stops it when idle, unheard or disposed. */
  private armRecovery(): void {
    const at = this.disposed || !this.changed.hasListeners ? undefined : this.nextRecoveryAt();
    if (this.recovery?.at === at) return;
    this.recovery?.abort.abort();
    this.recovery = undefined;
    if (at === undefined) return;
    const timer: RecoveryTimer = { at, abort: new AbortController() };
    this.recovery = timer;
    this.clock.sleep(Math.max(1, at - this.clock.now()), timer.abort.signal).then(
      () => {
        if (this.recovery !== timer) return;
        this.recovery = undefined;
        this.didChange();
      },
      () => undefined,
    );
  }

  private stateOf(key: ModelKey): KeyState {
    if (typeof key?.provider !== 'string' || !key.provider || typeof key.model !== 'string' || !key.model) {
      throw new TypeError(
        'A rate-limit key needs a non-empty provider and model, e.g. { provider: "openai", model: "gpt-4o" }.',
      );
    }
    // JSON keeps "a/b"+"c" apart from "a"+"b/c" (model names often contain slashes).
    const id = JSON.stringify([key.provider, key.model]);
    let state = this.states.get(id);
    if (!state) {
      const limits = this.limitsFor(key) ?? {};
      state = { key: { provider: key.provider, model: key.model }, queue: [], pausedUntil: 0, pumping: false };
      if (limits.requestsPerMinute !== undefined) {
        state.requests = new RateMeter(
          requireLimit(key, 'requestsPerMinute', limits.requestsPerMinute),
          this.clock,
          this.options.windowMs,
        );
      }
      if (limits.tokensPerMinute !== undefined) {
        state.tokens = new RateMeter(
          requireLimit(key, 'tokensPerMinute', limits.tokensPerMinute),
          this.clock,
          this.options.windowMs,
        );
      }
      this.states.set(id, state);
    }
    return state;
  }

  private waitMs(state: KeyState, tokens: number): number {
    return Math.max(
      0,
      state.pausedUntil - this.clock.now(),
      state.requests?.msUntil(1) ?? 0,
      state.tokens?.msUntil(tokens) ?? 0,
    );
  }

  /** Serves the queue of one key in order, sleeping until its head fits; one pump per key at a time. */
  private async pump(state: KeyState): Promise<void> {
    if (state.pumping) return;
    state.pumping = true;
    try {
      for (let head = state.queue[0]; head; head = state.queue[0]) {
        const wait = this.waitMs(state, head.tokens);
        if (!Number.isFinite(wait)) {
          // Unreachable while limits are validated; refusing beats sleeping forever.
          state.queue.shift();
          head.detach();
          head.reject(new RangeError(`A request to ${label(state.key)} can never fit its rate limits.`));
          this.didChange();
          continue;
        }
        if (wait === 0) {
          state.queue.shift();
          head.detach();
          head.resolve(this.grant(state, head.tokens));
          continue;
        }
        const wake = new AbortController();
        state.wake = wake;
        try {
          await this.clock.sleep(wait, wake.signal);
        } catch {
          // Woken early (abort of the head, or a refund): look at the queue again.
        } finally {
          state.wake = undefined;
        }
      }
    } finally {
      state.pumping = false;
    }
  }

  private grant(state: KeyState, tokens: number): RateReservation {
    const request: MeterGrant | undefined = state.requests?.take(1);
    const tokenGrant: MeterGrant | undefined = state.tokens?.take(tokens);
    this.didChange();
    let done = false;
    const finish = (what: string): void => {
      if (done)
        throw new Error(
          `Cannot ${what} a rate reservation for ${label(state.key)} twice; it was already settled or released.`,
        );
      done = true;
    };
    return {
      key: { ...state.key },
      estimatedTokens: tokens,
      settle: (actualTokens) => {
        requireTokens('actualTokens', actualTokens);
        finish('settle');
        tokenGrant?.settle(actualTokens);
        state.wake?.abort();
        this.didChange();
      },
      release: () => {
        finish('release');
        request?.refund();
        tokenGrant?.refund();
        state.wake?.abort();
        this.didChange();
      },
    };
  }
}

function label(key: ModelKey): string {
  return `${key.provider}/${key.model}`;
}

function requireTokens(name: string, n: number): void {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new RangeError(`${name} must be a finite number >= 0, got ${String(n)}.`);
  }
}

function requireLimit(key: ModelKey, name: keyof RateLimits, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
    throw new RangeError(
      `The ${name} limit for ${label(key)} must be a number of at least 1, got ${String(value)}. Fix it in the rate-limit settings or remove it.`,
    );
  }
  return value;
}
