import { z } from 'zod';
import type { ChatUsage } from './chatModel';

/** A model's list prices in USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cached input read; defaults to `input`. */
  cacheRead?: number;
  /** Input written to the cache (Anthropic charges 1.25× input); defaults to `input`. */
  cacheWrite?: number;
}

/** A computed cost and whether the table knew the model's price. */
export interface PricedCost {
  costUsd: number;
  /** False when neither the table nor an override knows the model: the cost is the fallback's, or 0. */
  priceKnown: boolean;
}

/** How a `PriceTable` is configured. */
export interface PriceTableOptions {
  /**
   * User prices, keyed `model` or `provider:model` (the provider-scoped key wins), normalised like
   * the built-in keys, so `gpt-4o` also covers `gpt-4o-2024-08-06`. An override replaces a built-in row.
   */
  overrides?: Record<string, ModelPrice>;
  /**
   * Price for models nobody priced. Without it an unknown model costs 0 with `priceKnown: false`:
   * right for local servers (Ollama, LM Studio), but then a money budget cannot hold for a paid
   * unknown model, so set a fallback when using one.
   */
  fallback?: ModelPrice;
}

/**
 * List prices in USD per million tokens, from the providers' pricing pages (Anthropic's as of
 * late 2026; OpenAI's for the GA models it lists). Keys are normalised model names: lower case,
 * vendor prefix and `:variant` dropped, dots as dashes, and a date or `-latest` suffix removed, so
 * `claude-sonnet-4-5-20250929` and `openai/gpt-4.1` find their rows. A model that is not listed
 * (a newer release, a preview whose price is not published, a model priced by prompt length such
 * as Haiku 5.5) is unknown on purpose rather than guessed from its family: give it an override.
 * OpenAI bills no extra for cache writes; Anthropic bills 5-minute writes at 1.25× input.
 */
const BUILT_IN: Record<string, ModelPrice> = {
  'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
  'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
  'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
  'gpt-4-1': { input: 2, output: 8, cacheRead: 0.5 },
  'gpt-4-1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
  'gpt-4-1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
  'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
  o1: { input: 15, output: 60, cacheRead: 7.5 },
  o3: { input: 2, output: 8, cacheRead: 0.5 },
  'o3-mini': { input: 1.1, output: 4.4, cacheRead: 0.55 },
  'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  'claude-fable-5': { input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5 },
  'claude-fable-5-1': { input: 10, output: 50, cacheRead: 0.25, cacheWrite: 12.5 },
  'claude-opus-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-8': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-7': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-6': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
  'claude-sonnet-4-6': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
  'claude-3-haiku': { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
};

const price = z.number().finite().nonnegative();
const modelPriceSchema = z
  .object({ input: price, output: price, cacheRead: price.optional(), cacheWrite: price.optional() })
  .strict();

/** Prices per model, with user overrides and an optional fallback for unknown models. */
export class PriceTable {
  private readonly prices = new Map<string, ModelPrice>();
  private readonly fallback: ModelPrice | undefined;

  /** Throws a `TypeError` naming the key and field of any override that is not a valid price. */
  constructor(options: PriceTableOptions = {}) {
    for (const [key, p] of Object.entries(BUILT_IN)) this.prices.set(key, p);
    for (const [key, p] of Object.entries(options.overrides ?? {}))
      this.prices.set(normaliseKey(key), checked(p, `price override "${key}"`));
    this.fallback = options.fallback === undefined ? undefined : checked(options.fallback, 'fallback price');
  }

  /** The price of `model` at `provider`, or undefined when nobody priced it. */
  lookup(provider: string, model: string): ModelPrice | undefined {
    const name = normaliseModel(model);
    return this.prices.get(`${provider.trim().toLowerCase()}:${name}`) ?? this.prices.get(name);
  }

  /** What a finished call cost: uncached input, cache reads, cache writes and output, each at its price. */
  costOf(provider: string, model: string, usage: ChatUsage): PricedCost {
    const p = this.lookup(provider, model);
    const used = p ?? this.fallback;
    if (used === undefined || usage.cached) return { costUsd: 0, priceKnown: p !== undefined };
    const read = usage.cacheReadTokens ?? 0;
    const write = usage.cacheCreationTokens ?? 0;
    const uncached = Math.max(0, usage.inputTokens - read - write);
    const micro =
      uncached * used.input +
      read * (used.cacheRead ?? used.input) +
      write * (used.cacheWrite ?? used.input) +
      usage.outputTokens * used.output;
    return { costUsd: micro / 1_000_000, priceKnown: p !== undefined };
  }

  /** The worst-case cost of a request before it is sent: every input token uncached, every output token used. */
  estimateCost(provider: string, model: string, inputTokens: number, maxOutputTokens: number): PricedCost {
    return this.costOf(provider, model, { inputTokens, outputTokens: maxOutputTokens, costUsd: 0 });
  }
}

function checked(p: ModelPrice, what: string): ModelPrice {
  const parsed = modelPriceSchema.safeParse(p);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => `${i.path.join('.') || 'price'}: ${i.message}`).join('; ');
  throw new TypeError(`Invalid ${what} (USD per million tokens, each >= 0): ${details}.`);
}

/** `OpenAI/GPT-4.1` → `gpt-4-1`; `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`; `gpt-4o:online` → `gpt-4o`. */
function normaliseModel(model: string): string {
  const last = model.trim().toLowerCase().split('/').pop() ?? '';
  const base = (last.split(':')[0] ?? '').replace(/\[[^\]]*\]$/, '').replace(/\./g, '-');
  return base.replace(/-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, '');
}

function normaliseKey(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0
    ? normaliseModel(key)
    : `${key.slice(0, colon).trim().toLowerCase()}:${normaliseModel(key.slice(colon + 1))}`;
}
