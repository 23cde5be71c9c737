// The models **Select Provider and Model** offers; free of `vscode` so it is unit-tested in Node.
import type { ModelPrice } from '../../core/llm/priceTable';
import type { ProviderEntry, ProviderTable } from '../../core/llm/providerTable';

/** A model to offer, with its list price. */
export interface ModelChoice {
  model: string;
  price: ModelPrice;
}

/**
 * The common models of a provider (its table entry, newest families first) that have a price, so
 * cost and budgets work for them; any other model is one "Other…" away.
 */
export function modelChoices(provider: ProviderEntry, providers: ProviderTable): ModelChoice[] {
  const prices = providers.priceTable();
  return provider.commonModels.flatMap((model) => {
    const price = prices.lookup(provider.id, model);
    return price ? [{ model, price }] : [];
  });
}

/** "$2.50 in · $10.00 out per million tokens". */
export function priceText(price: ModelPrice): string {
  return `$${price.input.toFixed(2)} in · $${price.output.toFixed(2)} out / 1M tokens`;
}
