import type { WireAnswer } from './wireAnswer';

/** Usage the server reported in answers it sent whole, summed. */
export interface BilledUsage {
  responses: number;
  /** As the wire carried it: OpenAI `prompt_tokens`, Anthropic `input_tokens` (cache excluded). */
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
}

/** What a fake server billed, answer by answer. */
export class BillBook {
  private readonly total: BilledUsage = {
    responses: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheCreationTokens: 0,
  };

  /** Adds the usage of one answer sent whole. */
  add(usage: WireAnswer['usage']): void {
    this.total.responses++;
    this.total.inputTokens += usage.inputTokens;
    this.total.outputTokens += usage.outputTokens;
    this.total.cacheReadTokens += usage.cacheReadTokens;
    this.total.cacheCreationTokens += usage.cacheCreationTokens;
  }

  /** A copy of the sums so far. */
  get billed(): BilledUsage {
    return { ...this.total };
  }
}
