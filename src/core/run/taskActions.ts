import { z } from 'zod';
import type { AgentRegistry } from '../agents/agentRegistry';
import type { RunEventOf } from '../model/runEvents';
import type { RunState } from '../model/runState';
import { applyTaskAction } from '../model/taskActionFold';
import { errorMessage } from '../common/errors';
import { lazySchema } from '../common/lazySchema';

/** Characters a retry note or a reason may have; a note goes into a model's brief. */
export const MAX_ACTION_TEXT = 4_000;

const text = lazySchema(() => z.string().trim().min(1).max(MAX_ACTION_TEXT));

/** A person's action on one task of a run, as the host, the CLI or the API send it. */
export const TaskActionSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('cancel'), taskId: z.string().min(1), reason: text.optional() }),
    z.object({ kind: z.literal('retry'), taskId: z.string().min(1), note: text.optional() }),
    z.object({ kind: z.literal('skip'), taskId: z.string().min(1), reason: text.optional() }),
    z.object({ kind: z.literal('reassign'), taskId: z.string().min(1), agentId: z.string().min(1) }),
  ]),
);

/** A person's action on one task: cancel, retry (with a note), skip (dependents go on), reassign. */
export type TaskAction = z.infer<typeof TaskActionSchema>;

/** Thrown when an action cannot be taken; says why and what to do instead. Nothing was recorded. */
export class TaskActionError extends Error {
  override readonly name = 'TaskActionError';
}

/** Parses an action from outside (a message, a command line); throws `TaskActionError` when malformed. */
export function parseTaskAction(input: unknown): TaskAction {
  const parsed = TaskActionSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TaskActionError(
    `A task action is { kind: "cancel" | "retry" | "skip" | "reassign", taskId, note?, reason?, agentId? }; ` +
      `${issue ? `${issue.path.join('.') || 'the action'}: ${issue.message}` : 'it is malformed'}. ` +
      `A note or reason has 1 to ${MAX_ACTION_TEXT} characters.`,
  );
}

/**
 * Why `action` cannot be taken on the run as it stands, or undefined when it can: the task must be
 * in the plan and in a state the action applies to, and a new agent must be registered and have
 * every capability the task needs.
 */
export function taskActionProblem(
  state: Readonly<RunState>,
  registry: AgentRegistry,
  action: TaskAction,
): string | undefined {
  const spec = state.plan?.tasks.find((t) => t.id === action.taskId);
  if (!spec) {
    return state.plan
      ? `Run ${state.runId} has no task "${action.taskId}"; its tasks are: ${state.plan.tasks.map((t) => t.id).join(', ')}.`
      : `Run ${state.runId} has no plan yet; act on its tasks once the plan is ready.`;
  }
  const status = state.tasks[action.taskId]?.status ?? 'pending';
  const label = `Task "${action.taskId}" is ${status}`;
  if (status === 'succeeded') return `Task "${action.taskId}" already succeeded; there is nothing to ${action.kind}.`;
  switch (action.kind) {
    case 'cancel':
      return status === 'pending' || status === 'running'
        ? undefined
        : `${label}; only a pending or running task can be cancelled (retry it to run it again).`;
    case 'retry':
      return status === 'failed' || status === 'cancelled' || status === 'skipped'
        ? undefined
        : `${label}; only a failed, cancelled or skipped task can be retried (cancel a running one first).`;
    case 'skip':
      return status === 'pending' || status === 'failed'
        ? undefined
        : `${label}; only a pending or failed task can be skipped (cancel a running one first, then retry or leave it).`;
    case 'reassign': {
      const agents = registry.list().map((a) => a.definition.id);
      const agent = registry.get(action.agentId);
      if (status === 'running' && state.tasks[action.taskId]?.agentId === action.agentId)
        return `Task "${action.taskId}" is running on "${action.agentId}" already; pick another agent, or retry it once it ends.`;
      if (!agent) return `No agent "${action.agentId}" is registered; pick one of: ${agents.join(', ')}.`;
      const missing = spec.requiredCapabilities.filter((c) => !agent.definition.capabilities.includes(c));
      if (missing.length > 0) {
        const able = registry
          .list()
          .filter((a) => spec.requiredCapabilities.every((c) => a.definition.capabilities.includes(c)))
          .map((a) => a.definition.id);
        return `Agent "${action.agentId}" lacks ${missing.join(', ')}, which task "${action.taskId}" needs; pick one of: ${able.join(', ') || '(none registered)'}.`;
      }
      return undefined;
    }
  }
}

/** The run event that records an action, before it takes effect. */
export function taskActionEvent(action: TaskAction): Omit<RunEventOf<'task.action'>, 'seq' | 'at' | 'runId'> {
  return {
    type: 'task.action',
    taskId: action.taskId,
    action: action.kind,
    ...(action.kind === 'retry' && action.note !== undefined ? { note: action.note } : {}),
    ...((action.kind === 'skip' || action.kind === 'cancel') && action.reason !== undefined
      ? { reason: action.reason }
      : {}),
    ...(action.kind === 'reassign' ? { agentId: action.agentId } : {}),
  };
}

/** The first problem among actions to take on resume, each checked on the state the earlier ones leave. */
export function actionsProblem(
  state: RunState,
  registry: AgentRegistry,
  actions: readonly TaskAction[],
): string | undefined {
  if (actions.length === 0) return undefined;
  // Checked on a copy, so a refused list leaves the state untouched.
  const trial = structuredClone(state);
  for (const input of actions) {
    let action: TaskAction;
    try {
      action = parseTaskAction(input);
    } catch (err) {
      return errorMessage(err);
    }
    const problem = taskActionProblem(trial, registry, action);
    if (problem) return problem;
    const t = trial.tasks[action.taskId];
    if (t) applyTaskAction(trial, t, taskActionEvent(action));
  }
  return undefined;
}
