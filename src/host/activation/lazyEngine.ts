// Free of `vscode`, so it is unit-tested in plain Node.
import { Disposable, type DisposableLike } from '../../core/common/disposable';
import { errorMessage } from '../../core/common/errors';

/** Why the engine bundle could not be loaded; every command that needs it shows this. */
export class EngineLoadError extends Error {
  constructor(cause: unknown) {
    super(
      `Agent Orchestrator could not load its engine (dist/engine.js): ${errorMessage(cause)}. Reinstall or update the extension, then reload the window.`,
      { cause },
    );
    this.name = 'EngineLoadError';
  }
}

/**
 * The engine of the window, loaded once: on the first command, view read or API call that needs
 * it (`get()` loads it there and then: loading is a synchronous `require`, so a caller never sees
 * a half-loaded engine), or by `loadSoon()` right after activation, so the first command finds it
 * ready. A failed load is remembered and thrown again, as an `EngineLoadError`, to every caller.
 */
export class LazyEngine<T extends DisposableLike> extends Disposable {
  private value: T | undefined;
  private failure: EngineLoadError | undefined;
  private scheduled: ReturnType<typeof setImmediate> | undefined;

  constructor(
    private readonly load: () => T,
    private readonly onFailure: (error: EngineLoadError) => void,
  ) {
    super();
  }

  /** The engine if it is loaded already; never loads it. */
  get loaded(): T | undefined {
    return this.value;
  }

  /** The engine, loaded now if it is not yet; throws `EngineLoadError` when it cannot be loaded. */
  get(): T {
    if (this.value) return this.value;
    if (this.failure) throw this.failure;
    if (this.isDisposed) throw new EngineLoadError(new Error('the extension was deactivated'));
    this.cancelScheduled();
    try {
      this.value = this.load();
    } catch (err) {
      this.failure = new EngineLoadError(err);
      this.onFailure(this.failure);
      throw this.failure;
    }
    return this.value;
  }

  /** Loads the engine once the current work (activation) is done, unless something loads it first. */
  loadSoon(): void {
    if (this.value || this.failure || this.scheduled || this.isDisposed) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      try {
        this.get();
      } catch {
        // onFailure has logged it; the next command shows it.
      }
    });
  }

  /** Cancels a scheduled load and disposes the engine if it was loaded. */
  override dispose(): void {
    this.cancelScheduled();
    this.value?.dispose();
    this.value = undefined;
    super.dispose();
  }

  private cancelScheduled(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }
}
