import { z } from 'zod';
import type { ChatUsage } from './chatModel';
import { lazySchema } from '../common/lazySchema';

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
  /**
   * The list prices, keyed like overrides; `ProviderTable.priceTable()` fills them from the
   * provider entries. Without them only overrides and the fallback price anything.
   */
  builtIn?: Record<string, ModelPrice>;
  /** Providers priced only by `provider:model` rows: a bare `model` row never prices their models. */
  scopedOnly?: readonly string[];
}

const price = lazySchema(() => z.number().finite().nonnegative());
/** A price as settings, flags and price files write it: USD per million tokens, each >= 0. */
export const modelPriceSchema = lazySchema(() =>
  z.object({ input: price, output: price, cacheRead: price.optional(), cacheWrite: price.optional() }).strict(),
);

/** Prices per model, with user overrides and an optional fallback for unknown models. */
export class PriceTable {
  private readonly prices = new Map<string, ModelPrice>();
  private readonly fallback: ModelPrice | undefined;
  private readonly scopedOnly: ReadonlySet<string>;

  /** Throws a `TypeError` naming the key and field of any override that is not a valid price. */
  constructor(options: PriceTableOptions = {}) {
    for (const [key, p] of Object.entries(options.builtIn ?? {})) this.prices.set(normaliseKey(key), p);
    const overrides = Object.entries(options.overrides ?? {}).map(([key, p]) => ({
      name: normaliseKey(key),
      price: checked(p, `price override "${key}"`),
    }));
    // Bare `model` overrides first: each replaces that model's list price under every provider too;
    // then `provider:model` overrides, which win over them.
    for (const { name, price } of overrides.filter((o) => !o.name.includes(':'))) {
      this.prices.set(name, price);
      for (const key of this.prices.keys()) if (key.endsWith(`:${name}`)) this.prices.set(key, price);
    }
    for (const { name, price } of overrides.filter((o) => o.name.includes(':'))) this.prices.set(name, price);
    this.fallback = options.fallback === undefined ? undefined : checked(options.fallback, 'fallback price');
    this.scopedOnly = new Set((options.scopedOnly ?? []).map((id) => id.trim().toLowerCase()));
  }

  /** The price of `model` at `provider`, or undefined when nobody priced it. */
  lookup(provider: string, model: string): ModelPrice | undefined {
    const name = normaliseModel(model);
    const id = provider.trim().toLowerCase();
    const scoped = this.prices.get(`${id}:${name}`);
    return scoped ?? (this.scopedOnly.has(id) ? undefined : this.prices.get(name));
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
