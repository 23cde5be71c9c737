import type { RunState } from '../model/runState';
import type { TaskGateView } from '../task/agent';

/** The live run state as one task's gate sees it: the baseline, the other tasks, its own edits. */
export function gateView(state: RunState, taskId: string): TaskGateView {
  return {
    baseline: (check) => state.baseline?.find((c) => c.name === check),
    unfinishedOthers: () =>
      (state.plan?.tasks ?? [])
        .filter((t) => t.id !== taskId && state.tasks[t.id]?.status !== 'succeeded')
        .map((t) => t.id),
    editedFiles: () => [
      ...new Set(
        Object.values(state.approvals).flatMap((a) =>
          a.taskId === taskId && a.status === 'applied' && a.path !== undefined ? [a.path] : [],
        ),
      ),
    ],
  };
}
