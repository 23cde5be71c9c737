// Pending approvals shown in the panel, and the user's answer to one.
import * as z from 'zod/mini';
import { ApprovalIdSchema, RunIdSchema, TaskIdSchema } from './ids';

/** One proposal waiting for the user. */
export const ApprovalViewSchema = z.strictObject({
  approvalId: ApprovalIdSchema,
  runId: RunIdSchema,
  taskId: TaskIdSchema,
  kind: z.enum(['edit', 'command']),
  /** The file an edit changes, relative to the run's folder. */
  path: z.optional(z.string()),
  /** The full command line of a command approval (escapes made visible by the host). */
  command: z.optional(z.string()),
  /** "+3 −1 in 2 hunks" and the like. */
  diffSummary: z.string(),
  /** A protected path or script: needs a fresh human decision. */
  protected: z.boolean(),
});
export type ApprovalView = z.infer<typeof ApprovalViewSchema>;

/** Host → webview: the proposals now waiting (the whole list, replacing the previous one). */
export const ApprovalPendingMessageSchema = z.strictObject({
  type: z.literal('approvalPending'),
  approvals: z.array(ApprovalViewSchema),
});

/** Longest rejection reason the panel sends (the same bound as the editor's reason box). */
export const MAX_REJECT_REASON_CHARS = 1000;

/** Webview → host: Approve or Reject on one proposal; a rejection may carry the person's reason for the agent. */
export const ApprovalDecisionMessageSchema = z
  .strictObject({
    type: z.literal('approvalDecision'),
    approvalId: ApprovalIdSchema,
    decision: z.enum(['accept', 'reject']),
    /** The person's words for the agent, with Reject only; empty means none. */
    reason: z.optional(
      z
        .string()
        .check(
          z.maxLength(
            MAX_REJECT_REASON_CHARS,
            `a rejection reason is at most ${MAX_REJECT_REASON_CHARS} characters; shorten it`,
          ),
        ),
    ),
  })
  .check(
    z.refine((m) => m.decision === 'reject' || m.reason === undefined, {
      message: 'a reason goes with Reject only; send Approve without one',
      path: ['reason'],
    }),
  );

/** Webview → host: show the proposal's diff (beside, never over, the one being read). */
export const OpenDiffMessageSchema = z.strictObject({
  type: z.literal('openDiff'),
  approvalId: ApprovalIdSchema,
});
