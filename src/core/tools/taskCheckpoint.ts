import type { TaskContext } from '../task/agent';
import type { ToolContext } from './toolContext';

/** The checkpoint step of each attempt, started once; the key is the attempt's task context. */
const started = new WeakMap<TaskContext, Promise<void>>();

/**
 * The task's checkpoint, taken once as the journaled step `checkpoint` (recorded before git runs,
 * its result and `checkpoint.taken` after): the first call starts it, later calls share it. An
 * agent that may edit starts it with its first model turn (`startCheckpointEarly`), so the git
 * work overlaps the wait for the model; `propose_edit` awaits it before its first edit is approved
 * or applied, so a completed, durable checkpoint still precedes every edit. A failed step is not
 * kept: the next call tries again. Resolves at once when checkpoints are off or the step completed
 * in an earlier attempt (it is replayed, not repeated).
 */
export function checkpointOnce(ctx: ToolContext): Promise<void> {
  const { task } = ctx;
  let step = started.get(task);
  if (step === undefined) {
    step = task
      .step('checkpoint', async () => {
        if (!ctx.checkpoints.enabled) return null;
        const checkpoint = await ctx.checkpoints.take({
          runId: task.runId,
          taskId: task.task.id,
          label: `before task ${task.task.id}: ${task.task.title}`,
        });
        if (checkpoint === undefined) return null;
        task.record({
          type: 'checkpoint.taken',
          taskId: task.task.id,
          checkpointId: checkpoint.id,
          ref: checkpoint.ref,
        });
        return { id: checkpoint.id, ref: checkpoint.ref };
      })
      .then(() => undefined);
    started.set(task, step);
    step.catch(() => started.delete(task));
  }
  return step;
}

/**
 * Starts the checkpoint step in the background when checkpoints are on; resolves when it has
 * settled, never rejects (a failure shows again where `checkpointOnce` is awaited). The agent
 * awaits it before its attempt ends, so no step outlives its attempt.
 */
export function startCheckpointEarly(ctx: ToolContext): Promise<void> {
  if (!ctx.checkpoints.enabled) return Promise.resolve();
  return checkpointOnce(ctx).catch(() => undefined);
}
