// Waits of a task as run events: one event when a wait ends, and only for waits long enough to
// matter, so a fast run does not flood its log.
import type { RunEventBody, RunEventOf, WaitKind } from './runEvents';
import type { WaitRecord } from './runRecords';

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

/** Adds the wait of a `task.waited` event to a task's waits, keeping the latest `MAX_WAITS_PER_TASK`. */
export function appendWait(waits: WaitRecord[], e: RunEventOf<'task.waited'>): void {
  const { attempt, kind, startedAt, durationMs, detail } = e;
  waits.push({ attempt, kind, startedAt, durationMs, ...(detail !== undefined ? { detail } : {}) });
  if (waits.length > MAX_WAITS_PER_TASK) waits.splice(0, waits.length - MAX_WAITS_PER_TASK);
}
