import type { Clock } from '../common/clock';
import type { ObservedLimit, ObservedRateLimits } from './rateLimitHeaders';
import { RATE_WINDOW_MS, RateMeter, type MeterGrant } from './rateMeter';

/** A request's tokens as providers count them: Anthropic meters input and output apart. */
export interface TokenSplit {
  input: number;
  output: number;
}

/** A model's limits from the settings; an absent field means no limit (or one learned from the provider). */
export interface ConfiguredLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** One grant across every meter of a key. */
export interface KeyGrant {
  /** Records real use: more than granted is added, less changes nothing. */
  settle(actual: TokenSplit): void;
  refund(): void;
  /** The response has arrived: count the grant from now (see `RateReservation.answered`). */
  restamp(): void;
}

/** The meters of one key, by what they count. */
type MeterName = 'requests' | 'tokens' | 'inputTokens' | 'outputTokens';

interface RecentGrant {
  at: number;
  input: number;
  output: number;
}

const CONFIGURED: Partial<Record<MeterName, keyof ConfiguredLimits>> = {
  requests: 'requestsPerMinute',
  tokens: 'tokensPerMinute',
};

/**
 * The meters of one provider/model: requests, tokens (input plus output), and Anthropic's input
 * and output tokens apart. A meter exists when the settings give its limit or the provider
 * reported one; a limit from the settings is never changed by what the provider reports. Grants
 * of the last window are remembered, so a meter learned later starts with what was already sent.
 */
export class KeyMeters {
  private readonly meters: Partial<Record<MeterName, RateMeter>> = {};
  private readonly recent: RecentGrant[] = [];
  private readonly windowMs: number;

  constructor(
    private readonly configured: ConfiguredLimits,
    private readonly clock: Clock,
    windowMs: number | undefined,
  ) {
    this.windowMs = windowMs ?? RATE_WINDOW_MS;
    if (configured.requestsPerMinute !== undefined) this.add('requests', configured.requestsPerMinute);
    if (configured.tokensPerMinute !== undefined) this.add('tokens', configured.tokensPerMinute);
  }

  /** The requests meter's limit and what is left, for headroom. */
  get requests(): RateMeter | undefined {
    return this.meters.requests;
  }

  /** The token meter's limit and what is left (for Anthropic keys, the tighter of input and output). */
  get tokens(): RateMeter | undefined {
    return this.meters.tokens ?? this.tighter(this.meters.inputTokens, this.meters.outputTokens);
  }

  /** Whether any token limit applies, so output allowances are worth sizing. */
  get countsTokens(): boolean {
    return this.meters.tokens !== undefined || this.meters.outputTokens !== undefined;
  }

  /** The first limit `split` exceeds on its own (it could never be sent), or undefined. */
  tooLarge(split: TokenSplit): { requested: number; limit: number } | undefined {
    for (const [name, amount] of this.amounts(split)) {
      const meter = this.meters[name];
      if (meter !== undefined && amount > meter.perMinute) return { requested: amount, limit: meter.perMinute };
    }
    return undefined;
  }

  /** Milliseconds until `split` fits every meter; Infinity when it never will. */
  msUntil(split: TokenSplit): number {
    let wait = 0;
    for (const [name, amount] of this.amounts(split)) wait = Math.max(wait, this.meters[name]?.msUntil(amount) ?? 0);
    return wait;
  }

  /** Milliseconds until some meter's headroom grows by itself; undefined when none recovers. */
  msUntilRecovery(): number | undefined {
    let next: number | undefined;
    for (const meter of Object.values(this.meters)) {
      const ms = meter.msUntilRecovery();
      if (ms !== undefined) next = Math.min(next ?? Infinity, ms);
    }
    return next;
  }

