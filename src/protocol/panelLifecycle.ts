// The handshake and the stream: the webview says ready, the host answers with a snapshot and then
// sends events; choosing another run asks for its snapshot.
import * as z from 'zod';
import { RunGraphSchema, RunViewStatusSchema, TaskViewSchema } from './graph';
import { RunIdSchema } from './ids';
import { LogLineSchema } from './logs';
import { ApprovalViewSchema } from './approvals';
import { lazySchema } from './lazySchema';

/** Webview → host: the page is loaded (or shown again) and wants a snapshot. */
export const ReadyMessageSchema = lazySchema(() => z.strictObject({ type: z.literal('ready') }));

/** Webview → host: show this run instead. */
export const SelectRunMessageSchema = lazySchema(() =>
  z.strictObject({ type: z.literal('selectRun'), runId: RunIdSchema }),
);

/** Host → webview: everything about the shown run; replaces what the page had. */
export const SnapshotMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('snapshot'),
    graph: RunGraphSchema,
    approvals: z.array(ApprovalViewSchema),
    logs: z.array(LogLineSchema),
  }),
);

/** A change to the shown run. */
export const PanelEventSchema = lazySchema(() =>
  z.discriminatedUnion('kind', [
    /** A task changed: its node is replaced. */
    z.strictObject({ kind: z.literal('task'), task: TaskViewSchema }),
    /** The run's status changed. */
    z.strictObject({ kind: z.literal('run'), status: RunViewStatusSchema }),
    /** New log lines. */
    z.strictObject({ kind: z.literal('log'), lines: z.array(LogLineSchema) }),
  ]),
);
export type PanelEvent = z.infer<typeof PanelEventSchema>;

/** Host → webview: one change of the shown run. */
export const EventMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('event'),
    runId: RunIdSchema,
    event: PanelEventSchema,
  }),
);

/** One entry of the run switcher. */
export const RunListEntrySchema = lazySchema(() =>
  z.strictObject({
    runId: RunIdSchema,
    goal: z.string(),
    status: RunViewStatusSchema,
  }),
);

/** Host → webview: the runs the panel can switch to, newest first. */
export const RunListMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('runList'),
    runs: z.array(RunListEntrySchema),
    selected: RunIdSchema.optional(),
  }),
);
