/**
 * The fake server's pauses (reply latency, chunk delays). Each pause is a timer in one set, which
 * `close` cancels: no pause adds a listener to a shared signal, so 16 requests waiting at once do
 * not trip Node's MaxListenersExceededWarning (11 abort listeners on one AbortSignal).
 */
export class ServerWaits {
  private readonly cancels = new Set<() => void>();
  private closed = false;

  /** Resolves after `ms`; rejects with an AbortError when the server closes first. */
  wait(ms: number): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<void>((resolve, reject) => {
      const cancel = (): void => {
        clearTimeout(timer);
        this.cancels.delete(cancel);
        reject(closedError());
      };
      const timer = setTimeout(() => {
        this.cancels.delete(cancel);
        resolve();
      }, ms);
      this.cancels.add(cancel);
    });
  }

  /** Pauses still running. */
  get pending(): number {
    return this.cancels.size;
  }

  /** Cancels every pause, and any asked for later. */
  close(): void {
    this.closed = true;
    for (const cancel of [...this.cancels]) cancel();
  }
}

function closedError(): Error {
  return Object.assign(new Error('The fake model server closed.'), { name: 'AbortError' });
}
