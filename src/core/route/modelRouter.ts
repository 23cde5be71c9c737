import { z } from 'zod';
import type { Clock } from '../common/clock';
import type { FailureClass } from '../model/failure';
import type { RateHeadroom } from '../quota/rateLimitScheduler';
import type { CircuitBreaker, CircuitStatus } from './circuitBreaker';
import { formatModelRef, parseModelRef, type ModelRef } from './modelRef';
import { lazySchema } from '../common/lazySchema';

/** Cost tiers from cheapest to dearest; the order is what "at most" compares. */
export const COST_TIERS = ['low', 'standard', 'premium'] as const;

/** How expensive a model is, coarsely. */
export type CostTier = (typeof COST_TIERS)[number];

/** One model the router may pick, as configured. */
export const ModelEntrySchema = lazySchema(() =>
  z.object({
    provider: z.string().regex(/^[^/\s]+$/, 'a provider name is non-empty, without "/" or spaces'),
    model: z.string().regex(/^\S+$/, 'a model name is non-empty, without spaces'),
    costTier: z.enum(COST_TIERS),
    /** Largest prompt plus answer the model takes, in tokens; absent means unknown (assumed to fit). */
    contextWindow: z.number().int().positive().optional(),
    /** Features such as `tools` or `json` that a request may need. */
    capabilities: z.array(z.string().min(1)).optional(),
  }),
);

/** One model the router may pick. */
export type ModelEntry = z.output<typeof ModelEntrySchema>;

/** What one request needs from a model. */
export interface RouteRequest {
  /** The agent's preferred models, best first, as `provider/model`. */
  preferred?: readonly string[];
  /** The dearest tier allowed; absent allows every tier. */
  costTier?: CostTier;
  /** Capabilities the model must have, e.g. `tools`. */
  needs?: readonly string[];
  /** Prompt plus expected answer, in tokens; checked against context windows and token headroom. */
  estimatedTokens?: number;
  /** Models (`provider/model`) or whole providers (`provider`) not to use, e.g. ones that already failed. */
  exclude?: readonly string[];
}

/** The models to try for a request, and why. */
export interface RouteChoice {
  /** Best first; the rest is the fallback order. Never empty. */
  chain: ModelEntry[];
  /** One line per model considered: its place in the chain, or why it was left out. */
  reasons: string[];
}

/** What the router reads from provider health; `CircuitBreaker` provides it. */
export type CircuitView = Pick<CircuitBreaker, 'status' | 'wouldAllow'>;

/** The router's collaborators. */
export interface ModelRouterOptions {
  catalogue: readonly ModelEntry[];
  breaker: CircuitView;
  /** Rate-limit headroom per model, e.g. `RateLimitScheduler.headroom`; absent means never short. */
  headroom?: () => RateHeadroom[];
  clock: Clock;
}

/** Thrown when every model was excluded; `exclusions` says why for each. */
export class NoModelAvailableError extends Error {
  override readonly name = 'NoModelAvailableError';

  constructor(
    message: string,
    /** Each model left out and why, e.g. `{ model: 'openai/gpt-4o', reason: "lacks 'tools'" }`. */
    readonly exclusions: ReadonlyArray<{ model: string; reason: string }>,
  ) {
    super(message);
  }
}

interface Candidate {
  entry: ModelEntry;
  why: string;
}

const MAX_LISTED = 10;

/**
 * Picks the model for each request: the agent's preferences first, then the catalogue as fallback,
 * within the allowed cost tier, without models whose circuit is open or that lack what the request
 * needs, and with models that have no rate-limit headroom moved to the end rather than dropped,
 * since waiting for a good model can still beat a worse one.
 */
export class ModelRouter {
  private readonly catalogue: ModelEntry[];
  private readonly breaker: CircuitView;
  private readonly headroom: () => RateHeadroom[];
  private readonly clock: Clock;

  constructor(options: ModelRouterOptions) {
    this.catalogue = validateCatalogue(options.catalogue);
    this.breaker = options.breaker;
    this.headroom = options.headroom ?? (() => []);
    this.clock = options.clock;
  }

