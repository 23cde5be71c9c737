// A resume's retries and reassignments, recorded as run events before the run executes again.
import type { RunSession } from './runSession';

/** Records the user's retries (with the tasks skipped because of them) and manual assignments before execution. */
export function applyUserChanges(
  session: RunSession,
  tasks: ReadonlyArray<{ id: string; dependencies: readonly string[] }>,
  options: { retryTasks?: readonly string[]; assign?: Readonly<Record<string, string>> },
): void {
  for (const [taskId, agentId] of Object.entries(options.assign ?? {}))
    session.emit({ type: 'task.assigned', taskId, agentId });
  const reset = new Set<string>();
  const again = (taskId: string, reason: string): void => {
    const status = session.state.tasks[taskId]?.status;
    if (reset.has(taskId) || (status !== 'failed' && status !== 'skipped' && status !== 'cancelled')) return;
    reset.add(taskId);
    session.emit({ type: 'task.reset', taskId, reason });
    for (const t of tasks)
      if (t.dependencies.includes(taskId) && !session.state.tasks[t.id]?.personAction)
        again(t.id, `its dependency "${taskId}" runs again`);
  };
  for (const taskId of options.retryTasks ?? []) again(taskId, 'retried by the user');
  // A reassigned task that had failed gets its retry with the new agent.
  for (const taskId of Object.keys(options.assign ?? {})) again(taskId, 'reassigned by the user');
}
