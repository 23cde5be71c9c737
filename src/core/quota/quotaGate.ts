import { abortReason } from '../common/clock';
import { TaskFailure } from '../model/failure';
import type { RunEventBody } from '../model/runEvents';
import { BudgetExceededError } from './budgetExceededError';
import type { BudgetReservation, RunBudget } from './runBudget';
import type { HeaderLookup } from './rateLimitHeaders';
import type { ModelKey, RateLimitScheduler, RateReservation, TokenSplit } from './rateLimitScheduler';
import { totalTokens, type Usage } from '../model/usage';
import { taskWaitedEvent } from '../model/taskWaits';

/** One model request as the gate sees it: where it goes and the most it may use. */
export interface QuotaRequest {
  key: ModelKey;
  estimatedInputTokens: number;
  maxOutputTokens: number;
  /** Worst-case cost (input estimate plus maximum output, at the model's price). */
  estimatedCostUsd: number;
  /** Send all of `maxOutputTokens`: the retry of a turn that was cut at a smaller allowance. */
  fullOutput?: boolean;
  /** Nobody priced the model: usage recorded from the estimate is marked of unknown cost. */
  costUnknown?: boolean;
  taskId?: string;
  agentId?: string;
  /** The attempt of `taskId` the request belongs to; with both, a wait for the rate limits is recorded. */
  attempt?: number;
  /**
   * Set when `estimatedInputTokens` is only an upper bound (the tokenizer still loads): the exact
   * input and cost, asked for only when the bound alone would cross the budget or a rate limit.
   */
  exactEstimate?: () => Promise<ExactEstimate>;
}

/** A request's input tokens counted exactly, and its worst-case cost at that count. */
export interface ExactEstimate {
  estimatedInputTokens: number;
  estimatedCostUsd: number;
}

/** What the gate hands `send` for the one request it admitted. */
export interface ModelTurn {
  /** The output allowance to send as `max_tokens`: sized from the model's recent answers, or the full maximum. */
  maxOutputTokens: number;
  /** Give the response's headers (or a failed response's) here: the shared limits learn from them. */
  observeHeaders(headers: HeaderLookup | undefined): void;
}

/** What `send` returns: its value and the usage the provider reported (or an estimate of it). */
export interface Metered<T> {
  value: T;
  usage: Usage;
  /** True when the answer stopped at its output allowance (`max_tokens`). */
  stoppedAtLimit?: boolean;
}

/**
 * The single door every model request goes through: budget first (a request that would cross it
 * is never sent), then the shared rate limits, then the request; then the budget is settled with
 * the real usage, the rate limits keep the whole reservation for its minute (as the provider
 * does), and a `usage.recorded` event is emitted. The output allowance sent and reserved is the
 * scheduler's `outputAllowance` (what the model's answers use, with headroom), unless the request
 * asks for the full maximum; the response's rate-limit headers go to the scheduler.
 */
export class QuotaGate {
  constructor(
    private readonly budget: RunBudget,
    private readonly rates: RateLimitScheduler,
    private readonly emit: (body: RunEventBody) => void,
    /** The clock that times waits for the rate limits; without it none is recorded. */
    private readonly now?: () => number,
  ) {}

