import { z } from 'zod';
import { errorMessage } from '../common/errors';
import { toJsonValue } from '../context/jsonCopy';
import type { JsonValue } from '../model/runEvents';
import type { ToolContext } from './toolContext';
import { defineTool } from './toolDefinition';
import { lazySchema } from '../common/lazySchema';

/** The name of the tool an agent calls to say it is done; the agent loop ends the task on it. */
export const FINISH_TOOL = 'finish_task';

/** finish_task's arguments. */
export const FinishTaskArgsSchema = lazySchema(() =>
  z.strictObject({
    summary: z
      .string()
      .trim()
      .min(1, 'summary must say what was done')
      .max(2000)
      .describe('One or two sentences on what you did (or why you could not).'),
    output: z
      .unknown()
      .optional()
      .superRefine((output, ctx) => {
        if (output === undefined) return;
        // The output lands in the event log and in the briefs of dependent tasks: JSON, bounded in size and depth.
        try {
          toJsonValue(output, 'output');
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: errorMessage(err) });
        }
      })
      .describe('Optional JSON result for the tasks that depend on this one.'),
  }),
);

/** What the agent loop takes from a finish_task call. */
export interface FinishTaskArgs {
  summary: string;
  output?: JsonValue;
}

/** True when `args` are valid finish_task arguments; the agent loop ends a task only on these, and sends the rest through the bus for its error. */
export function isFinishTaskArgs(args: unknown): args is FinishTaskArgs {
  return FinishTaskArgsSchema.safeParse(args).success;
}

/** finish_task: returns a marker result (`data.finished`); the loop, not the tool, ends the task. */
export const finishTaskTool = defineTool<ToolContext, typeof FinishTaskArgsSchema>({
  name: FINISH_TOOL,
  description:
    'Call this once the task is done (or cannot be done), with a short summary. Do not call other tools after it.',
  parameters: FinishTaskArgsSchema,
  async run(args) {
    return { content: 'Task finished.', data: { finished: true, summary: args.summary } };
  },
});