  /** The chain of models to try for `request`; throws `NoModelAvailableError` when none is usable. */
  choose(request: RouteRequest = {}): RouteChoice {
    const maxTier = request.costTier === undefined ? COST_TIERS.length - 1 : tierIndex(request.costTier);
    const tokens = request.estimatedTokens;
    if (tokens !== undefined && !(Number.isFinite(tokens) && tokens >= 0)) {
      throw new RangeError(`estimatedTokens must be a number >= 0, got ${tokens}.`);
    }
    const exclusions: Array<{ model: string; reason: string }> = [];
    const candidates: Candidate[] = [];
    const seen = new Set<string>();

    for (const [i, ref] of (request.preferred ?? []).entries()) {
      const parsed = parseModelRef(ref);
      const entry = parsed && this.find(parsed);
      if (!entry) {
        exclusions.push({
          model: ref,
          reason: parsed ? 'is not in the model catalogue' : 'is not of the form "provider/model"',
        });
      } else if (!seen.has(ref)) {
        seen.add(ref);
        candidates.push({ entry, why: `preferred #${i + 1}` });
      }
    }
    const anchor = candidates[0] ? tierIndex(candidates[0].entry.costTier) : 0;
    // Without a preference the cheapest tier goes first; with one, the tiers nearest the
    // preferred model's, since a fallback should be as capable as what the agent asked for.
    const rest = this.catalogue
      .map((entry, order) => ({ entry, order, tier: tierIndex(entry.costTier) }))
      .filter((c) => !seen.has(formatModelRef(c.entry)))
      .sort((a, b) => Math.abs(a.tier - anchor) - Math.abs(b.tier - anchor) || a.tier - b.tier || a.order - b.order);
    for (const c of rest) candidates.push({ entry: c.entry, why: `fallback (${c.entry.costTier} tier)` });

    const usable: Candidate[] = [];
    for (const c of candidates) {
      const reason = this.exclusion(c.entry, request, maxTier);
      if (reason === undefined) usable.push(c);
      else exclusions.push({ model: formatModelRef(c.entry), reason });
    }

    const short = this.shortOfHeadroom(tokens);
    const ready: Candidate[] = [];
    const later: Candidate[] = [];
    for (const c of usable) {
      const lack = short.get(keyOf(c.entry));
      if (lack === undefined) ready.push(c);
      else later.push({ entry: c.entry, why: `${c.why}; moved to the end: ${lack}` });
    }
    const chain = [...ready, ...later];
    if (chain.length === 0) throw noModel(exclusions, this.catalogue.length);
    const reasons = [
      ...chain.map((c) => `${formatModelRef(c.entry)}: ${c.why}`),
      ...exclusions.map((e) => `${e.model}: excluded (${e.reason})`),
    ];
    return { chain: chain.map((c) => c.entry), reasons };
  }

  /**
   * The entry to fall back to after `failed` failed with `failureClass`, or undefined when there is
   * none or a different model would not help: `needs-human` waits for a person and `reassign` blames
   * the agent, not the model. Circuits are looked at again, since the failure may just have opened one.
   */
  next(chain: readonly ModelEntry[], failed: ModelEntry, failureClass: FailureClass): ModelEntry | undefined {
    if (failureClass === 'needs-human' || failureClass === 'reassign') return undefined;
    const failedKey = keyOf(failed);
    const at = chain.findIndex((e) => keyOf(e) === failedKey);
    for (const entry of chain.slice(at + 1)) {
      if (keyOf(entry) !== failedKey && this.breaker.wouldAllow(entry)) return entry;
    }
    return undefined;
  }

  private find(ref: ModelRef): ModelEntry | undefined {
    return this.catalogue.find((e) => e.provider === ref.provider && e.model === ref.model);
  }

