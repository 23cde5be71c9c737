import type { ExactEstimate } from '../quota/quotaGate';
import type { TaskContext } from '../task/agent';
import type { ChatModel, ChatRequest, ChatResponse } from './chatModel';
import type { PriceTable } from './priceTable';
import { isDeterministic, ResponseCache } from './responseCache';
import { countRequestTokens } from './requestTokenCount';
import { validateChatRequest } from './validateChatRequest';

/** Optional extras of one metered call. */
export interface MeteredOptions {
  /**
   * The run's exact-match cache: a deterministic request (temperature 0) asked before in this run
   * is answered locally, without touching budget or rate limits, and counted by `ctx.recordCacheHit`.
   */
  cache?: ResponseCache;
  /** Streamed text; on a cache hit it gets the whole text at once. */
  onText?: (delta: string) => void;
  /** Told when the input tokens could not be counted and the estimate was reserved instead. */
  onNote?: (message: string) => void;
}

/**
 * Sends one chat request the way agents must: through `ctx.callModel`, so the run budget and the
 * shared rate limits see it before it is sent. The reservation is the worst case (input counted by
 * the model's tokenizer or count endpoint, or bounded while the tokenizer loads, else estimated at
 * chars/4; the output allowance the gate
 * chose; priced by the table); the settlement is the usage the provider reported, with `costUsd`
 * filled in from the table and `costUnknown` set when nobody priced the model. The gate may send a
 * smaller `max_tokens` than `request.maxOutputTokens`, sized from the model's recent answers; an
 * answer cut at that smaller allowance is asked again at once with the full maximum, so the
 * sizing never fails a turn (the cut answer's text is not streamed twice: it is held back until
 * the answer is known to be whole).
 */
export async function meteredComplete(
  ctx: Pick<TaskContext, 'callModel' | 'signal' | 'recordCacheHit'>,
  model: ChatModel,
  request: ChatRequest,
  prices: PriceTable,
  options: MeteredOptions = {},
): Promise<ChatResponse> {
  validateChatRequest(request);
  const { onText } = options;
  const cache = isDeterministic(request) ? options.cache : undefined;
  await cache?.ready();
  // Hashed once: the key that missed is the key the answer is kept under.
  const cacheKey = cache === undefined ? undefined : ResponseCache.keyOf(model.provider, model.model, request);
  const hit = cacheKey === undefined ? undefined : cache?.getByKey(cacheKey);
  if (hit !== undefined) {
    ctx.recordCacheHit?.({ provider: model.provider, model: model.model });
    if (hit.text !== '') onText?.(hit.text);
    return hit;
  }
  const count = await countRequestTokens(model, request, ctx.signal);
  if (count.note !== undefined) options.onNote?.(count.note);
  const estimatedInputTokens = count.tokens;
  const estimate = prices.estimateCost(model.provider, model.model, estimatedInputTokens, request.maxOutputTokens);
  const { exact } = count;
  // A bound (the tokenizer still loads) is reserved as it is, unless a limit would refuse it: then the gate asks for this.
  const exactEstimate =
    exact === undefined
      ? undefined
      : async (): Promise<ExactEstimate> => {
          const counted = await exact();
          if (counted.note !== undefined) options.onNote?.(counted.note);
          const cost = prices.estimateCost(model.provider, model.model, counted.tokens, request.maxOutputTokens);
          return { estimatedInputTokens: counted.tokens, estimatedCostUsd: cost.costUsd };
        };
  const ask = (fullOutput: boolean): Promise<ChatResponse> =>
    ctx.callModel(
      {
        key: { provider: model.provider, model: model.model },
        estimatedInputTokens,
        maxOutputTokens: request.maxOutputTokens,
        estimatedCostUsd: estimate.costUsd,
        ...(estimate.priceKnown ? {} : { costUnknown: true }),
        ...(fullOutput ? { fullOutput } : {}),
        ...(exactEstimate === undefined ? {} : { exactEstimate }),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
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
          usage: {
            ...r.usage,
            costUsd: cost.costUsd,
            priceKnown: cost.priceKnown,
            ...(cost.priceKnown ? {} : { costUnknown: true }),
          },
        };
        return {
          value: sized && stoppedAtLimit ? { ...priced, cutShort: true } : priced,
          usage: priced.usage,
          stoppedAtLimit,
          answer: {
            ...(r.responseId === undefined ? {} : { responseId: r.responseId }),
            ...(r.responseModel === undefined ? {} : { responseModel: r.responseModel }),
            finishReason: r.finishReason ?? r.stopReason,
          },
        };
      },
    );
  let response = await ask(false);
  if ((response as CutResponse).cutShort === true) response = await ask(true);
  if (cacheKey !== undefined) cache?.setByKey(cacheKey, response);
  return response;
}

/** An answer cut at an allowance smaller than the request's maximum: asked again, never returned. */
type CutResponse = ChatResponse & { cutShort?: true };