  /** Runs `send` once budget and rate limits allow it; throws `BudgetExceededError` without sending when the budget would be crossed. */
  async call<T>(
    request: QuotaRequest,
    send: (signal: AbortSignal, turn: ModelTurn) => Promise<Metered<T>>,
    signal: AbortSignal,
  ): Promise<Metered<T>> {
    checkRequest(request);
    const req = await this.exactWhereBoundFails(request, signal);
    // The allowance is read again when the request leaves the queue: answers seen meanwhile size it.
    const sizeNow = (): TokenSplit => ({
      input: req.estimatedInputTokens,
      output: req.fullOutput ? req.maxOutputTokens : this.rates.outputAllowance(req.key, req.maxOutputTokens),
    });
    const tokens = req.estimatedInputTokens + req.maxOutputTokens;
    let budgetRes: BudgetReservation;
    try {
      budgetRes = this.budget.reserve({ tokens, costUsd: req.estimatedCostUsd });
    } catch (err) {
      if (err instanceof BudgetExceededError) {
        const body: RunEventBody = {
          type: 'budget.exceeded',
          limit: err.limit,
          max: err.max,
          used: err.used,
          requested: err.requested,
        };
        if (req.taskId !== undefined) body.taskId = req.taskId;
        this.emit(body);
      }
      throw err;
    }

    let rateRes: RateReservation;
    const queuedAt = this.now?.();
    let admitted = false;
    try {
      rateRes = await this.rates.reserve(req.key, sizeNow(), signal, sizeNow);
      admitted = true;
      this.recordRateWait(req, queuedAt);
      if (signal.aborted) {
        rateRes.release();
        throw abortReason(signal);
      }
    } catch (err) {
      // An aborted wait ended too.
      if (!admitted) this.recordRateWait(req, queuedAt);
      budgetRes.release();
      throw err;
    }

    const split = rateRes.granted;
    const allowance = split.output;
    let result: Metered<T>;
    try {
      result = await send(signal, {
        maxOutputTokens: allowance,
        observeHeaders: (headers) => {
          rateRes.answered();
          this.rates.learn(req.key, headers);
        },
      });
    } catch (err) {
      budgetRes.release();
      // The request reached the server, so its tokens count against the limit as estimated.
      rateRes.settle(split);
      if (err instanceof TaskFailure && err.options.retryAfterMs !== undefined && err.options.retryAfterMs > 0) {
        this.rates.pauseFor(req.key, err.options.retryAfterMs);
      }
      throw err;
    }

    const usage = meteredUsage(result.usage, req);
    budgetRes.settle(usage);
    rateRes.settle({ input: usage.inputTokens, output: usage.outputTokens });
    // A turn cut at a sized allowance says nothing of its real size; its full-size retry will.
    const cut = result.stoppedAtLimit === true && allowance < req.maxOutputTokens;
    if (!usage.estimated && !cut) this.rates.recordOutput(req.key, usage.outputTokens);
    const recorded: RunEventBody = {
      type: 'usage.recorded',
      provider: req.key.provider,
      model: req.key.model,
      usage: { ...usage },
    };
    if (req.taskId !== undefined) recorded.taskId = req.taskId;
    if (req.agentId !== undefined) recorded.agentId = req.agentId;
    this.emit(recorded);
    return { value: result.value, usage };
  }

  /**
   * The request as it will be admitted: an upper-bound estimate stands when it fits the budget and
   * the rate limits (a conservative reservation, settled with the real usage); otherwise the exact
   * count replaces it, so the bound never refuses a request the exact count lets through.
   */
  private async exactWhereBoundFails(req: QuotaRequest, signal: AbortSignal): Promise<QuotaRequest> {
    const { exactEstimate, ...rest } = req;
    if (exactEstimate === undefined) return req;
    const tokens = { input: req.estimatedInputTokens, output: req.maxOutputTokens };
    const fits =
      this.budget.fits({ tokens: tokens.input + tokens.output, costUsd: req.estimatedCostUsd }) &&
      this.rates.fitsAtAll(req.key, tokens);
    if (fits) return rest;
    const exact = await exactEstimate();
    if (signal.aborted) throw abortReason(signal);
    const refined = { ...rest, ...exact };
    checkRequest(refined);
    return refined;
  }

  /** Records an answer served from the run's response cache: a hit in the usage, no tokens, no cost, nothing reserved. */
  recordCacheHit(key: ModelKey, taskId?: string, agentId?: string): void {
    const recorded: RunEventBody = {
      type: 'usage.recorded',
      provider: key.provider,
      model: key.model,
      usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, cacheHits: 1 },
    };
    if (taskId !== undefined) recorded.taskId = taskId;
    if (agentId !== undefined) recorded.agentId = agentId;
    this.emit(recorded);
  }

  private recordRateWait(req: QuotaRequest, queuedAt: number | undefined): void {
    if (queuedAt === undefined || !this.now || req.taskId === undefined || req.attempt === undefined) return;
    const detail = `${req.key.provider}/${req.key.model}`;
    const event = taskWaitedEvent(req.taskId, req.attempt, 'rateLimit', queuedAt, this.now(), detail);
    if (event) this.emit(event);
  }
}

/**
 * The usage to record. Reported usage is taken as is; usage the provider did not report and that
 * came back as zero falls back to the request's worst case, because unknown usage is never free.
 */
function meteredUsage(reported: Usage | undefined, req: QuotaRequest): Usage {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  const valid = reported !== undefined && ok(reported.inputTokens) && ok(reported.outputTokens) && ok(reported.costUsd);
  if (valid && !(reported.estimated && totalTokens(reported) === 0)) {
    const u: Usage = {
      inputTokens: reported.inputTokens,
      outputTokens: reported.outputTokens,
      costUsd: reported.costUsd,
    };
    if (reported.estimated) u.estimated = true;
    if (reported.costUnknown) u.costUnknown = true;
    return u;
  }
  return {
    inputTokens: req.estimatedInputTokens,
    outputTokens: req.maxOutputTokens,
    costUsd: req.estimatedCostUsd,
    estimated: true,
    ...(req.costUnknown ? { costUnknown: true } : {}),
  };
}

function checkRequest(req: QuotaRequest): void {
  for (const name of ['estimatedInputTokens', 'maxOutputTokens', 'estimatedCostUsd'] as const) {
    const v = req[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`QuotaGate request ${name} must be a finite number >= 0, got ${String(v)}.`);
    }
  }
}
