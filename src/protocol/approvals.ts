// Pending approvals shown in the panel, and the user's answer to one.
import * as z from 'zod';
import { ApprovalIdSchema, RunIdSchema, TaskIdSchema } from './ids';
import { lazySchema } from './lazySchema';

/** One proposal waiting for the user. */
export const ApprovalViewSchema = lazySchema(() =>
  z.strictObject({
    approvalId: ApprovalIdSchema,
    runId: RunIdSchema,
    taskId: TaskIdSchema,
    kind: z.enum(['edit', 'command']),
    /** The file an edit changes, relative to the run's folder. */
    path: z.string().optional(),
    /** The full command line of a command approval (escapes made visible by the host). */
    command: z.string().optional(),
    /** "+3 −1 in 2 hunks" and the like. */
    diffSummary: z.string(),
    /** A protected path or script: needs a fresh human decision. */
    protected: z.boolean(),
  }),
);
export type ApprovalView = z.infer<typeof ApprovalViewSchema>;

/** Host → webview: the proposals now waiting (the whole list, replacing the previous one). */
export const ApprovalPendingMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('approvalPending'),
    approvals: z.array(ApprovalViewSchema),
  }),
);

/** Webview → host: Approve or Reject on one proposal. */
export const ApprovalDecisionMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('approvalDecision'),
    approvalId: ApprovalIdSchema,
    decision: z.enum(['accept', 'reject']),
  }),
);

/** Webview → host: show the proposal's diff (beside, never over, the one being read). */
export const OpenDiffMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('openDiff'),
    approvalId: ApprovalIdSchema,
  }),
);
