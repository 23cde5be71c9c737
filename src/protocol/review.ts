// The whole-run review: every file a run changed, by hunk, with accept and revert. The webview
// names files and hunks only by the ids the host sent; the host resolves them to paths itself.
import * as z from 'zod';
import { RunIdSchema, TaskIdSchema } from './ids';
import { lazySchema } from './lazySchema';

/** A file or hunk id the host made (16 hex digits of a hash); it carries no path. */
export const ReviewIdSchema = lazySchema(() =>
  z.string().regex(/^[0-9a-f]{16}$/, 'a review id is 16 lowercase hex digits'),
);

/** One line of a hunk as a unified diff shows it: context, removed or added; the text has no line ending. */
export const ReviewLineSchema = lazySchema(() =>
  z.strictObject({
    kind: z.enum(['context', 'removed', 'added']),
    text: z.string(),
  }),
);
export type ReviewLine = z.infer<typeof ReviewLineSchema>;

/** One change within a file: lines of the checkpoint replaced by lines on disk now. */
export const ReviewHunkSchema = lazySchema(() =>
  z.strictObject({
    hunkId: ReviewIdSchema,
    /** 1-based first line in the checkpoint's version, and how many lines it replaces. */
    oldStart: z.number().int().nonnegative(),
    oldLines: z.number().int().nonnegative(),
    /** 1-based first line in the file now, and how many lines it has there. */
    newStart: z.number().int().nonnegative(),
    newLines: z.number().int().nonnegative(),
    lines: z.array(ReviewLineSchema),
    /** Lines of the hunk left out to keep the message small. */
    moreLines: z.number().int().nonnegative(),
    /** A person kept this hunk (recorded in the run). */
    accepted: z.boolean(),
  }),
);
export type ReviewHunk = z.infer<typeof ReviewHunkSchema>;

/** One file the run changed. */
export const ReviewFileSchema = lazySchema(() =>
  z.strictObject({
    fileId: ReviewIdSchema,
    /** Workspace-relative, for display only; the webview never sends it back. */
    path: z.string(),
    status: z.enum(['added', 'modified', 'deleted']),
    added: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    /** The tasks whose applied edits changed the file. */
    tasks: z.array(TaskIdSchema),
    hunks: z.array(ReviewHunkSchema),
    /** Hunks left out to keep the message small. */
    moreHunks: z.number().int().nonnegative(),
    /** Why the file has no hunks to show (binary, too large, unreadable); it can still be reverted whole. */
    note: z.string().optional(),
  }),
);
export type ReviewFile = z.infer<typeof ReviewFileSchema>;

/** Host → webview: the review of one run, replacing the previous one. */
export const ReviewMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('review'),
    runId: RunIdSchema,
    /** `ready`: files listed; `unavailable`: no review possible, `note` says why and what to do. */
    status: z.enum(['ready', 'unavailable']),
    files: z.array(ReviewFileSchema),
    /** Files left out to keep the message small. */
    moreFiles: z.number().int().nonnegative(),
    /** Why the review is unavailable, or what the last action did (a refusal says what to do next). */
    note: z.string().optional(),
    /** The run still runs: the review is read-only until it ends. */
    readOnly: z.boolean(),
  }),
);
export type ReviewMessage = z.infer<typeof ReviewMessageSchema>;

/** Webview → host: compute (again) the review of a run. */
export const ReviewRequestMessageSchema = lazySchema(() =>
  z.strictObject({ type: z.literal('reviewRequest'), runId: RunIdSchema }),
);

/** Webview → host: keep (`accept`) or put back (`revert`) one hunk. */
export const HunkDecisionMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('hunkDecision'),
    runId: RunIdSchema,
    fileId: ReviewIdSchema,
    hunkId: ReviewIdSchema,
    decision: z.enum(['accept', 'revert']),
  }),
);
export type HunkDecisionMessage = z.infer<typeof HunkDecisionMessageSchema>;

/** Webview → host: put the whole file back as it was before the run (delete it when the run created it). */
export const RevertFileMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('revertFile'),
    runId: RunIdSchema,
    fileId: ReviewIdSchema,
  }),
);

/** Webview → host: open VS Code's diff of the checkpoint's version against the file now. */
export const OpenReviewDiffMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('openReviewDiff'),
    runId: RunIdSchema,
    fileId: ReviewIdSchema,
  }),
);

/** Every review message the webview may send. */
export type ReviewRequest =
  | z.infer<typeof ReviewRequestMessageSchema>
  | HunkDecisionMessage
  | z.infer<typeof RevertFileMessageSchema>
  | z.infer<typeof OpenReviewDiffMessageSchema>;
