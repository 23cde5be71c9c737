// Log lines of a run as the Logs tab shows them.
import * as z from 'zod/mini';

/** One line of a run's log. */
export const LogLineSchema = z.strictObject({
  /** The run event's sequence number; lines arrive in this order. */
  seq: z.number().check(z.int(), z.nonnegative()),
  at: z.number(),
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
  taskId: z.optional(z.string()),
  agentId: z.optional(z.string()),
  /** Already scrubbed of secrets by the host; shown as text. */
  text: z.string(),
});
export type LogLine = z.infer<typeof LogLineSchema>;
