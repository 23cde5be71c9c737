// Decisions behind the run commands (which tasks to retry, which agents can take a task, what a
// budget pause asks for); free of `vscode` so it is unit-tested in Node.
import type { AgentDefinitionInput } from '../../core/model/agentDefinition';
import type { TaskSpec } from '../../core/model/planSchema';
import type { RunState } from '../../core/model/runState';

/** Which budget paused a run, with what it was and what is used. */
export interface BudgetPause {
  limit: 'tokens' | 'cost';
  max: number | undefined;
  used: number;
}

/**
 * The budget a paused run stopped at, or undefined when it paused for another reason. The engine
 * says so in the pause reason ("The run's token budget of … would be exceeded").
 */
export function budgetPauseOf(
  state: Pick<RunState, 'status' | 'pauseReason' | 'budget' | 'usage'>,
): BudgetPause | undefined {
  if (state.status !== 'paused' || !state.pauseReason) return undefined;
  const match = /\b(token|cost) budget\b/i.exec(state.pauseReason);
  if (!match) return undefined;
  return match[1]!.toLowerCase() === 'token'
    ? { limit: 'tokens', max: state.budget.maxTokens, used: state.usage.inputTokens + state.usage.outputTokens }
    : { limit: 'cost', max: state.budget.maxCostUsd, used: state.usage.costUsd };
}

/** Why a typed budget was refused: not a positive number, not whole (tokens), or not above what is used. */
export type BudgetInputProblem = 'format' | 'notWhole' | 'notAbove';

/** A new budget typed by the user: a number above what is used; "$" and thousands separators are accepted. */
export function parseBudgetValue(
  text: string,
  pause: BudgetPause,
): { value: number } | { problem: BudgetInputProblem } {
  const cleaned = text
    .trim()
    .replace(/^\$/, '')
    .replace(/[,_\s]/g, '');
  const value = /^\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) return { problem: 'format' };
  if (pause.limit === 'tokens' && !Number.isInteger(value)) return { problem: 'notWhole' };
  if (value <= pause.used) return { problem: 'notAbove' };
  return { value };
}

/** Whether a task may be retried or reassigned from the tree. */
export function canRetryTask(status: string): boolean {
  return status === 'failed' || status === 'skipped' || status === 'cancelled';
}

/** An agent that can take a task, for the reassign quick pick. */
export interface AgentChoice {
  id: string;
  description: string;
  /** The agent the task ran on last. */
  current: boolean;
  /** The agent failed this task for a reason of its own. */
  excluded: boolean;
}

/** Agents whose capabilities cover the task's, highest priority first, the current agent last. */
export function capableAgents(
  task: Pick<TaskSpec, 'requiredCapabilities'>,
  agents: readonly AgentDefinitionInput[],
  state?: { agentId?: string; excludedAgents?: readonly string[] },
): AgentChoice[] {
  return agents
    .filter((a) => task.requiredCapabilities.every((c) => a.capabilities.includes(c)))
    .sort((a, b) => (b.priority ?? 50) - (a.priority ?? 50) || a.id.localeCompare(b.id))
    .map((a) => ({
      id: a.id,
      description: a.description ?? '',
      current: a.id === state?.agentId,
      excluded: state?.excludedAgents?.includes(a.id) ?? false,
    }))
    .sort((a, b) => Number(a.current) - Number(b.current));
}

/** Remembers a goal: most recent first, no duplicates, at most `max`. */
export function rememberGoal(recent: readonly string[], goal: string, max = 10): string[] {
  const trimmed = goal.trim();
  return [trimmed, ...recent.filter((g) => g !== trimmed)].slice(0, max);
}

/** Reads the stored recent goals defensively (workspaceState can hold anything). */
export function recentGoalsFrom(value: unknown, max = 10): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((g): g is string => typeof g === 'string' && g.trim() !== '').slice(0, max);
}
