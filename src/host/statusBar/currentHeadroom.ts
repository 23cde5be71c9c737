// Free of `vscode`, so it is unit-tested in plain Node.
import { Disposable, type DisposableLike } from '../../core/common/disposable';
import { Emitter, type Event } from '../../core/common/emitter';
import type { RateHeadroom } from '../../core/quota/rateLimitScheduler';

/** The window's rate-limit state, as the quota status bar reads it; `RateLimitScheduler` is one. */
export interface HeadroomSource {
  headroom(): RateHeadroom[];
  /** Fires when `headroom()` changes, also when it recovers with time alone. */
  readonly onDidChange: Event<void>;
}

/**
 * Forwards to whichever scheduler the container holds now: the container replaces its scheduler
 * when the rate-limit settings change, and this follows on the next read. That is soon enough:
 * a scheduler is only replaced while no run uses one, and a run shows up in the RunsModel (which
 * redraws the status bar, reading headroom) before it reserves anything. It listens to the
 * scheduler only while someone listens to it, so an unheard scheduler arms no timer.
 */
export class CurrentHeadroom extends Disposable implements HeadroomSource {
  private readonly changed = this._register(new Emitter<void>());
  private followed: HeadroomSource | undefined;
  private subscription: DisposableLike | undefined;

  constructor(private readonly current: () => HeadroomSource) {
    super();
  }

  readonly onDidChange: Event<void> = (listener) => {
    const subscription = this.changed.event(listener);
    this.follow();
    return {
      dispose: () => {
        subscription.dispose();
        if (!this.changed.hasListeners) this.unfollow();
      },
    };
  };

  headroom(): RateHeadroom[] {
    return this.follow().headroom();
  }

  /** Stops listening to the scheduler it follows (the subscription comes and goes with listeners). */
  override dispose(): void {
    this.unfollow();
    super.dispose();
  }

  /** The current scheduler, listened to when someone listens here. */
  private follow(): HeadroomSource {
    const source = this.current();
    if (source !== this.followed && this.changed.hasListeners && !this.isDisposed) {
      this.unfollow();
      this.followed = source;
      this.subscription = source.onDidChange(() => this.changed.fire());
    }
    return source;
  }

  private unfollow(): void {
    this.subscription?.dispose();
    this.subscription = undefined;
    this.followed = undefined;
  }
}
