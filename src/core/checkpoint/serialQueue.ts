/** Runs async jobs one after another in submission order; a failing job does not stop the ones behind it. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `job` once every job submitted before it has settled. */
  run<T>(job: () => Promise<T>): Promise<T> {
    // The tail never rejects (see below), so the job always runs.
    const result = this.tail.then(() => job());
    this.tail = result.catch(() => undefined);
    return result;
  }
}
