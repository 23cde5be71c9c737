// The run's task graph as the webview sees it: a plain view model the host derives from the
// engine's run state, so the protocol (and the webview) never depend on the core's types.
import * as z from 'zod/mini';
import { AgentIdSchema, RunIdSchema, TaskIdSchema } from './ids';

/** Every status a node can show; `ready`, `awaitingApproval` and `retrying` are derived by the host. */
export const TaskViewStatusSchema = z.enum([
  'pending',
  'ready',
  'running',
  'awaitingApproval',
  'succeeded',
  'failed',
  'retrying',
  'skipped',
  'cancelled',
]);
export type TaskViewStatus = z.infer<typeof TaskViewStatusSchema>;

/** The run's own status, as the run tree shows it. */
export const RunViewStatusSchema = z.enum([
  'running',
  'planned',
  'paused',
  'succeeded',
  'failed',
  'cancelled',
  'interrupted',
  'elsewhere',
]);
export type RunViewStatus = z.infer<typeof RunViewStatusSchema>;

/** One attempt at a task. */
export const AttemptViewSchema = z.strictObject({
  /** 1 for the first attempt. */
  attempt: z.number().check(z.int(), z.positive()),
  agentId: z.string(),
  startedAt: z.number(),
  endedAt: z.optional(z.number()),
  outcome: z.optional(z.enum(['succeeded', 'failed', 'cancelled'])),
  /** Model or engine text: the webview shows it as sanitised Markdown (webview/markdown.ts), never as HTML. */
  failure: z.optional(z.string()),
});
export type AttemptView = z.infer<typeof AttemptViewSchema>;

/** One node of the graph. */
export const TaskViewSchema = z.strictObject({
  id: TaskIdSchema,
  title: z.string(),
  status: TaskViewStatusSchema,
  /** The agent of the latest attempt, or the one assigned. */
  agentId: z.optional(z.string()),
  /** `provider/model` of the latest model call, when known. */
  model: z.optional(z.string()),
  /** Ids of the tasks this one waits for. */
  deps: z.array(TaskIdSchema),
  tokens: z.number().check(z.nonnegative()),
  costUsd: z.number().check(z.nonnegative()),
  /** True when part of the task's usage came from a model nobody priced: the cost shows as unknown, never $0. */
  costUnknown: z.optional(z.boolean()),
  attempts: z.array(AttemptViewSchema),
  /** Sum of the attempts' durations, in milliseconds. */
  durationMs: z.number().check(z.nonnegative()),
  /** Finding messages reported against the task (text). */
  findings: z.array(z.string()),
  /** Paths its applied edits changed, relative to the run's folder. */
  edits: z.array(z.string()),
  /** The task's result summary or last failure: model text, shown as sanitised Markdown. */
  summary: z.optional(z.string()),
});
export type TaskView = z.infer<typeof TaskViewSchema>;

/** The whole graph of one run. */
export const RunGraphSchema = z.strictObject({
  runId: RunIdSchema,
  goal: z.string(),
  status: RunViewStatusSchema,
  tasks: z.array(TaskViewSchema),
  /** Agents a task may be reassigned to. */
  agents: z.array(AgentIdSchema),
});
export type RunGraph = z.infer<typeof RunGraphSchema>;
