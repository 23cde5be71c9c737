import type { Clock } from '../common/clock';
import { ATTEMPT_OVER } from './agentStop';
import { TaskTimeoutError } from './executorErrors';

/** What stops one attempt: the run's abort, and the task's time limit. */
export interface AttemptStops {
  /** Aborted when the run is, when the time limit passes, or when the attempt is over. */
  readonly controller: AbortController;
  /** Whether the time limit stopped it. */
  timedOut(): boolean;
  /** The attempt is over: aborts what it left running and lets go of the run's signal and the timer. */
  end(): void;
}

/** Ties a new attempt's controller to the run's signal and, when there is one, to its time limit. */
export function armAttemptStops(
  runSignal: AbortSignal,
  clock: Clock,
  timeoutMs: number | undefined,
  taskId: string,
): AttemptStops {
  const controller = new AbortController();
  const onRunAbort = (): void => controller.abort(runSignal.reason);
  if (runSignal.aborted) onRunAbort();
  else runSignal.addEventListener('abort', onRunAbort, { once: true });
  let timedOut = false;
  const timer = timeoutMs === undefined ? undefined : new AbortController();
  if (timer && timeoutMs !== undefined) {
    clock.sleep(timeoutMs, timer.signal).then(
      () => (
        (timedOut = true),
        controller.abort(new TaskTimeoutError(`Task "${taskId}" ran past its ${timeoutMs} ms limit.`))
      ),
      () => undefined,
    );
  }
  return {
    controller,
    timedOut: () => timedOut,
    end: () => {
      controller.abort(ATTEMPT_OVER);
      timer?.abort(ATTEMPT_OVER);
      runSignal.removeEventListener('abort', onRunAbort);
    },
  };
}
