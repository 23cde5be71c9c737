import type { RunEvent, RunEventType } from '../model/runEvents';

/**
 * Which tasks of the run state folding an event may change: none, only the one it names (`taskId`,
 * or the finding's task), or any (a new plan, a person's action that reopens dependents). The
 * snapshot reserialises only the tasks changed since the last one; `all` is the safe answer for an
 * event whose fold reaches further. `test/unit/store/knownEventTypes.test.ts` folds a sample of
 * every type and fails when a fold changes a task this table does not name.
 */
type TaskReach = 'none' | 'named' | 'all';

/** Every event type this version folds (the compiler keeps the keys equal to `RunEventType`), with its reach. */
const TASK_REACH: Readonly<Record<RunEventType, TaskReach>> = {
  'run.created': 'none',
  'run.phase': 'none',
  'plan.ready': 'all',
  'plan.rejected': 'none',
  'plan.task.added': 'all',
  'task.assigned': 'named',
  'task.reset': 'named',
  'task.action': 'all',
  'task.started': 'named',
  'task.step.started': 'named',
  'task.step.completed': 'named',
  'task.succeeded': 'named',
  'task.attempt.failed': 'named',
  'task.waited': 'named',
  'task.failed': 'named',
  'task.skipped': 'named',
  'task.cancelled': 'named',
  'usage.recorded': 'named',
  'finding.reported': 'named',
  'budget.exceeded': 'named',
  'run.paused': 'none',
  'run.resumed': 'none',
  'run.completed': 'none',
  'approval.requested': 'none',
  'approval.decided': 'none',
  'edit.applied': 'named',
  'verification.completed': 'none',
  'verification.baseline': 'none',
  'run.gate': 'none',
  'checkpoint.taken': 'none',
  'review.accepted': 'none',
  'review.reverted': 'none',
  'context.changed': 'none',
  'message.sent': 'none',
  'message.read': 'none',
  log: 'none',
  'span.started': 'none',
  'span.ended': 'none',
  metrics: 'none',
};

/** Whether this version of Agent Orchestrator knows the event type (a newer one may write others). */
export function isKnownEventType(type: string): type is RunEventType {
  return Object.hasOwn(TASK_REACH, type);
}

/** What `tasksTouchedBy` answers for an event that may change any task. */
export const ALL_TASKS: unique symbol = Symbol('all tasks');

/** The task folding `event` may change: its id, `undefined` for none, or `ALL_TASKS`. */
export function tasksTouchedBy(event: RunEvent): string | undefined | typeof ALL_TASKS {
  const reach = isKnownEventType(event.type) ? TASK_REACH[event.type] : 'all';
  if (reach === 'none') return undefined;
  if (reach === 'all') return ALL_TASKS;
  if (event.type === 'finding.reported') return event.finding.taskId;
  // Events of these types that name no task (run-wide usage, a run-wide budget stop) change none.
  return (event as { taskId?: string }).taskId;
}
