/** Anything that holds a resource and can let go of it; structurally compatible with `vscode.Disposable`. */
export interface Disposable {
  dispose(): void;
}

/** Wraps a callback as a `Disposable` that runs at most once. */
export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose(): void {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/** Owns disposables from the moment they are created and disposes them in reverse order. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  /** Takes ownership of `item`; if the store is already disposed, disposes it at once. */
  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'Some disposables failed to dispose');
  }
}
