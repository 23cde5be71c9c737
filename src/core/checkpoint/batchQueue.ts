/** One item's outcome in a batch: each caller gets its own value or error. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/** What a running batch sees of the calls waiting for it. */
export interface OpenBatch<I> {
  /** The calls waiting so far, without closing the batch (for work any member will need). */
  peek(): readonly I[];
  /** Closes the batch and returns its members in arrival order; calls made later wait for the next batch. */
  close(): readonly I[];
}

/**
 * Serves calls in batches, one batch at a time: a batch first does the work that does not depend on
 * its members, then closes, so every call made meanwhile joins it. N callers at once cost one run
 * of `runBatch` (one set of git processes), not N. A batch that throws fails only its own calls;
 * outcomes come back in `close()` order.
 */
export class BatchQueue<I, O> {
  private pending: Array<{ input: I; resolve: (value: O) => void; reject: (error: unknown) => void }> = [];
  private draining = false;

  constructor(private readonly runBatch: (batch: OpenBatch<I>) => Promise<Array<BatchOutcome<O>>>) {}

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
      while (this.pending.length > 0) {
        let members: typeof this.pending | undefined;
        const close = (): typeof this.pending => (members ??= this.pending.splice(0));
        let outcomes: Array<BatchOutcome<O>>;
        try {
          outcomes = await this.runBatch({
            peek: () => (members ?? this.pending).map((m) => m.input),
            close: () => close().map((m) => m.input),
          });
        } catch (error) {
          outcomes = close().map(() => ({ ok: false, error }));
        }
        close().forEach((m, i) => {
          const outcome = outcomes[i] ?? { ok: false, error: new Error('A batch returned fewer results than inputs.') };
          if (outcome.ok) m.resolve(outcome.value);
          else m.reject(outcome.error);
        });
      }
    } finally {
      this.draining = false;
    }
  }
}
