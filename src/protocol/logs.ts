// Log lines of a run as the Logs tab shows them.
import * as z from 'zod';
import { lazySchema } from './lazySchema';

/** One line of a run's log. */
export const LogLineSchema = lazySchema(() =>
  z.strictObject({
    /** The run event's sequence number; lines arrive in this order. */
    seq: z.number().int().nonnegative(),
    at: z.number(),
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
    taskId: z.string().optional(),
    agentId: z.string().optional(),
    /** Already scrubbed of secrets by the host; shown as text. */
    text: z.string(),
  }),
);
export type LogLine = z.infer<typeof LogLineSchema>;
