import { flushMicrotasks, type ManualClock } from './manualClock';

/** A promise the test opens when it chooses: the way to hold work "long enough" without a timer. */
export interface Gate {
  readonly opened: Promise<void>;
  open(): void;
}

/** A closed gate. */
export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** Resolves when the signal aborts (at once if it already has); never rejects. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Lets queued work run until `clock` has at least `count` pending sleeps (a backoff, a timeout). */
export async function untilSleeping(clock: ManualClock, count = 1): Promise<void> {
  while (clock.pendingSleeps < count) await flushMicrotasks();
}
