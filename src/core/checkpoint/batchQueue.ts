/** One item's outcome in a batch: each caller gets its own value or error. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Gathers calls that arrive while a batch is running and serves them together in the next one, in
 * arrival order: N callers at once cost one run of `runBatch` (one set of git processes), not N.
 * Batches run one after another; a batch that throws fails only the calls it held.
 */
export class BatchQueue<I, O> {
  private pending: Array<{ input: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  private draining = false;

  constructor(private readonly runBatch: (inputs: readonly I[]) => Promise<Array<BatchOutcome<O>>>) {}

  /** Resolves with `input`'s own outcome once the batch that holds it has run. */
  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // Calls made in the same turn of the event loop (parallel tasks answered together) join the first batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0);
        let outcomes: Array<BatchOutcome<O>>;
        try {
          outcomes = await this.runBatch(batch.map((b) => b.input));
        } catch (error) {
          outcomes = batch.map(() => ({ ok: false, error }));
        }
        batch.forEach((b, i) => {
          const outcome = outcomes[i] ?? { ok: false, error: new Error('A batch returned fewer results than inputs.') };
          if (outcome.ok) b.resolve(outcome.value);
          else b.reject(outcome.error);
        });
      }
    } finally {
      this.draining = false;
    }
  }
}
