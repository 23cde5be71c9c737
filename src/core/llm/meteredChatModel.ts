import type { TaskContext } from '../task/agent';
import type { ChatModel, ChatRequest, ChatResponse } from './chatModel';
import type { PriceTable } from './priceTable';
import type { ResponseCache } from './responseCache';
import { estimateRequestTokens } from './tokenEstimate';
import { validateChatRequest } from './validateChatRequest';

/** Optional extras of one metered call. */
export interface MeteredOptions {
  /** Opt-in exact-match cache: a hit is answered locally without touching budget or rate limits. */
  cache?: ResponseCache;
  /** Streamed text; on a cache hit it gets the whole text at once. */
  onText?: (delta: string) => void;
}

/**
 * Sends one chat request the way agents must: through `ctx.callModel`, so the run budget and the
 * shared rate limits see it before it is sent. The reservation is the worst case (estimated
 * input at chars/4, all of `maxOutputTokens`, priced by the table); the settlement is the usage
 * the provider reported, with `costUsd` filled in from the table.
 */
export async function meteredComplete(
  ctx: Pick<TaskContext, 'callModel' | 'signal'>,
  model: ChatModel,
  request: ChatRequest,
  prices: PriceTable,
  options: MeteredOptions = {},
): Promise<ChatResponse> {
  validateChatRequest(request);
  const { cache, onText } = options;
  const hit = cache?.get(model.provider, model.model, request);
  if (hit !== undefined) {
    if (hit.text !== '') onText?.(hit.text);
    return hit;
  }
  const estimatedInputTokens = estimateRequestTokens(request);
  const estimate = prices.estimateCost(model.provider, model.model, estimatedInputTokens, request.maxOutputTokens);
  const response = await ctx.callModel(
    {
      key: { provider: model.provider, model: model.model },
      estimatedInputTokens,
      maxOutputTokens: request.maxOutputTokens,
      estimatedCostUsd: estimate.costUsd,
    },
    async (signal) => {
      const r = await model.complete(request, onText === undefined ? { signal } : { signal, onText });
      const cost = prices.costOf(model.provider, model.model, r.usage);
      const priced: ChatResponse = { ...r, usage: { ...r.usage, costUsd: cost.costUsd, priceKnown: cost.priceKnown } };
      return { value: priced, usage: priced.usage };
    },
  );
  cache?.set(model.provider, model.model, request, response);
  return response;
}
