import type { z } from 'zod';
import type { PlanIssue } from '../model/runEvents';
import { buildPlanGraph, findCycle, type PlanGraph } from './planGraph';
import { PlanSchema, type Plan } from '../model/planSchema';

/** What a plan is checked against. */
export interface PlanLimits {
  /** Refuse plans with more tasks than this. */
  maxTasks: number;
  /** Capabilities some registered agent has; a task needing another one is refused. Omit to skip the check. */
  knownCapabilities?: ReadonlySet<string>;
  /** Ids of registered agents, for manual assignments. Omit to skip the check. */
  knownAgents?: ReadonlySet<string>;
}

/** The result of validation: a plan with its graph, or every problem found. */
export type PlanValidation = { ok: true; plan: Plan; graph: PlanGraph } | { ok: false; issues: PlanIssue[] };

/** Thrown where a caller wants an exception; the message lists every issue on its own line. */
export class PlanValidationError extends Error {
  override readonly name = 'PlanValidationError';
  constructor(readonly issues: readonly PlanIssue[]) {
    super(`The plan is not valid:\n${issues.map((i) => `- ${i.message}`).join('\n')}`);
  }
}

function schemaIssues(error: z.ZodError): PlanIssue[] {
  return error.issues.map((issue) => {
    const where = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return { code: 'schema', message: `${where || 'plan'}: ${issue.message}` };
  });
}

/**
 * Checks a plan from any source (planner output, a file, a test) and reports every problem at
 * once, so a planner can be asked to fix them all in one go.
 */
export function validatePlan(input: unknown, limits: PlanLimits): PlanValidation {
  const parsed = PlanSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: schemaIssues(parsed.error) };
  const plan = parsed.data;
  const issues: PlanIssue[] = [];
  if (plan.tasks.length === 0) {
    issues.push({ code: 'empty', message: 'The plan has no tasks. A plan needs at least one task.' });
  }
  if (plan.tasks.length > limits.maxTasks) {
    issues.push({
      code: 'too-many-tasks',
      message: `The plan has ${plan.tasks.length} tasks, more than the limit of ${limits.maxTasks}. Split the goal or raise the limit (agentOrchestrator.maxTasksPerPlan).`,
    });
  }
  const ids = new Set<string>();
  for (const task of plan.tasks) {
    if (ids.has(task.id))
      issues.push({ code: 'duplicate-id', taskId: task.id, message: `Task id "${task.id}" is used more than once.` });
    ids.add(task.id);
  }
  for (const task of plan.tasks) {
    for (const dep of task.dependencies) {
      if (dep === task.id) {
        issues.push({ code: 'self-dependency', taskId: task.id, message: `Task "${task.id}" depends on itself.` });
      } else if (!ids.has(dep)) {
        issues.push({
          code: 'unknown-dependency',
          taskId: task.id,
          message: `Task "${task.id}" depends on "${dep}", which is not a task of this plan.`,
        });
      }
    }
    if (limits.knownCapabilities) {
      for (const cap of task.requiredCapabilities) {
        if (!limits.knownCapabilities.has(cap)) {
          const known = [...limits.knownCapabilities].sort().join(', ') || 'none';
          issues.push({
            code: 'unknown-capability',
            taskId: task.id,
            message: `Task "${task.id}" needs capability "${cap}", which no registered agent has (known: ${known}).`,
          });
        }
      }
    }
    if (task.agent !== undefined && limits.knownAgents && !limits.knownAgents.has(task.agent)) {
      issues.push({
        code: 'unknown-agent',
        taskId: task.id,
        message: `Task "${task.id}" is assigned to agent "${task.agent}", which is not registered.`,
      });
    }
  }
  // Cycles are only meaningful once every id is unique and every dependency resolves.
  if (
    issues.every((i) => i.code !== 'duplicate-id' && i.code !== 'unknown-dependency' && i.code !== 'self-dependency')
  ) {
    const cycle = findCycle(plan.tasks);
    if (cycle) {
      issues.push({
        code: 'cycle',
        taskId: cycle[0],
        message: `The plan has a dependency cycle: ${cycle.join(' → ')}. Remove one of these dependencies.`,
      });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, plan, graph: buildPlanGraph(plan.tasks) };
}
