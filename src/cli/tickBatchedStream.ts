/** The part of a stream the batch writes to. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Text written to a stream during one tick, handed to it in one write at the end of the tick (or
 * at once by `drain`). `--json` prints every run event as a line, and a write to a pipe is a system
 * call on the engine's thread: 16 tasks starting together wrote 100-odd lines one call each.
 * Bytes and their order are unchanged; `drain` runs before anything written around the batch (the
 * other stream, a flush, the process's exit), so nothing is reordered or lost.
 */
export class TickBatchedStream {
  private pending: string[] = [];

  constructor(
    private readonly sink: TextSink,
    private readonly defer: (fn: () => void) => void = process.nextTick,
  ) {}

  write(text: string): void {
    if (text.length === 0) return;
    if (this.pending.length === 0) this.defer(() => this.drain());
    this.pending.push(text);
  }

  /** Hands what is pending to the stream now. */
  drain(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.sink.write(text);
  }
}
