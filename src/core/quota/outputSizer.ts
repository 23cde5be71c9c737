/** How output allowances are sized from what a model's answers used. */
export interface OutputSizerOptions {
  /** Answers remembered per model; the newest win. */
  samples?: number;
  /** Answers needed before the allowance shrinks below the configured maximum. */
  minSamples?: number;
  /** The allowance is the 95th percentile times this. */
  headroom?: number;
  /** Never fewer output tokens than this. */
  floor?: number;
}

const DEFAULTS: Required<OutputSizerOptions> = { samples: 64, minSamples: 4, headroom: 1.25, floor: 64 };

/**
 * The output allowance (`max_tokens`) of a model's next turn: the 95th percentile of its recent
 * answers' output, with headroom, never above the configured maximum. A provider that counts
 * `max_tokens` when it admits a request (OpenAI), or until the answer ends (Anthropic), then
 * counts what answers use instead of the largest answer allowed. An answer cut at its allowance is
 * not recorded (its size is unknown); the full-size retry that follows it records the real one.
 */
export class OutputSizer {
  private readonly seen = new Map<string, number[]>();
  private readonly options: Required<OutputSizerOptions>;

  constructor(options: OutputSizerOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** The allowance for the next turn of `model`, between the floor and `max`. */
  allowance(model: string, max: number): number {
    const outputs = this.seen.get(model) ?? [];
    if (outputs.length < this.options.minSamples) return max;
    const sorted = [...outputs].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? max;
    return Math.max(1, Math.min(max, Math.max(this.options.floor, Math.ceil(p95 * this.options.headroom))));
  }

  /** Records one whole answer's output tokens. */
  record(model: string, outputTokens: number): void {
    const n = outputTokens;
    if (!Number.isFinite(n) || n < 0) return;
    let outputs = this.seen.get(model);
    if (outputs === undefined) this.seen.set(model, (outputs = []));
    outputs.push(n);
    if (outputs.length > this.options.samples) outputs.shift();
  }
}
