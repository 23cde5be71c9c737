import { abortReason, type Clock } from '../common/clock';
import type { DisposableLike } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import { KeyMeters, type KeyGrant, type TokenSplit } from './keyMeters';
import { OutputSizer } from './outputSizer';
import { parseRateLimitHeaders, type HeaderLookup } from './rateLimitHeaders';
import { label, requireLimit, requireTokens, splitOf } from './rateArguments';
import { RequestTooLargeError } from './requestTooLargeError';
import type { ModelKey, RateHeadroom, RateLimits, RateReservation } from './rateLimitTypes';

export type { TokenSplit } from './keyMeters';

export type { ModelKey, RateHeadroom, RateLimits, RateReservation } from './rateLimitTypes';

interface Waiter {
  tokens: TokenSplit;
  resolve: (r: RateReservation) => void;
  /** Re-reads the request's size when it is at the head of the queue. */
  resize?: () => TokenSplit;
  reject: (err: Error) => void;
  detach: () => void;
}

interface KeyState {
  key: ModelKey;
  meters: KeyMeters;
  queue: Waiter[];
  pausedUntil: number;
  pumping: boolean;
  /** Limits still unknown (none configured, no answer yet): one request at a time goes out as a probe. */
  unknown: boolean;
  probeOut: boolean;
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
 * Limits are read through `limitsFor` the first time a key is used; a limit it leaves open is
 * learned from the provider's rate-limit headers (`learn`), so a first run needs no settings.
 */
export class RateLimitScheduler implements DisposableLike {
  private readonly states = new Map<string, KeyState>();
  private readonly changed = new Emitter<void>();
  private recovery: RecoveryTimer | undefined;
  private disposed = false;
  private readonly outputs: OutputSizer;

  constructor(
    private readonly clock: Clock,
    private readonly limitsFor: (key: ModelKey) => RateLimits | undefined,
    private readonly options: {
      /**
       * The meters' sliding window, a minute plus a latency margin (`RATE_WINDOW_MS` by default).
       * On a clock that runs faster than real time (tests), give the margin in that clock's time.
       */
      windowMs?: number;
      /** Off: provider headers are ignored and output allowances are never sized (the limiter of settings alone). */
      learn?: boolean;
      /**
       * Until a key with no configured limits has its first answer (its headers, or a settled
       * request), send it one request at a time: a first wave of parallel agents could exceed
       * limits nobody knows yet. Costs the first request's time to its headers, once per key.
       */
      probeFirst?: boolean;
    } = {},
  ) {
    this.outputs = new OutputSizer();
  }

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

  /** Whether a request of `tokens` could ever be admitted under `key`'s limits (none larger than its tokens per minute). */
  fitsAtAll(key: ModelKey, tokens: TokenSplit): boolean {
    return this.stateOf(key).meters.tooLarge(tokens) === undefined;
  }

