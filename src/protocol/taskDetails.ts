// What the details pane of a task asks of the host besides task actions.
import * as z from 'zod';
import { RunIdSchema, TaskIdSchema } from './ids';
import { lazySchema } from './lazySchema';

/** No task lists more edits than this; a larger index is malformed. */
const MAX_EDIT_INDEX = 100_000;

/**
 * Webview → host: open the diff of one of the task's edits. The edit is named by its position in
 * the task's `edits`; the host looks the path up in its own run state, never takes one from here.
 */
export const OpenEditMessageSchema = lazySchema(() =>
  z.strictObject({
    type: z.literal('openEdit'),
    runId: RunIdSchema,
    taskId: TaskIdSchema,
    index: z.number().int().nonnegative().max(MAX_EDIT_INDEX),
  }),
);
export type OpenEditMessage = z.infer<typeof OpenEditMessageSchema>;
