import type { Clock } from '../common/clock';
import { ATTEMPT_OVER } from './agentStop';
import { TaskTimeoutError } from './executorErrors';

/**
 * What stops one attempt: the run's cancel (the executor passes it on), a person's cancel or
 * reassignment, the task's time limit, and the end of the attempt. The agent's `AbortSignal` is
 * made on first use, already aborted if the attempt was stopped before; an agent that never looks
 * at it costs no controller, no listener and no abort event. Nothing here listens on the run's
 * signal: the executor aborts its running attempts itself.
 */
export class AttemptStops {
  private controller: AbortController | undefined;
  private abortReason: Error | undefined;
  private rejectRace: ((reason: Error) => void) | undefined;
  private readonly timer: AbortController | undefined;
  private timedOutAt = false;
  /** Set when a person stopped the attempt (cancel, or reassignment to another agent). */
  stoppedFor: 'cancel' | 'reassign' | undefined;

  constructor(clock: Clock, timeoutMs: number | undefined, taskId: string) {
    if (timeoutMs === undefined) return;
    const timer = (this.timer = new AbortController());
    clock.sleep(timeoutMs, timer.signal).then(
      () => {
        this.timedOutAt = true;
        this.abort(new TaskTimeoutError(`Task "${taskId}" ran past its ${timeoutMs} ms limit.`));
      },
      () => undefined,
    );
  }

  /** The agent's signal: aborted on cancel, on the time limit and when the attempt is over. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Why the attempt was stopped, once it was; the first reason wins, as with an `AbortController`. */
  get reason(): Error | undefined {
    return this.abortReason;
  }

  /** Whether the time limit stopped it. */
  timedOut(): boolean {
    return this.timedOutAt;
  }

  /** Stops the attempt: the signal aborts and `race` rejects with `reason`. Later calls do nothing. */
  abort(reason: Error): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    const reject = this.rejectRace;
    this.rejectRace = undefined;
    reject?.(reason);
  }

  /** Resolves with the work, or rejects with the reason as soon as the attempt is stopped. */
  race<T>(work: Promise<T>): Promise<T> {
    const stopped = this.abortReason;
    if (stopped !== undefined) return Promise.reject(stopped);
    return new Promise<T>((resolve, reject) => {
      this.rejectRace = reject;
      work.then(resolve, reject);
    });
  }

  /** The attempt is over: aborts what it left running and stops the timer. */
  end(): void {
    this.abort(ATTEMPT_OVER);
    this.rejectRace = undefined;
    this.timer?.abort(ATTEMPT_OVER);
  }
}
