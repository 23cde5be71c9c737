// Steering one task from its node without stopping the rest of the run.
import * as z from 'zod';
import { AgentIdSchema, RunIdSchema, TaskIdSchema } from './ids';
import { lazySchema } from './lazySchema';

/** The actions a node offers. */
export const TaskActionKindSchema = lazySchema(() => z.enum(['cancel', 'retry', 'skip', 'reassign']));
export type TaskActionKind = z.infer<typeof TaskActionKindSchema>;

/** Webview → host: act on one task. `note` goes only with retry, `agentId` only with reassign (absent: the host asks). */
export const TaskActionMessageSchema = lazySchema(() =>
  z
    .strictObject({
      type: z.literal('taskAction'),
      runId: RunIdSchema,
      taskId: TaskIdSchema,
      action: TaskActionKindSchema,
      /** Added to the task's brief on retry; text only. */
      note: z.string().max(4000, 'a note is at most 4,000 characters').optional(),
      agentId: AgentIdSchema.optional(),
    })
    .refine((m) => m.action === 'reassign' || m.agentId === undefined, {
      message: 'agentId goes only with reassign',
      path: ['agentId'],
    })
    .refine((m) => m.action === 'retry' || m.note === undefined, {
      message: 'note goes only with retry',
      path: ['note'],
    }),
);
export type TaskActionMessage = z.infer<typeof TaskActionMessageSchema>;
