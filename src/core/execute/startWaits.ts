// The waits that end when an attempt starts: for its file locks, and for more budget after a
// request of the task was refused.
import type { RunEventBody } from '../model/runEvents';
import type { RunState } from '../model/runState';
import { taskWaitedEvent } from '../model/taskWaits';

/** The `task.waited` events to record just before `task.started` of `start.attempt` at `now`. */
export function startWaits(
  state: Readonly<RunState>,
  taskId: string,
  start: { attempt: number; lockWaitSince?: number },
  now: number,
): RunEventBody[] {
  const { attempt, lockWaitSince } = start;
  const task = state.tasks[taskId];
  const events: RunEventBody[] = [];
  const budget = task?.budgetBlockedAt;
  const budgetWait = budget === undefined ? undefined : taskWaitedEvent(taskId, attempt, 'budget', budget, now);
  if (budgetWait) events.push(budgetWait);
  const lockWait =
    lockWaitSince === undefined ? undefined : taskWaitedEvent(taskId, attempt, 'lock', lockWaitSince, now);
  if (lockWait) events.push(lockWait);
  return events;
}
