import type { RunEvent } from './runEvents';

/** Where a run's events go: the store, views, the log channel. */
export interface RunEventSink {
  /** Takes one event; must not block. */
  append(event: RunEvent): void;
  /** Resolves once every event appended so far is durable (a no-op for sinks that keep nothing). */
  flush(): Promise<void>;
}
