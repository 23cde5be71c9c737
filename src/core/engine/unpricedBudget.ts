import type { PriceTable } from '../llm/priceTable';
import type { RunBudgetLimits } from '../run/orchestratorPorts';
import type { EngineModels } from './engineModels';

/** How a user sets a price, for messages: the setting and the CLI flag, in USD per million tokens. */
export const HOW_TO_SET_A_PRICE =
  'set its price in USD per million tokens (the agentOrchestrator.prices setting, e.g. {"MODEL": {"input": 1.25, "output": 10}}, or the CLI flag --price MODEL=1.25/10)';

/** The models runs of this engine use that nobody priced, as `provider/model`; none for the scripted demo. */
export function unpricedModels(prices: PriceTable, models: EngineModels): string[] {
  if (models.scripted) return [];
  const refs = [`${models.provider.id}/${models.model}`, ...Object.values(models.agentModels)];
  const unpriced = refs.filter((ref) => {
    const slash = ref.indexOf('/');
    return slash > 0 && prices.lookup(ref.slice(0, slash), ref.slice(slash + 1)) === undefined;
  });
  return [...new Set(unpriced)];
}

/**
 * Why a money budget cannot hold for this engine's models (one of them has no price, so what it
 * spends could not be counted), with what to do; undefined for a token budget or priced models.
 */
export function unpricedBudgetProblem(
  prices: PriceTable,
  models: EngineModels,
  budget: RunBudgetLimits,
): string | undefined {
  if (budget.maxCostUsd === undefined) return undefined;
  const unpriced = unpricedModels(prices, models);
  if (unpriced.length === 0) return undefined;
  const names = unpriced.join(', ');
  return (
    `A money budget ($${budget.maxCostUsd}) cannot hold: no price is known for ${names}, so what it spends would not be counted. ` +
    `Nothing was sent. Either ${HOW_TO_SET_A_PRICE.replace('its price', `the price of ${names}`)}, ` +
    `or use a token budget instead (--budget-tokens N, or the agentOrchestrator.budget.maxTokens setting).`
  );
}
