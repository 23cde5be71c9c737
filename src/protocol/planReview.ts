// Reviewing a planned (dry-run) plan in the panel before it runs. The host owns the plan and sends
// it whole; the webview sends one bounded edit at a time, naming tasks by id, so no message from
// the webview comes near the 16 kB limit whatever the plan's size.
import * as z from 'zod/mini';
import { AgentIdSchema, RunIdSchema, TaskIdSchema } from './ids';

/** The longest title a task may have (the plan schema's limit). */
export const MAX_TITLE_CHARS = 200;
/** The longest description the panel sends. */
export const MAX_DESCRIPTION_CHARS = 4000;

/** One line, 1 to 200 characters, no control characters. */
export const TaskTitleSchema = z.string().check(
  z.maxLength(MAX_TITLE_CHARS, `a title is at most ${MAX_TITLE_CHARS} characters`),
  z.refine((t) => t.trim() !== '', 'a title must not be empty'),
  // eslint-disable-next-line no-control-regex
  z.regex(/^[^\u0000-\u001f\u007f]*$/, 'a title is one line with no control characters'),
);

// eslint-disable-next-line no-control-regex
const DESCRIPTION_TEXT = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;

/** At most MAX_DESCRIPTION_CHARS (4,000) characters, as the message says; line breaks and tabs allowed, no other control characters. */
export const TaskDescriptionSchema = z
  .string()
  .check(
    z.maxLength(MAX_DESCRIPTION_CHARS, 'a description is at most 4,000 characters'),
    z.regex(DESCRIPTION_TEXT, 'a description has no control characters but line breaks and tabs'),
  );

/** One task of the plan under review. */
export const PlanTaskViewSchema = z.strictObject({
  id: TaskIdSchema,
  title: z.string(),
  description: z.string(),
  /** The agent the task is assigned to; absent when the engine chooses by capability. */
  agentId: z.optional(z.string()),
  /** Ids of the tasks this one waits for. */
  deps: z.array(TaskIdSchema),
  capabilities: z.array(z.string()),
  acceptanceCriteria: z.array(z.string()),
});
export type PlanTaskView = z.infer<typeof PlanTaskViewSchema>;

/** The plan under review, as the host holds it now. */
export const PlanReviewViewSchema = z.strictObject({
  /** The dry run that produced the plan: the review's id. */
  runId: RunIdSchema,
  /** Bumped by every edit the host applies; Run names the version the person saw. */
  version: z.number().check(z.int(), z.nonnegative()),
  goal: z.string(),
  tasks: z.array(PlanTaskViewSchema),
  /** The registered agents a task may be assigned to. */
  agents: z.array(AgentIdSchema),
});
export type PlanReviewView = z.infer<typeof PlanReviewViewSchema>;

/** The part of a task an issue is about, so the page can show it beside that field. */
export const PlanIssueFieldSchema = z.enum(['title', 'description', 'agent', 'deps', 'capabilities', 'task', 'plan']);
export type PlanIssueField = z.infer<typeof PlanIssueFieldSchema>;

/** One problem, said so that a person knows what to change. */
export const PlanIssueViewSchema = z.strictObject({
  taskId: z.optional(TaskIdSchema),
  field: PlanIssueFieldSchema,
  message: z.string(),
});
export type PlanIssueView = z.infer<typeof PlanIssueViewSchema>;

/** Host → webview: the plan under review (on opening, after each edit, on a resync). */
export const PlanReviewMessageSchema = z.strictObject({
  type: z.literal('planReview'),
  review: PlanReviewViewSchema,
  /** What the last edit did beyond the obvious ("b no longer waits for a"). */
  notice: z.optional(z.string()),
});

/**
 * Host → webview: `validation` — what the plan of `version` must fix before it can run (empty: it
 * can run); `edit` — why the last edit was refused (the plan is unchanged).
 */
export const PlanIssuesMessageSchema = z.strictObject({
  type: z.literal('planIssues'),
  runId: RunIdSchema,
  version: z.number().check(z.int(), z.nonnegative()),
  kind: z.enum(['validation', 'edit']),
  issues: z.array(PlanIssueViewSchema),
});

/** Host → webview: the review is over — its plan started as `startedRunId`, or it was discarded. */
export const PlanReviewEndedMessageSchema = z.strictObject({
  type: z.literal('planReviewEnded'),
  runId: RunIdSchema,
  startedRunId: z.optional(RunIdSchema),
});

/** One change to the plan. `dependsOn` is the task that must finish first. */
export const PlanEditOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('setTitle'), taskId: TaskIdSchema, title: TaskTitleSchema }),
  z.strictObject({ op: z.literal('setDescription'), taskId: TaskIdSchema, description: TaskDescriptionSchema }),
  /** `agentId` absent: the engine chooses by capability. */
  z.strictObject({ op: z.literal('setAgent'), taskId: TaskIdSchema, agentId: z.optional(AgentIdSchema) }),
  z.strictObject({ op: z.literal('deleteTask'), taskId: TaskIdSchema }),
  z.strictObject({ op: z.literal('addEdge'), taskId: TaskIdSchema, dependsOn: TaskIdSchema }),
  z.strictObject({ op: z.literal('removeEdge'), taskId: TaskIdSchema, dependsOn: TaskIdSchema }),
]);
export type PlanEditOp = z.infer<typeof PlanEditOpSchema>;

/** Webview → host: apply one edit to the plan under review. */
export const PlanEditMessageSchema = z.strictObject({
  type: z.literal('planEdit'),
  runId: RunIdSchema,
  edit: PlanEditOpSchema,
});
export type PlanEditMessage = z.infer<typeof PlanEditMessageSchema>;

/** Webview → host: run the plan exactly as the person saw it (`version`). */
export const PlanRunMessageSchema = z.strictObject({
  type: z.literal('planRun'),
  runId: RunIdSchema,
  version: z.number().check(z.int(), z.nonnegative()),
});

/** Webview → host: drop the review (the dry run and its plan document stay). */
export const PlanDiscardMessageSchema = z.strictObject({ type: z.literal('planDiscard'), runId: RunIdSchema });

/** Webview → host: open the plan under review as a JSON document (the host picks the file). */
export const PlanOpenJsonMessageSchema = z.strictObject({ type: z.literal('planOpenJson'), runId: RunIdSchema });

/** Every webview message about a plan review. */
export type PlanReviewRequest =
  | PlanEditMessage
  | z.infer<typeof PlanRunMessageSchema>
  | z.infer<typeof PlanDiscardMessageSchema>
  | z.infer<typeof PlanOpenJsonMessageSchema>;
