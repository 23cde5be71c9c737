import { z } from 'zod';
import { lazySchema } from '../common/lazySchema';

/** Task ids are short slugs so they read well in logs, file names and the graph. */
export const TaskIdSchema = lazySchema(() =>
  z
    .string()
    .min(1, 'a task id must not be empty')
    .max(64, 'a task id must be at most 64 characters')
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a task id may only use letters, digits, ".", "_" and "-"'),
);

/** A workspace-relative path or glob, in forward-slash form; never absolute and never climbing out with "..". */
export const WorkspacePathSchema = lazySchema(() =>
  z
    .string()
    .min(1, 'a path must not be empty')
    .refine(
      (p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.startsWith('\\'),
      'a path must be relative to the workspace root',
    )
    .refine((p) => !p.split(/[\\/]/).includes('..'), 'a path must not contain ".."'),
);

/**
 * One unit of work in a plan. The descriptions go to the planner model with the JSON schema, and
 * say in words what strict structured output cannot carry (lengths, patterns, ranges); zod still
 * checks all of it. Optional fields become nullable for strict mode, and Anthropic's strict tools
 * take at most 16 of those (test/unit/plan/planJsonSchema.test.ts keeps the plan under it).
 */
export const TaskSpecSchema = lazySchema(() =>
  z.object({
    /** Unique within the plan. */
    id: TaskIdSchema.describe('Unique short id: letters, digits, ".", "_" or "-", at most 64 characters.'),
    /** One line for the graph and the tree. */
    title: z.string().min(1, 'a task needs a title').max(200).describe('One line, at most 200 characters.'),
    /** What to do, for the agent. */
    description: z.string().default('').describe('What the agent must do, precisely.'),
    /** Capabilities an agent must have to take the task (e.g. "code", "test"). */
    requiredCapabilities: z
      .array(z.string().min(1))
      .default([])
      .describe('Capabilities an agent needs for this task; only capabilities of the available agents.'),
    /** Ids of tasks that must succeed before this one starts. */
    dependencies: z
      .array(TaskIdSchema)
      .default([])
      .describe('Ids of other tasks of this plan whose results this task needs; independent tasks run in parallel.'),
    /** Higher runs first among tasks with equal critical-path length. */
    priority: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(50)
      .describe('0 to 100 (default 50); higher runs first among otherwise equal tasks.'),
    /** How to tell the task is done. */
    acceptanceCriteria: z.array(z.string().min(1)).default([]).describe('How to tell the task is done.'),
    /** Paths or globs the task expects to read. */
    reads: z.array(WorkspacePathSchema).default([]).describe('Workspace-relative paths or globs the task must read.'),
    /** Paths or globs the task expects to write; writers of overlapping paths never run at once. */
    writes: z
      .array(WorkspacePathSchema)
      .default([])
      .describe(
        'Workspace-relative paths or globs the task will change; tasks writing the same path never run at once.',
      ),
    /** Manual assignment: the id of the agent that must run this task. */
    agent: z.string().min(1).optional().describe('Only to insist on one agent: its id; otherwise null.'),
    /** Per-attempt time limit in milliseconds. */
    timeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Per-attempt time limit in milliseconds (a positive whole number); usually null.'),
    /**
     * The task's own checks: shell commands (e.g. "npm test -- test/a.test.ts") that must pass, exit
     * code 0, before the task counts as done; run only if the policy allows them.
     */
    verify: z
      .array(z.string().trim().min(1, 'a check must not be empty').max(500, 'a check must be at most 500 characters'))
      .max(5, 'a task may name at most 5 checks')
      .optional(),
  }),
);

/** A plan as produced by the planner (or written by hand), before graph validation. */
export const PlanSchema = lazySchema(() =>
  z.object({
    goal: z.string().default('').describe('The goal, in one sentence.'),
    tasks: z.array(TaskSpecSchema).describe('The tasks, at least one.'),
  }),
);

/** A task as stored in a validated plan (defaults filled in). */
export type TaskSpec = z.output<typeof TaskSpecSchema>;
/** What a planner may hand in (defaults optional). */
export type TaskSpecInput = z.input<typeof TaskSpecSchema>;
/** A plan with defaults filled in. */
export type Plan = z.output<typeof PlanSchema>;
/** What a planner may hand in. */
export type PlanInput = z.input<typeof PlanSchema>;