  /**
   * Waits until `key` has room for one request of `estimatedTokens` (a number is input and output
   * together), then takes it. Rejects with the abort reason if `signal` fires first.
   */
  reserve(
    key: ModelKey,
    estimatedTokens: number | TokenSplit,
    signal?: AbortSignal,
    /** Re-reads the size while the request waits (an output allowance sized meanwhile); `granted` says what was taken. */
    resize?: () => TokenSplit,
  ): Promise<RateReservation> {
    let state: KeyState;
    let split: TokenSplit;
    try {
      split = splitOf('estimatedTokens', estimatedTokens);
      state = this.stateOf(key);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const large = state.meters.tooLarge(split);
    if (large) return Promise.reject(new RequestTooLargeError(label(key), large.requested, large.limit));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (state.queue.length === 0 && this.waitMs(state, split) === 0) {
      return Promise.resolve(this.grant(state, split));
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
        tokens: split,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
        ...(resize === undefined ? {} : { resize }),
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

  /**
   * Takes in the rate-limit headers of a response (or a 429) from `key`: limits the settings leave
   * open are set or changed to what the provider reports, and use the provider counts beyond ours
   * is held until its reset. Garbage headers are ignored; nothing here throws.
   */
  learn(key: ModelKey, headers: HeaderLookup | undefined): void {
    if (this.options.learn === false) return;
    try {
      const state = this.stateOf(key);
      const observed = parseRateLimitHeaders(headers, this.clock.now());
      const learned = observed !== undefined && state.meters.learn(observed);
      // Any answer ends the probe: what it taught (maybe that there are no limits) is all there is to know.
      if (!learned && !state.unknown) return;
      state.unknown = false;
      state.wake?.abort();
      this.didChange();
    } catch {
      // A provider's headers never break a request.
    }
  }

  /**
   * The output allowance (`max_tokens`) to send for `key`'s next turn: the configured `max` while
   * the key has no token limit (nothing to save), else sized from its recent answers (see
   * `OutputSizer`).
   */
  outputAllowance(key: ModelKey, max: number): number {
    if (this.options.learn === false) return max;
    try {
      return this.stateOf(key).meters.countsTokens ? this.outputs.allowance(label(key), max) : max;
    } catch {
      return max;
    }
  }

  /** Records a whole answer's output tokens for `outputAllowance` (not one cut at its allowance). */
  recordOutput(key: ModelKey, outputTokens: number): void {
    this.outputs.record(label(key), outputTokens);
  }

  /** Headroom of every key used so far. */
  headroom(): RateHeadroom[] {
    const now = this.clock.now();
    return [...this.states.values()].map((s) => {
      const h: RateHeadroom = { key: { ...s.key }, waiting: s.queue.length };
      const requests = s.meters.requests;
      if (requests) {
        h.rpm = requests.perMinute;
        h.requestsLeft = Math.floor(requests.available());
      }
      const tokens = s.meters.tokens;
      if (tokens) {
        h.tpm = tokens.perMinute;
        h.tokensLeft = Math.floor(tokens.available());
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
      const meters = state.meters.msUntilRecovery();
      if (meters !== undefined) next = Math.min(next, now + meters);
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
      const configured: RateLimits = {};
      if (limits.requestsPerMinute !== undefined)
        configured.requestsPerMinute = requireLimit(key, 'requestsPerMinute', limits.requestsPerMinute);
      if (limits.tokensPerMinute !== undefined)
        configured.tokensPerMinute = requireLimit(key, 'tokensPerMinute', limits.tokensPerMinute);
      state = {
        key: { provider: key.provider, model: key.model },
        meters: new KeyMeters(configured, this.clock, this.options.windowMs),
        queue: [],
        pausedUntil: 0,
        pumping: false,
        unknown:
          this.options.probeFirst === true &&
          this.options.learn !== false &&
          configured.requestsPerMinute === undefined &&
          configured.tokensPerMinute === undefined,
        probeOut: false,
      };
      this.states.set(id, state);
    }
    return state;
  }

  private waitMs(state: KeyState, tokens: TokenSplit): number {
    // The probe's answer (or its settle or release) wakes the pump; the wait is only an upper bound.
    const probe = state.unknown && state.probeOut ? PROBE_WAIT_MS : 0;
    return Math.max(0, probe, state.pausedUntil - this.clock.now(), state.meters.msUntil(tokens));
  }

  /** Serves the queue of one key in order, sleeping until its head fits; one pump per key at a time. */
  private async pump(state: KeyState): Promise<void> {
    if (state.pumping) return;
    state.pumping = true;
    try {
      for (let head = state.queue[0]; head; head = state.queue[0]) {
        if (head.resize !== undefined) {
          try {
            head.tokens = splitOf('estimatedTokens', head.resize());
          } catch {
            // A size that cannot be read keeps the one the request queued with.
          }
        }
        const wait = this.waitMs(state, head.tokens);
        if (!Number.isFinite(wait)) {
          // A limit learned after the request queued is smaller than the request: refusing beats sleeping forever.
          state.queue.shift();
          head.detach();
          const large = state.meters.tooLarge(head.tokens);
          head.reject(
            large
              ? new RequestTooLargeError(label(state.key), large.requested, large.limit)
              : new RangeError(`A request to ${label(state.key)} can never fit its rate limits.`),
          );
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

  private grant(state: KeyState, tokens: TokenSplit): RateReservation {
    const taken: KeyGrant = state.meters.take(tokens);
    const probe = state.unknown;
    if (probe) state.probeOut = true;
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
      estimatedTokens: tokens.input + tokens.output,
      granted: { ...tokens },
      settle: (actualTokens) => {
        const actual = splitOf('actualTokens', actualTokens);
        finish('settle');
        if (probe) state.unknown = false;
        taken.settle(
          typeof actualTokens === 'number'
            ? { input: Math.max(0, actualTokens - tokens.output), output: tokens.output }
            : actual,
        );
        state.wake?.abort();
        this.didChange();
      },
      answered: () => {
        if (done) return;
        taken.restamp();
      },
      release: () => {
        finish('release');
        if (probe) state.probeOut = false;
        taken.refund();
        state.wake?.abort();
        this.didChange();
      },
    };
  }
}

/** How long a request waits behind an unanswered probe at most before looking again. */
const PROBE_WAIT_MS = 60_000;
