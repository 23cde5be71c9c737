import { z } from 'zod';

/** Task ids are short slugs so they read well in logs, file names and the graph. */
export const TaskIdSchema = z
  .string()
  .min(1, 'a task id must not be empty')
  .max(64, 'a task id must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a task id may only use letters, digits, ".", "_" and "-"');

/** A workspace-relative path or glob, in forward-slash form; never absolute and never climbing out with "..". */
export const WorkspacePathSchema = z
  .string()
  .min(1, 'a path must not be empty')
  .refine(
    (p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.startsWith('\\'),
    'a path must be relative to the workspace root',
  )
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'a path must not contain ".."');

/** One unit of work in a plan. */
export const TaskSpecSchema = z.object({
  /** Unique within the plan. */
  id: TaskIdSchema,
  /** One line for the graph and the tree. */
  title: z.string().min(1, 'a task needs a title').max(200),
  /** What to do, for the agent. */
  description: z.string().default(''),
  /** Capabilities an agent must have to take the task (e.g. "code", "test"). */
  requiredCapabilities: z.array(z.string().min(1)).default([]),
  /** Ids of tasks that must succeed before this one starts. */
  dependencies: z.array(TaskIdSchema).default([]),
  /** Higher runs first among tasks with equal critical-path length. */
  priority: z.number().int().min(0).max(100).default(50),
  /** How to tell the task is done. */
  acceptanceCriteria: z.array(z.string().min(1)).default([]),
  /** Paths or globs the task expects to read. */
  reads: z.array(WorkspacePathSchema).default([]),
  /** Paths or globs the task expects to write; writers of overlapping paths never run at once. */
  writes: z.array(WorkspacePathSchema).default([]),
  /** Manual assignment: the id of the agent that must run this task. */
  agent: z.string().min(1).optional(),
  /** Per-attempt time limit in milliseconds. */
  timeoutMs: z.number().int().positive().optional(),
  /**
   * The task's own checks: shell commands (e.g. "npm test -- test/a.test.ts") that must pass, exit
   * code 0, before the task counts as done; run only if the policy allows them.
   */
  verify: z
    .array(z.string().trim().min(1, 'a check must not be empty').max(500, 'a check must be at most 500 characters'))
    .max(5, 'a task may name at most 5 checks')
    .optional(),
});

/** A plan as produced by the planner (or written by hand), before graph validation. */
export const PlanSchema = z.object({
  goal: z.string().default(''),
  tasks: z.array(TaskSpecSchema),
});

/** A task as stored in a validated plan (defaults filled in). */
export type TaskSpec = z.output<typeof TaskSpecSchema>;
/** What a planner may hand in (defaults optional). */
export type TaskSpecInput = z.input<typeof TaskSpecSchema>;
/** A plan with defaults filled in. */
export type Plan = z.output<typeof PlanSchema>;
/** What a planner may hand in. */
export type PlanInput = z.input<typeof PlanSchema>;
