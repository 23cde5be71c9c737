// The run's timeline as the webview draws it: a Gantt of attempts with their waits, one lane per
// agent slot, derived by the host from the run state.
import * as z from 'zod';
import { AgentIdSchema, RunIdSchema, TaskIdSchema } from './ids';
import { lazySchema } from './lazySchema';

/** What a segment shows: an attempt, or one kind of wait. */
export const SegmentKindSchema = lazySchema(() => z.enum(['attempt', 'lock', 'rateLimit', 'approval', 'budget']));
export type SegmentKind = z.infer<typeof SegmentKindSchema>;

/** One row of the Gantt. */
export const TimelineLaneSchema = lazySchema(() =>
  z.strictObject({
    /** Position of the row, from 0, top first. */
    index: z.number().int().nonnegative(),
    agentId: AgentIdSchema,
    /** `slot`: an attempt runs here (at most the agent's maxLoad of them); `queue`: waits before a start. */
    kind: z.enum(['slot', 'queue']),
    /** "coder #1", "coder waiting #1". */
    label: z.string(),
  }),
);
export type TimelineLane = z.infer<typeof TimelineLaneSchema>;

/** One bar: an attempt at a task, or a wait of it. */
export const TimelineSegmentSchema = lazySchema(() =>
  z.strictObject({
    taskId: TaskIdSchema,
    attempt: z.number().int().positive(),
    agentId: AgentIdSchema,
    /** Index of its lane. */
    lane: z.number().int().nonnegative(),
    /** Milliseconds since the epoch. */
    start: z.number(),
    /** Absent while it runs: the webview grows it up to now. */
    end: z.number().optional(),
    kind: SegmentKindSchema,
    /** How an attempt ended. */
    outcome: z.enum(['succeeded', 'failed', 'cancelled']).optional(),
    /** What a wait waited for (a model, a file); text, shown as text. */
    detail: z.string().optional(),
  }),
);
export type TimelineSegment = z.infer<typeof TimelineSegmentSchema>;

/** The Gantt of one run. */
export const TimelineViewSchema = lazySchema(() =>
  z.strictObject({
    runId: RunIdSchema,
    lanes: z.array(TimelineLaneSchema),
    segments: z.array(TimelineSegmentSchema),
  }),
);
export type TimelineView = z.infer<typeof TimelineViewSchema>;

/** Host → webview: the shown run's timeline (whole, replacing the previous one; sent only when it changed). */
export const TimelineMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('timeline'),
    timeline: TimelineViewSchema,
  }),
);
