import type { DisposableLike } from './disposable';

/** A subscription function, shaped like `vscode.Event<T>`. */
export type Event<T> = (listener: (e: T) => void) => DisposableLike;

/** A typed event source with no `vscode` dependency; a throwing listener never stops the others. */
export class Emitter<T> implements DisposableLike {
  private listeners = new Set<(e: T) => void>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  /** Subscribe to the events of this emitter. */
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  /** Whether anyone is listening; lets callers skip building expensive payloads. */
  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
