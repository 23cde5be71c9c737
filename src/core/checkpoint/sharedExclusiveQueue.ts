/**
 * Runs async jobs as a readers-writer lock in submission order: shared jobs run together, an exclusive job waits
 * for every job submitted before it and holds back every job submitted after it. A failing job stops nothing.
 */
export class SharedExclusiveQueue {
  /** Settles (never rejects) when the latest exclusive job has. */
  private lastExclusive: Promise<unknown> = Promise.resolve();
  /** Shared jobs submitted since the latest exclusive one and not settled yet. */
  private readonly sharedRunning = new Set<Promise<unknown>>();

  /** Runs `job` once every exclusive job submitted before it has settled, alongside other shared jobs. */
  shared<T>(job: () => Promise<T>): Promise<T> {
    const result = this.lastExclusive.then(() => job());
    const settled: Promise<unknown> = result.then(
      () => this.sharedRunning.delete(settled),
      () => this.sharedRunning.delete(settled),
    );
    this.sharedRunning.add(settled);
    return result;
  }

  /** Runs `job` alone, once every job submitted before it has settled. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    const result = Promise.all([this.lastExclusive, ...this.sharedRunning]).then(() => job());
    this.lastExclusive = result.catch(() => undefined);
    this.sharedRunning.clear();
    return result;
  }
}
