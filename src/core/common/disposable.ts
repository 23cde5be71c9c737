/**
 * Anything that holds a resource and can let go of it; structurally compatible with
 * `vscode.Disposable`. (Named like `PromiseLike`: the `Disposable` name belongs to the base class.)
 */
export interface DisposableLike {
  dispose(): void;
}

/** Wraps a callback as a `DisposableLike` that runs at most once. */
export function toDisposable(fn: () => void): DisposableLike {
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
export class DisposableStore implements DisposableLike {
  private readonly items: DisposableLike[] = [];
  private disposed = false;

  /** True once `dispose()` has run. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `item`; if the store is already disposed, disposes it at once. */
  add<T extends DisposableLike>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  /** Disposes every item, newest first, once; a throwing item does not stop the rest (the errors are rethrown together). */
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

/**
 * The base of every object that owns disposables (the `_register` pattern of VS Code's
 * `lifecycle.ts`): a subclass registers each subscription, emitter or timer the moment it creates
 * it, and `dispose()` lets go of them all, newest first, once. A subclass that must do more on
 * dispose overrides `dispose()` and calls `super.dispose()`.
 */
export abstract class Disposable implements DisposableLike {
  private readonly registrations = new DisposableStore();

  /** Owns `item` from now on and returns it; after `dispose()` it is disposed at once instead. */
  protected _register<T extends DisposableLike>(item: T): T {
    if ((item as unknown) === this) throw new Error('A disposable cannot register itself.');
    return this.registrations.add(item);
  }

  /** Disposes the registrations, newest first; a throwing one does not stop the rest (the errors are rethrown together). */
  dispose(): void {
    this.registrations.dispose();
  }

  /** True once `dispose()` has run. */
  protected get isDisposed(): boolean {
    return this.registrations.isDisposed;
  }
}
