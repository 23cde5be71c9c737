import type { Clock } from '../common/clock';
import type { DisposableLike } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import type { FailureClass } from '../model/failure';

/** closed: requests flow; open: none do until the cooldown ends; half-open: one trial request decides. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Which provider (and model) a request went to. */
export interface CircuitKey {
  provider: string;
  model?: string;
}

/** What the caller knows about a failed request beyond its class. */
export interface FailureDetail {
  /** HTTP status of the provider's answer, when there was one. */
  status?: number;
}

/** Tuning of a breaker; every field has a default. */
export interface CircuitBreakerOptions {
  /** Consecutive counted failures that open a circuit (default 5). */
  failureThreshold?: number;
  /** Those failures must all fall within this span (default 60 s), so a slow trickle never trips it. */
  windowMs?: number;
  /** How long a circuit stays open before a trial request may go (default 30 s). */
  cooldownMs?: number;
  /** Cooldown after an authentication failure (default 5 min): a bad key does not fix itself; `reset` after a new one is set. */
  authCooldownMs?: number;
  /** A trial that reports nothing for this long (default 2 min) is presumed lost, and another may go. */
  trialTimeoutMs?: number;
  /** Keep a circuit per model as well as per provider (default false: per provider only). */
  perModel?: boolean;
}

/** One circuit as seen right now. */
export interface CircuitStatus {
  /** `openai`, or `openai/gpt-4o` for a model circuit. */
  circuit: string;
  state: CircuitState;
  /** Counted failures in a row, within the window. */
  failures: number;
  /** When an open circuit lets a trial through (ms since the epoch). */
  openUntil?: number;
  /** Whether a half-open circuit's one trial request is out. */
  trialInFlight: boolean;
  /** Why it last opened. */
  reason?: string;
}

/** A circuit moved from one state to another. */
export interface CircuitChange {
  circuit: string;
  from: CircuitState;
  to: CircuitState;
  reason: string;
}

interface Circuit {
  label: string;
  state: CircuitState;
  /** Times of the current run of counted failures. */
  failures: number[];
  openUntil: number;
  trialSince?: number;
  reason?: string;
}

const SEVERITY: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Provider health for routing: a circuit opens after repeated transport-level failures so every
 * agent stops sending to a provider that is down, then lets one trial request probe it after a
 * cooldown. Only failures that say something about the provider count: a 400 is the caller's
 * fault, a 429 is the rate-limit scheduler's business, and an agent's own failure is not the model's.
 */
export class CircuitBreaker implements DisposableLike {
  private readonly circuits = new Map<string, Circuit>();
  private readonly changed = new Emitter<CircuitChange>();
  /** Fires whenever a circuit changes state. */
  readonly onDidChange: Event<CircuitChange> = this.changed.event;
  private readonly threshold: number;
  private readonly windowMs: number;
  private readonly cooldownMs: number;
  private readonly authCooldownMs: number;
  private readonly trialTimeoutMs: number;
  private readonly perModel: boolean;

  constructor(
    private readonly clock: Clock,
    options: CircuitBreakerOptions = {},
  ) {
    this.threshold = positive('failureThreshold', options.failureThreshold ?? 5, true);
    this.windowMs = positive('windowMs', options.windowMs ?? 60_000);
    this.cooldownMs = positive('cooldownMs', options.cooldownMs ?? 30_000);
    this.authCooldownMs = positive('authCooldownMs', options.authCooldownMs ?? 300_000);
    this.trialTimeoutMs = positive('trialTimeoutMs', options.trialTimeoutMs ?? 120_000);
    this.perModel = options.perModel ?? false;
  }

  /** The state that governs requests to `key`: the worst of its provider and model circuits. */
  state(key: CircuitKey): CircuitState {
    return this.status(key).state;
  }

  /** The governing circuit of `key` in detail (the worst one; the later-opening one on a tie). */
  status(key: CircuitKey): CircuitStatus {
    let worst: Circuit | undefined;
    for (const c of this.applicable(key)) {
      if (!worst || SEVERITY[c.state] > SEVERITY[worst.state] || (c.state === 'open' && c.openUntil > worst.openUntil))
        worst = c;
    }
    // applicable() always yields the provider circuit.
    const c = worst as Circuit;
    const out: CircuitStatus = {
      circuit: c.label,
      state: c.state,
      failures: c.failures.length,
      trialInFlight: c.trialSince !== undefined,
    };
    if (c.state === 'open') out.openUntil = c.openUntil;
    if (c.reason !== undefined) out.reason = c.reason;
    return out;
  }

  /** Whether a request to `key` would be let through now, without taking the half-open trial slot. */
  wouldAllow(key: CircuitKey): boolean {
    return this.applicable(key).every(allows);
  }

