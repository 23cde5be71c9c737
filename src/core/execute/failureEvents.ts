// The events that say a task failed and which tasks are skipped because of it: recorded by the
// executor when an attempt fails for good, and after a resume for skips the log does not have yet.
import type { DagScheduler } from '../schedule/dagScheduler';
import { blocksDependents } from './recoveredStatus';
import type { ExecutorDeps } from './runExecutorTypes';

type FailureDeps = Pick<ExecutorDeps, 'graph' | 'state' | 'services' | 'metrics'>;

/** Records task `i` as failed with a major finding, and each dependent the scheduler skips for it. */
export function recordTaskFailure(deps: FailureDeps, scheduler: DagScheduler, i: number, message: string): void {
  const { graph, services, metrics } = deps;
  const task = graph.tasks[i]!;
  services.emit({ type: 'task.failed', taskId: task.id, message });
  services.emit({
    type: 'finding.reported',
    finding: {
      severity: 'major',
      category: 'custom',
      message: `Task "${task.id}" failed: ${message}`,
      taskId: task.id,
    },
  });
  metrics.counter('tasks.failed').add();
  for (const d of scheduler.fail(i)) {
    services.emit({
      type: 'task.skipped',
      taskId: graph.tasks[d]!.id,
      blockedBy: task.id,
      reason: `Dependency "${task.id}" failed.`,
    });
  }
}

/** Records a skip for each task the scheduler skipped because a dependency failed, was skipped or cancelled. */
export function recordBlockedSkips(deps: FailureDeps, scheduler: DagScheduler): void {
  const tasks = deps.state.tasks;
  const blocks = (d: string): boolean => blocksDependents(tasks[d]);
  deps.graph.tasks.forEach((t, i) => {
    if (scheduler.stateOf(i) === 'skipped' && tasks[t.id]?.status !== 'skipped') {
      const blocker = t.dependencies.find(blocks) ?? '';
      deps.services.emit({
        type: 'task.skipped',
        taskId: t.id,
        blockedBy: blocker,
        reason: `Dependency "${blocker}" did not succeed.`,
      });
    }
  });
}
