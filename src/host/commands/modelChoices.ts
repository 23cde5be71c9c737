// The models **Select Provider and Model** offers; free of `vscode` so it is unit-tested in Node.
import { PriceTable, type ModelPrice } from '../../core/llm/priceTable';

/**
 * Common models per provider, newest families first. Only the ones the price table knows are
 * offered (so cost and budgets work for them); any other model is one "Other…" away.
 */
const COMMON_MODELS: Readonly<Record<'openai' | 'anthropic', readonly string[]>> = Object.freeze({
  openai: [
    'gpt-5',
    'gpt-5-mini',
    'gpt-5-nano',
    'gpt-4.1',
    'gpt-4.1-mini',
    'gpt-4.1-nano',
    'gpt-4o',
    'gpt-4o-mini',
    'o3',
    'o4-mini',
    'o3-mini',
  ],
  anthropic: [
    'claude-opus-5',
    'claude-sonnet-5',
    'claude-opus-4-8',
    'claude-sonnet-4-6',
    'claude-haiku-4-5',
    'claude-3-5-haiku',
  ],
});

/** A model to offer, with its list price. */
export interface ModelChoice {
  model: string;
  price: ModelPrice;
}

/** The priced common models of a provider. */
export function modelChoices(provider: 'openai' | 'anthropic', prices: PriceTable = new PriceTable()): ModelChoice[] {
  return COMMON_MODELS[provider].flatMap((model) => {
    const price = prices.lookup(provider, model);
    return price ? [{ model, price }] : [];
  });
}

/** "$2.50 in · $10.00 out per million tokens". */
export function priceText(price: ModelPrice): string {
  return `$${price.input.toFixed(2)} in · $${price.output.toFixed(2)} out / 1M tokens`;
}
