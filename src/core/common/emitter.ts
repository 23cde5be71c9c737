import type { DisposableLike } from './disposable';

/** A subscription function, shaped like `vscode.Event<T>`. */
export type Event<T> = (listener: (e: T) => void) => DisposableLike;

/** A typed event source with no `vscode` dependency; a throwing listener never stops the others. */
export class Emitter<T> implements DisposableLike {
  private listeners = new Set<(e: T) => void>();
  /**
   * The listeners as of the last change, shared by every `fire` until the next one (copy on write):
   * a listener added or removed during a fire does not change who hears that event, and firing
   * allocates nothing.
   */
  private current: ReadonlyArray<(e: T) => void> | undefined;

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  /** Subscribe to the events of this emitter. */
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    this.current = undefined;
    return {
      dispose: () => {
        this.current = undefined;
        return this.listeners.delete(listener);
      },
    };
  };

  fire(value: T): void {
    if (this.listeners.size === 0) return;
    const listeners = (this.current ??= [...this.listeners]);
    for (const listener of listeners) {
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
    this.current = undefined;
  }
}
