// Questions asked of a folded run state: how many tasks stand where, which a resume runs again.
import type { TaskStatus } from './runEvents';
import type { RunState } from './runState';

/** Counts tasks by status. */
export function countTasks(state: RunState): Record<TaskStatus, number> {
  const counts: Record<TaskStatus, number> = {
    pending: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
  };
  for (const t of Object.values(state.tasks)) counts[t.status]++;
  return counts;
}

/**
 * Tasks a resume runs again: failed, cancelled and skipped ones (tasks skipped because of them follow
 * anyway), but not those a person cancelled or skipped: only a person's retry brings those back.
 */
export function retryableTaskIds(state: Pick<RunState, 'tasks'>): string[] {
  return Object.values(state.tasks)
    .filter((t) => (t.status === 'failed' || t.status === 'cancelled' || t.status === 'skipped') && !t.personAction)
    .map((t) => t.id);
}

/** Tasks that did not get done: all but those that succeeded or that a person skipped (which counts as done). */
export function unfinishedTasks(state: RunState): number {
  return Object.values(state.tasks).filter(
    (t) => t.status !== 'succeeded' && !(t.status === 'skipped' && t.personAction?.kind === 'skip'),
  ).length;
}