  /** Takes `split` on every meter now. */
  take(split: TokenSplit): KeyGrant {
    const at = this.clock.now();
    const grants: Array<[MeterName, MeterGrant]> = [];
    for (const [name, amount] of this.amounts(split)) {
      const meter = this.meters[name];
      if (meter !== undefined) grants.push([name, meter.take(amount)]);
    }
    const recent: RecentGrant = { at, input: split.input, output: split.output };
    this.prune();
    this.recent.push(recent);
    return {
      settle: (actual) => {
        recent.input = Math.max(recent.input, actual.input);
        recent.output = Math.max(recent.output, actual.output);
        const amounts = new Map(this.amounts(actual));
        for (const [name, grant] of grants) grant.settle(amounts.get(name) ?? 0);
      },
      refund: () => {
        for (const [, grant] of grants) grant.refund();
        const i = this.recent.indexOf(recent);
        if (i >= 0) this.recent.splice(i, 1);
      },
      restamp: () => {
        for (const [, grant] of grants) grant.restamp();
        const i = this.recent.indexOf(recent);
        if (i >= 0) {
          this.recent.splice(i, 1);
          recent.at = Math.max(recent.at, this.clock.now());
          this.recent.push(recent);
        }
      },
    };
  }

  /**
   * Takes in what a provider reported: a limit the settings leave open is set (or changed) to the
   * reported one, and use the provider counts beyond what a meter admitted is held as outside use
   * until the provider's reset (see `reconcile`). Returns true when anything changed.
   */
  learn(observed: ObservedRateLimits): boolean {
    let changed = false;
    for (const name of ['requests', 'tokens', 'inputTokens', 'outputTokens'] as const) {
      const o = observed[name];
      if (o === undefined) continue;
      const setting = CONFIGURED[name];
      const fixed = setting !== undefined && this.configured[setting] !== undefined;
      if (!fixed && o.limit !== undefined) {
        const meter = this.meters[name];
        if (meter === undefined) {
          this.add(name, o.limit);
          changed = true;
        } else if (meter.perMinute !== o.limit) {
          meter.resize(o.limit);
          changed = true;
        }
      }
      changed = this.reconcile(name, o) || changed;
    }
    return changed;
  }

  /**
   * The provider said `limit - remaining` was used when it admitted the request. Whatever of that
   * this meter did not admit itself (another process on the same key, a run a moment ago, a prompt
   * the provider counts larger than our estimate) is held as one outside-use entry until the
   * provider's reset. Grants sent after that request are in our count but not yet in the
   * provider's, so this is a lower bound of outside use: it never double-counts our own requests.
   */
  private reconcile(name: MeterName, o: ObservedLimit): boolean {
    const meter = this.meters[name];
    if (meter === undefined || o.limit === undefined || o.remaining === undefined) return false;
    const providerUsed = Math.max(0, o.limit - o.remaining);
    meter.noteOutsideUse(0, 0);
    const outside = providerUsed - meter.used();
    meter.noteOutsideUse(outside, o.resetMs ?? this.windowMs);
    return outside > 0;
  }

  private add(name: MeterName, perMinute: number): void {
    const meter = new RateMeter(perMinute, this.clock, this.windowMs);
    this.prune();
    // A meter learned now counts what was already sent in its window, as the provider does.
    for (const g of this.recent) {
      const amount = this.amountsOf(g)[name];
      if (amount > 0 && amount <= perMinute) meter.take(amount, g.at);
    }
    this.meters[name] = meter;
  }

  private amounts(split: TokenSplit): Array<[MeterName, number]> {
    return Object.entries(this.amountsOf(split)) as Array<[MeterName, number]>;
  }

  private amountsOf(split: TokenSplit): Record<MeterName, number> {
    return { requests: 1, tokens: split.input + split.output, inputTokens: split.input, outputTokens: split.output };
  }

  private prune(): void {
    const cutoff = this.clock.now() - this.windowMs;
    while ((this.recent[0]?.at ?? Infinity) <= cutoff) this.recent.shift();
  }

  private tighter(a: RateMeter | undefined, b: RateMeter | undefined): RateMeter | undefined {
    if (a === undefined || b === undefined) return a ?? b;
    return a.available() / a.perMinute <= b.available() / b.perMinute ? a : b;
  }
}
