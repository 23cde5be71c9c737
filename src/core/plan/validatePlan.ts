import type { z } from 'zod';
import { neutraliseText } from '../common/visibleText';
import type { PlanIssue } from '../model/runEvents';
import { acyclicPlanGraph, findCycle, type PlanGraph } from './planGraph';
import { PlanSchema, type Plan } from '../model/planSchema';
import { parsePlanFast } from './planFastParse';

/** What a plan is checked against. */
export interface PlanLimits {
  /** Refuse plans with more tasks than this. */
  maxTasks: number;
  /** Capabilities some registered agent has; a task needing another one is refused. Omit to skip the check. */
  knownCapabilities?: ReadonlySet<string>;
  /** Ids of registered agents, for manual assignments. Omit to skip the check. */
  knownAgents?: ReadonlySet<string>;
  /** Each registered agent's capabilities: a task assigned to an agent lacking one it needs is refused. Omit to skip. */
  agentCapabilities?: ReadonlyMap<string, readonly string[]>;
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

/** Allowed values listed in a message; a longer list is cut, the issue's `allowed` keeps all. */
const MAX_LISTED = 40;
const MAX_VALUE_CHARS = 120;

/** `tasks[2].requiredCapabilities[0]` for a path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/**
 * A value from the plan as it appears in a message, in quotes: control characters, bidi overrides
 * and other invisible characters become visible escapes, so a plan cannot hide text or drive the
 * terminal that shows its errors.
 */
function quoted(value: string): string {
  return `"${neutraliseText(value).text}"`;
}

/** " Allowed values: a, b, c." for a message. */
function allowedText(allowed: readonly string[]): string {
  if (allowed.length === 0) return '';
  const listed = allowed
    .slice(0, MAX_LISTED)
    .map((v) => neutraliseText(v).text)
    .join(', ');
  return ` Allowed values: ${listed}${allowed.length > MAX_LISTED ? `, … (${allowed.length} in all)` : ''}.`;
}

function valueText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let node = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function schemaIssues(error: z.ZodError, input: unknown): PlanIssue[] {
  return error.issues.map((issue) => {
    const field = fieldPath(issue.path);
    const raw = valueAt(input, issue.path);
    const value = valueText(raw);
    const allowed = issue.code === 'invalid_value' ? issue.values.map((v) => String(v)) : undefined;
    // A string is shown in quotes; a number, object or list as its JSON, so `5` never reads as `"5"`.
    const got =
      value === undefined ? '' : ` (got ${typeof raw === 'string' ? quoted(value) : neutraliseText(value).text})`;
    return {
      code: 'schema',
      message: `${field || 'plan'}: ${issue.message}${got}.${allowed ? allowedText(allowed) : ''}`,
      ...(field ? { field } : {}),
      ...(value === undefined ? {} : { value }),
      ...(allowed ? { allowed } : {}),
    };
  });
}

/**
 * Checks a plan from any source (planner output, a file, a test) and reports every problem at
 * once, so a planner can be asked to fix them all in one go. Each issue names the field
 * (`tasks[2].requiredCapabilities[0]`), the value and, where they are a closed list, the values
 * allowed there.
 */
export function validatePlan(input: unknown, limits: PlanLimits): PlanValidation {
  // Plainly valid plans skip zod (same result, a fraction of the time); zod words every problem.
  let plan = parsePlanFast(input);
  if (plan === undefined) {
    const parsed = PlanSchema.safeParse(input);
    if (!parsed.success) return { ok: false, issues: schemaIssues(parsed.error, input) };
    plan = parsed.data;
  }
  const issues: PlanIssue[] = [];
  if (plan.tasks.length === 0) {
    issues.push({
      code: 'empty',
      field: 'tasks',
      message: 'tasks: the plan has no tasks. A plan needs at least one task.',
    });
  }
  if (plan.tasks.length > limits.maxTasks) {
    issues.push({
      code: 'too-many-tasks',
      field: 'tasks',
      value: String(plan.tasks.length),
      message: `tasks: the plan has ${plan.tasks.length} tasks, more than the limit of ${limits.maxTasks}. Split the goal into smaller plans, or raise the limit (the editor's agentOrchestrator.maxTasksPerPlan setting).`,
    });
  }
  const ids = new Set<string>();
  const tasks = plan.tasks;
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    if (ids.has(task.id)) {
      issues.push({
        code: 'duplicate-id',
        taskId: task.id,
        field: `tasks[${i}].id`,
        value: task.id,
        message: `tasks[${i}].id: task id "${task.id}" is used more than once. Give each task its own id.`,
      });
    }
    ids.add(task.id);
  }
  const knownCapabilities = limits.knownCapabilities && [...limits.knownCapabilities].sort();
  const knownAgents = limits.knownAgents && [...limits.knownAgents].sort();
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i]!;
    for (let j = 0; j < task.dependencies.length; j++) {
      const dep = task.dependencies[j]!;
      if (dep !== task.id && ids.has(dep)) continue;
      const field = `tasks[${i}].dependencies[${j}]`;
      if (dep === task.id) {
        issues.push({
          code: 'self-dependency',
          taskId: task.id,
          field,
          value: dep,
          message: `${field}: task "${task.id}" depends on itself. Remove this dependency.`,
        });
      } else if (!ids.has(dep)) {
        const allowed = [...ids].filter((id) => id !== task.id);
        issues.push({
          code: 'unknown-dependency',
          taskId: task.id,
          field,
          value: dep,
          allowed,
          message: `${field}: task "${task.id}" depends on "${dep}", which is not a task of this plan.${allowedText(allowed)} Remove the dependency or add a task with that id.`,
        });
      }
    }
    if (knownCapabilities) {
      for (let j = 0; j < task.requiredCapabilities.length; j++) {
        const cap = task.requiredCapabilities[j]!;
        if (limits.knownCapabilities?.has(cap)) continue;
        const field = `tasks[${i}].requiredCapabilities[${j}]`;
        issues.push({
          code: 'unknown-capability',
          taskId: task.id,
          field,
          value: cap,
          allowed: knownCapabilities,
          message: `${field}: task "${task.id}" needs capability ${quoted(cap)}, which no registered agent has.${allowedText(knownCapabilities) || ' No agent is registered.'}`,
        });
      }
    }
    if (task.agent === undefined) continue;
    const field = `tasks[${i}].agent`;
    if (knownAgents && !limits.knownAgents?.has(task.agent)) {
      issues.push({
        code: 'unknown-agent',
        taskId: task.id,
        field,
        value: task.agent,
        allowed: knownAgents,
        message: `${field}: task "${task.id}" is assigned to agent ${quoted(task.agent)}, which is not registered.${allowedText(knownAgents) || ' No agent is registered.'}`,
      });
      continue;
    }
    const has = limits.agentCapabilities?.get(task.agent);
    const lacking = has ? task.requiredCapabilities.filter((c) => !has.includes(c)) : [];
    if (lacking.length > 0) {
      const able = [...(limits.agentCapabilities ?? new Map<string, readonly string[]>())]
        .filter(([, caps]) => task.requiredCapabilities.every((c) => caps.includes(c)))
        .map(([id]) => id)
        .sort();
      issues.push({
        code: 'agent-lacks-capability',
        taskId: task.id,
        field,
        value: task.agent,
        allowed: able,
        message: `${field}: task "${task.id}" is assigned to agent ${quoted(task.agent)}, which lacks ${lacking.map(quoted).join(', ')} of the capabilities it needs.${allowedText(able) || ' No registered agent has all of them.'} Or leave "agent" out.`,
      });
    }
  }
  // Cycles are only meaningful once every id is unique and every dependency resolves. The graph's
  // own topological sort finds whether there is one; only then is it looked for, to be named.
  let graph: PlanGraph | undefined;
  if (
    issues.every((i) => i.code !== 'duplicate-id' && i.code !== 'unknown-dependency' && i.code !== 'self-dependency')
  ) {
    graph = acyclicPlanGraph(plan.tasks);
    const cycle = graph === undefined ? findCycle(plan.tasks) : undefined;
    if (cycle) {
      const at = plan.tasks.findIndex((t) => t.id === cycle[0]);
      issues.push({
        code: 'cycle',
        taskId: cycle[0],
        field: `tasks[${at}].dependencies`,
        message: `tasks[${at}].dependencies: the plan has a dependency cycle: ${cycle.join(' → ')}. Remove one of these dependencies.`,
      });
    }
  }
  if (issues.length > 0 || graph === undefined) return { ok: false, issues };
  return { ok: true, plan, graph };
}
