import type { RecoveredTaskStatus } from '../schedule/dagScheduler';
import type { TaskState } from '../model/runState';

/** What the scheduler makes of a task's recorded state; a cancel or skip by a person stays in force. */
export function recoveredStatus(task: TaskState | undefined): RecoveredTaskStatus {
  switch (task?.status) {
    case 'succeeded':
    case 'failed':
      return task.status;
    case 'skipped':
      return task.personAction?.kind === 'skip' ? 'waived' : 'skipped';
    case 'cancelled':
      return task.personAction?.kind === 'cancel' ? 'cancelled' : 'pending';
    default:
      return 'pending';
  }
}

/** Whether a task's recorded state keeps its dependents from running: failed, skipped (not by a person), or cancelled by a person. */
export function blocksDependents(task: TaskState | undefined): boolean {
  return (
    task?.status === 'failed' ||
    (task?.status === 'skipped' && task.personAction?.kind !== 'skip') ||
    (task?.status === 'cancelled' && task.personAction?.kind === 'cancel')
  );
}
