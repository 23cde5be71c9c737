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
 * input at chars/4, the output allowance the gate chose, priced by the table); the settlement is
 * the usage the provider reported, with `costUsd` filled in from the table. The gate may send a
 * smaller `max_tokens` than `request.maxOutputTokens`, sized from the model's recent answers; an
 * answer cut at that smaller allowance is asked again at once with the full maximum, so the
 * sizing never fails a turn (the cut answer's text is not streamed twice: it is held back until
 * the answer is known to be whole).
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
  const ask = (fullOutput: boolean): Promise<ChatResponse> =>
    ctx.callModel(
      {
        key: { provider: model.provider, model: model.model },
        estimatedInputTokens,
        maxOutputTokens: request.maxOutputTokens,
        estimatedCostUsd: estimate.costUsd,
        ...(fullOutput ? { fullOutput } : {}),
      },
      async (signal, turn) => {
        const max = turn?.maxOutputTokens ?? request.maxOutputTokens;
        const sized = max < request.maxOutputTokens;
        // A sized turn may be asked again, so its text is held back until it is known to be whole.
        const held: string[] = [];
        const textSink = onText === undefined ? undefined : sized ? (d: string): void => void held.push(d) : onText;
        const r = await model.complete(sized ? { ...request, maxOutputTokens: max } : request, {
          signal,
          ...(textSink === undefined ? {} : { onText: textSink }),
          ...(turn === undefined ? {} : { onHeaders: (h) => turn.observeHeaders(h) }),
        });
        const stoppedAtLimit = r.stopReason === 'max_tokens';
        if (onText !== undefined && sized && !stoppedAtLimit) for (const d of held) onText(d);
        const cost = prices.costOf(model.provider, model.model, r.usage);
        const priced: ChatResponse = {
          ...r,
          usage: { ...r.usage, costUsd: cost.costUsd, priceKnown: cost.priceKnown },
        };
        return {
          value: sized && stoppedAtLimit ? { ...priced, cutShort: true } : priced,
          usage: priced.usage,
          stoppedAtLimit,
        };
      },
    );
  let response = await ask(false);
  if ((response as CutResponse).cutShort === true) response = await ask(true);
  cache?.set(model.provider, model.model, request, response);
  return response;
}

/** An answer cut at an allowance smaller than the request's maximum: asked again, never returned. */
type CutResponse = ChatResponse & { cutShort?: true };
