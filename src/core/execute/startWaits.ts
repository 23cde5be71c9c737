// The waits that end when an attempt starts: for its file locks, and for more budget after a
// request of the task was refused.
import type { RunEventBody } from '../model/runEvents';
import type { TaskState } from '../model/runState';
import { taskWaitedEvent } from '../model/taskWaits';

/** The `task.waited` events to record just before `task.started` of `attempt` at `now`. */
export function startWaits(
  task: Readonly<TaskState> | undefined,
  taskId: string,
  attempt: number,
  lockWaitSince: number | undefined,
  now: number,
): RunEventBody[] {
  const events: RunEventBody[] = [];
  const budget = task?.budgetBlockedAt;
  const budgetWait = budget === undefined ? undefined : taskWaitedEvent(taskId, attempt, 'budget', budget, now);
  if (budgetWait) events.push(budgetWait);
  const lockWait =
    lockWaitSince === undefined ? undefined : taskWaitedEvent(taskId, attempt, 'lock', lockWaitSince, now);
  if (lockWait) events.push(lockWait);
  return events;
}
