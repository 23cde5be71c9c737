// Waits of a task as run events: one event when a wait ends, and only for waits long enough to
// matter, so a fast run does not flood its log.
import type { RunEventBody, WaitKind } from './runEvents';

/** Shorter waits are not recorded. */
export const MIN_RECORDED_WAIT_MS = 5;

/** Waits kept per task in the run state (the latest); a snapshot stays small however long a task waits. */
export const MAX_WAITS_PER_TASK = 200;

/** The `task.waited` event of a wait from `startedAt` to `endedAt`, or undefined when it was too short to record. */
export function taskWaitedEvent(
  taskId: string,
  attempt: number,
  kind: WaitKind,
  startedAt: number,
  endedAt: number,
  detail?: string,
): RunEventBody | undefined {
  const durationMs = endedAt - startedAt;
  if (!(durationMs >= MIN_RECORDED_WAIT_MS)) return undefined;
  return {
    type: 'task.waited',
    taskId,
    attempt,
    kind,
    startedAt,
    durationMs,
    ...(detail !== undefined ? { detail } : {}),
  };
}
