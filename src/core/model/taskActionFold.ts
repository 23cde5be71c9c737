import type { RunEventOf } from './runEvents';
import type { RunState, TaskState } from './runState';

/** A person's action still in force on a task: it keeps the task cancelled or skipped across a resume. */
export interface PersonAction {
  kind: 'cancel' | 'skip';
  reason?: string;
}

/**
 * Folds a person's action on a task into the state. The state is what it must be once the action
 * took effect, so a resume after a crash right after the event honours it: a cancelled task stays
 * cancelled, a skipped one counts as done for its dependents, a retried or reassigned one runs again.
 */
export function applyTaskAction(
  state: RunState,
  t: TaskState,
  e: Omit<RunEventOf<'task.action'>, 'seq' | 'at' | 'runId'>,
): void {
  switch (e.action) {
    case 'cancel':
      t.status = 'cancelled';
      t.personAction = { kind: 'cancel', ...(e.reason !== undefined ? { reason: e.reason } : {}) };
      break;
    case 'skip':
      t.status = 'skipped';
      t.failure = e.reason ?? 'Skipped by a person.';
      t.personAction = { kind: 'skip', ...(e.reason !== undefined ? { reason: e.reason } : {}) };
      reopenBlockedDependents(state, t.id);
      break;
    case 'retry':
      reopen(t);
      if (e.note !== undefined) t.retryNote = e.note;
      reopenBlockedDependents(state, t.id);
      break;
    case 'reassign':
      if (e.agentId !== undefined) {
        t.assignedAgent = e.agentId;
        t.excludedAgents = t.excludedAgents.filter((a) => a !== e.agentId);
      }
      if (t.status === 'running') t.restartOnAssigned = true;
      else if (t.status === 'failed' || t.status === 'cancelled' || t.status === 'skipped') {
        reopen(t);
        reopenBlockedDependents(state, t.id);
      }
      break;
  }
}

/** A task that ran again: pending, with a fresh count of attempts and no agent excluded. */
function reopen(t: TaskState): void {
  t.status = 'pending';
  delete t.failure;
  delete t.personAction;
  t.excludedAgents = [];
  t.attemptsBeforeRetry = t.attempts.length;
}

/** Tasks skipped only because `taskId` (or a task skipped because of it) did not succeed wait again. */
function reopenBlockedDependents(state: RunState, taskId: string): void {
  const tasks = state.plan?.tasks ?? [];
  const stack = [taskId];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    for (const spec of tasks) {
      if (!spec.dependencies.includes(id) || seen.has(spec.id)) continue;
      seen.add(spec.id);
      const d = state.tasks[spec.id];
      if (d?.status !== 'skipped' || d.personAction) continue;
      d.status = 'pending';
      delete d.failure;
      stack.push(spec.id);
    }
  }
}