  /**
   * Call right before sending: true lets the request go. In half-open this takes the one trial
   * slot, so a second caller gets false until the trial reports or times out.
   */
  canRequest(key: CircuitKey): boolean {
    const circuits = this.applicable(key);
    if (!circuits.every(allows)) return false;
    const now = this.clock.now();
    for (const c of circuits) if (c.state === 'half-open') c.trialSince = now;
    return true;
  }

  /** The provider answered properly: counts reset, a half-open circuit closes. */
  recordSuccess(key: CircuitKey): void {
    for (const c of this.applicable(key)) {
      c.trialSince = undefined;
      if (c.state === 'open') continue; // a request sent before it opened proves nothing about now
      c.failures = [];
      if (c.state === 'half-open') this.move(c, 'closed', 'a trial request succeeded');
    }
  }

  /**
   * A request failed. Retryable failures count towards opening; an authentication failure (fatal
   * 401/403) opens at once; anything else (a 400, a 429, an agent's own fault) is no verdict on
   * the provider and only frees the trial slot.
   */
  recordFailure(key: CircuitKey, failureClass: FailureClass, detail: FailureDetail = {}): void {
    const now = this.clock.now();
    const status = detail.status;
    // The request has reported, so whatever trial slot it held is free; the verdict comes below.
    for (const c of this.applicable(key)) c.trialSince = undefined;
    if (failureClass === 'fatal' && (status === 401 || status === 403)) {
      // A 401 is the provider's API key, so it blocks every model there; a 403 may be one model's access.
      const c = status === 401 ? this.circuit(key.provider, undefined) : this.target(key);
      const hint = status === 401 ? 'check the API key' : 'check that the API key may use this model';
      this.open(c, now, this.authCooldownMs, `authentication failed (HTTP ${status}); ${hint}`);
      return;
    }
    if (failureClass !== 'retryable' || status === 429) return;
    const c = this.target(key);
    if (c.state === 'open') return; // a straggler sent before it opened
    if (c.state === 'half-open') {
      this.open(c, now, this.cooldownMs, 'the trial request failed');
      return;
    }
    c.failures = c.failures.filter((t) => now - t < this.windowMs);
    c.failures.push(now);
    if (c.failures.length >= this.threshold) {
      this.open(
        c,
        now,
        this.cooldownMs,
        `${c.failures.length} failures in a row within ${Math.round(this.windowMs / 1000)} s`,
      );
    }
  }

  /** Closes every circuit of `key`, e.g. after the user set a new API key. */
  reset(key: CircuitKey): void {
    for (const c of this.applicable(key)) {
      c.failures = [];
      c.trialSince = undefined;
      if (c.state !== 'closed') this.move(c, 'closed', 'reset');
    }
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** The provider circuit, then the model circuit when kept; lazily moved on by the clock. */
  private applicable(key: CircuitKey): Circuit[] {
    const out = [this.circuit(key.provider, undefined)];
    if (this.perModel && key.model) out.push(this.circuit(key.provider, key.model));
    return out;
  }

  /** The circuit that counts retryable failures of `key`. */
  private target(key: CircuitKey): Circuit {
    return this.circuit(key.provider, this.perModel ? key.model : undefined);
  }

  private circuit(provider: string, model: string | undefined): Circuit {
    if (typeof provider !== 'string' || !provider)
      throw new TypeError('A circuit key needs a non-empty provider, e.g. { provider: "openai" }.');
    const id = JSON.stringify([provider, model ?? null]);
    let c = this.circuits.get(id);
    if (!c) {
      c = { label: model ? `${provider}/${model}` : provider, state: 'closed', failures: [], openUntil: 0 };
      this.circuits.set(id, c);
    }
    const now = this.clock.now();
    if (c.state === 'open' && now >= c.openUntil) this.move(c, 'half-open', 'cooldown over');
    if (c.trialSince !== undefined && now - c.trialSince >= this.trialTimeoutMs) c.trialSince = undefined;
    return c;
  }

  private open(c: Circuit, now: number, ms: number, reason: string): void {
    c.failures = [];
    c.trialSince = undefined;
    c.openUntil = Math.max(c.state === 'open' ? c.openUntil : 0, now + ms);
    c.reason = reason;
    if (c.state !== 'open') this.move(c, 'open', reason);
  }

  private move(c: Circuit, to: CircuitState, reason: string): void {
    const from = c.state;
    c.state = to;
    if (to === 'closed') c.reason = undefined;
    this.changed.fire({ circuit: c.label, from, to, reason });
  }
}

function allows(c: Circuit): boolean {
  return c.state === 'closed' || (c.state === 'half-open' && c.trialSince === undefined);
}

function positive(name: string, value: number, integer = false): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(
      `CircuitBreaker option ${name} must be a positive ${integer ? 'whole ' : ''}number, got ${value}.`,
    );
  }
  return value;
}
