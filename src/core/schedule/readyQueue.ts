/** A binary heap of task indexes, best first by a caller-supplied comparison. */
export class ReadyQueue {
  private readonly heap: number[] = [];
  private readonly members = new Set<number>();

  /** `before(a, b)` is true when task `a` should run before task `b`. */
  constructor(private readonly before: (a: number, b: number) => boolean) {}

  get size(): number {
    return this.heap.length;
  }

  has(task: number): boolean {
    return this.members.has(task);
  }

  push(task: number): void {
    if (this.members.has(task)) return;
    this.members.add(task);
    this.heap.push(task);
    this.siftUp(this.heap.length - 1);
  }

  /** Removes and returns the best task, or undefined when empty. */
  pop(): number | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    this.members.delete(top);
    return top;
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < h.length && this.before(h[l]!, h[best]!)) best = l;
      if (r < h.length && this.before(h[r]!, h[best]!)) best = r;
      if (best === i) return;
      [h[i], h[best]] = [h[best]!, h[i]!];
      i = best;
    }
  }
}
