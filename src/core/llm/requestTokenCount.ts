import { abortReason } from '../common/clock';
import { errorMessage } from '../common/errors';
import type { ChatModel, ChatRequest } from './chatModel';
import { estimateRequestTokens } from './tokenEstimate';

/** A request's input tokens and how they were found. */
export interface RequestTokenCount {
  tokens: number;
  /**
   * `counted` by the model's tokenizer or count endpoint; `estimated` at chars/4 when it has none or
   * counting failed; `bound`: an upper bound given at once while the tokenizer loads (see `exact`).
   */
  source: 'counted' | 'estimated' | 'bound';
  /** Why counting failed, when it did: worth a log line, never a failed run. */
  note?: string;
  /** With `bound`: the count the model's own way, for a limit the bound alone would cross (waits for the tokenizer). */
  exact?: () => Promise<RequestTokenCount>;
}

// One count per request object and model: the agent's turn-limit check and the metered call ask for
// the same request, and an Anthropic count is an HTTP round trip.
const counted = new WeakMap<ChatRequest, Map<ChatModel, Promise<RequestTokenCount>>>();

/**
 * The input tokens a request will use, counted the model's own way (`ChatModel.countTokens`), or
 * the chars/4 estimate when the model cannot count or counting fails: counting never blocks a run.
 * While the model's tokenizer still loads, its upper bound (`ChatModel.tokenBound`) answers at once,
 * with the exact count one call away for a check the bound alone would fail.
 * An abort of `signal` still rejects, so a cancelled task does not go on to send.
 */
export function countRequestTokens(
  model: ChatModel,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<RequestTokenCount> {
  let byModel = counted.get(request);
  if (byModel === undefined) counted.set(request, (byModel = new Map()));
  let count = byModel.get(model);
  if (count === undefined) {
    const bound = model.tokenBound?.(request);
    if (bound !== undefined && Number.isFinite(bound) && bound >= 0) {
      // Kept for this request (the turn-limit check and the metered call of one turn share it); a
      // later request is a new object, so once the tokenizer has loaded it counts exactly.
      let exact: Promise<RequestTokenCount> | undefined;
      count = Promise.resolve({
        tokens: Math.max(1, Math.ceil(bound)),
        source: 'bound',
        exact: () => (exact ??= countNow(model, request, signal)),
      });
      byModel.set(model, count);
      return count;
    }
    count = countNow(model, request, signal);
    byModel.set(model, count);
    // A failed or aborted count is not kept: the next ask tries again.
    count.then(
      (c) => void (c.note === undefined ? undefined : byModel.delete(model)),
      () => void byModel.delete(model),
    );
  }
  return count;
}

async function countNow(model: ChatModel, request: ChatRequest, signal: AbortSignal): Promise<RequestTokenCount> {
  const estimate = (): number => estimateRequestTokens(request);
  if (model.countTokens === undefined) return { tokens: estimate(), source: 'estimated' };
  try {
    const tokens = await model.countTokens(request, signal);
    if (tokens === undefined) return { tokens: estimate(), source: 'estimated' };
    if (!Number.isFinite(tokens) || tokens < 0) throw new Error(`the count was ${String(tokens)}`);
    return { tokens: Math.max(1, Math.ceil(tokens)), source: 'counted' };
  } catch (err) {
    if (signal.aborted) throw abortReason(signal);
    return {
      tokens: estimate(),
      source: 'estimated',
      note: `Could not count the input tokens for ${model.provider}/${model.model} (${errorMessage(err)}); reserved the estimate (about four characters a token) instead.`,
    };
  }
}