  /** Why `entry` cannot serve `request`, cheapest checks first; undefined when it can. */
  private exclusion(entry: ModelEntry, request: RouteRequest, maxTier: number): string | undefined {
    const ref = formatModelRef(entry);
    if (request.exclude?.some((x) => x === ref || x === entry.provider)) return 'was excluded by the caller';
    if (tierIndex(entry.costTier) > maxTier)
      return `costs '${entry.costTier}', above the allowed '${COST_TIERS[maxTier]}'`;
    const missing = (request.needs ?? []).filter((n) => !entry.capabilities?.includes(n));
    if (missing.length > 0) return `lacks ${missing.map((m) => `'${m}'`).join(', ')}`;
    const tokens = request.estimatedTokens;
    if (tokens !== undefined && entry.contextWindow !== undefined && tokens > entry.contextWindow) {
      return `has a context window of ${entry.contextWindow} tokens, ${tokens} estimated`;
    }
    if (!this.breaker.wouldAllow(entry)) return this.circuitReason(this.breaker.status(entry));
    return undefined;
  }

  private circuitReason(s: CircuitStatus): string {
    const why = s.reason ? `: ${s.reason}` : '';
    if (s.state === 'open' && s.openUntil !== undefined) {
      return `circuit open until ${this.at(s.openUntil)}${why}`;
    }
    return `circuit half-open, its trial request is still out${why}`;
  }

  /** Models without room for the request now, with what they lack. */
  private shortOfHeadroom(tokens: number | undefined): Map<string, string> {
    const now = this.clock.now();
    const short = new Map<string, string>();
    for (const h of this.headroom()) {
      let lack: string | undefined;
      if (h.pausedUntil !== undefined && h.pausedUntil > now) lack = `rate-limited until ${this.at(h.pausedUntil)}`;
      else if (h.requestsLeft !== undefined && h.requestsLeft < 1) lack = 'no requests left this minute';
      else if (h.tokensLeft !== undefined && h.tokensLeft < Math.max(1, tokens ?? 0)) {
        lack = `${h.tokensLeft} tokens left this minute${tokens === undefined ? '' : `, ${tokens} estimated`}`;
      } else if (h.waiting > 0) lack = `${h.waiting} request(s) already queued`;
      if (lack !== undefined) short.set(keyOf(h.key), lack);
    }
    return short;
  }

  /** A moment as a UTC wall time plus how far off it is, e.g. `12:00:30 UTC (in 25 s)`. */
  private at(ms: number): string {
    const inS = Math.max(0, Math.ceil((ms - this.clock.now()) / 1000));
    return `${new Date(ms).toISOString().slice(11, 19)} UTC (in ${inS} s)`;
  }
}

function tierIndex(tier: CostTier): number {
  const i = COST_TIERS.indexOf(tier);
  if (i < 0) throw new RangeError(`Unknown cost tier "${String(tier)}"; use one of ${COST_TIERS.join(', ')}.`);
  return i;
}

function keyOf(ref: ModelRef): string {
  return JSON.stringify([ref.provider, ref.model]);
}

function validateCatalogue(catalogue: readonly ModelEntry[]): ModelEntry[] {
  const out: ModelEntry[] = [];
  const seen = new Set<string>();
  catalogue.forEach((raw, i) => {
    const parsed = ModelEntrySchema.safeParse(raw);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((x) => `field "${x.path.join('.') || 'entry'}": ${x.message}`).join('; ');
      throw new TypeError(`Model catalogue entry ${i + 1}: ${detail}`);
    }
    const ref = formatModelRef(parsed.data);
    if (seen.has(keyOf(parsed.data)))
      throw new TypeError(`Model catalogue entry ${i + 1}: ${ref} is listed twice; keep one entry per model.`);
    seen.add(keyOf(parsed.data));
    out.push(parsed.data);
  });
  return out;
}

function noModel(
  exclusions: ReadonlyArray<{ model: string; reason: string }>,
  catalogueSize: number,
): NoModelAvailableError {
  if (exclusions.length === 0) {
    const why =
      catalogueSize === 0
        ? 'the model catalogue is empty and no model is preferred; configure at least one model'
        : 'no model was considered';
    return new NoModelAvailableError(`No model available: ${why}.`, exclusions);
  }
  const listed = exclusions.slice(0, MAX_LISTED).map((e) => `${e.model} ${e.reason}`);
  if (exclusions.length > MAX_LISTED) listed.push(`and ${exclusions.length - MAX_LISTED} more`);
  return new NoModelAvailableError(`No model available: ${listed.join('; ')}.`, exclusions);
}
