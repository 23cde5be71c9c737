import type * as McpSdk from '@modelcontextprotocol/sdk/server/mcp.js';
import type * as StdioSdk from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { errorMessage } from '../core/common/errors';
import { version } from '../../package.json';
import type { McpRuns } from './mcpRuns';
import { UsageError } from './usageError';

/** A tool call's answer: JSON text, or an error result whose text says what to send. */
type ToolResult = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

const RUN_ID = z
  .string({ error: 'Send {"runId": "run-…"}: the id that plan or run returned.' })
  .min(1, 'Send {"runId": "run-…"}: the id that plan or run returned.')
  .describe('The run id that plan or run returned.');
const GOAL = z
  .string({ error: 'Send {"goal": "…"}: one sentence saying what the agents should achieve.' })
  .trim()
  .min(1, 'The goal is empty: send {"goal": "…"} with one sentence saying what the agents should achieve.')
  .describe('What the agents should achieve, in one sentence.');

/**
 * The MCP server of `agent-orchestrator mcp`: tools `plan`, `run`, `status` and `resume` over
 * `runs`. Input is checked with zod (by the SDK, with these messages, and again here); every
 * refusal is an error result, never a thrown protocol error, so the calling model can correct it.
 * The SDK is required here, on first use, so other commands never load it.
 */
export function createMcpServer(runs: McpRuns): McpSdk.McpServer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js') as typeof McpSdk;
  const server = new McpServer({ name: 'agent-orchestrator', version });
  server.registerTool(
    'plan',
    {
      title: 'Plan a goal',
      description:
        'Plans a goal into tasks (a dry run: no task runs, no file changes). Returns the plan and the run id of the dry run; pass that id to run as fromRun to execute exactly this plan.',
      inputSchema: { goal: GOAL },
    },
    async (args) => answer(async () => runs.plan(args.goal)),
  );
  server.registerTool(
    'run',
    {
      title: 'Run a goal',
      description:
        'Starts a run in the background and returns its run id at once: either {"goal": "…"} (plan and run) or {"fromRun": "<id of a dry run>"} (run that plan). Ask status for progress. Edits that need a person pause the run unless the server was started with --approve auto.',
      inputSchema: {
        goal: GOAL.optional(),
        fromRun: RUN_ID.optional().describe('The run id of a dry run (from plan) whose plan to execute.'),
      },
    },
    async (args) =>
      answer(async () => {
        if ((args.goal === undefined) === (args.fromRun === undefined))
          throw new UsageError('Send either {"goal": "…"} or {"fromRun": "<run id from plan>"}, exactly one of them.');
        const runId = await runs.run(args.goal !== undefined ? { goal: args.goal } : { fromRun: args.fromRun! });
        return { runId, status: 'running' };
      }),
  );
  server.registerTool(
    'status',
    {
      title: 'Run status',
      description:
        'The status of a run: running, paused (with the reason), succeeded, failed, cancelled or planned; its tasks, the files changed and the tokens and cost used.',
      inputSchema: { runId: RUN_ID },
    },
    async (args) => answer(async () => runs.status(args.runId)),
  );
  server.registerTool(
    'resume',
    {
      title: 'Resume a run',
      description:
        'Resumes a paused, failed or cancelled run in the background with the settings it was started with; returns at once. Ask status for progress.',
      inputSchema: { runId: RUN_ID },
    },
    async (args) => answer(async () => ({ runId: await runs.resume(args.runId), status: 'running' })),
  );
  return server;
}

/** Connects `server` to this process's stdin and stdout; resolves when stdin ends (the client went away). */
export async function serveOnStdio(server: McpSdk.McpServer): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js') as typeof StdioSdk;
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.connect(new StdioServerTransport());
  await closed;
  await server.close();
}

async function answer(call: () => Promise<unknown>): Promise<ToolResult> {
  try {
    return { content: [{ type: 'text', text: JSON.stringify(await call(), null, 2) }] };
  } catch (err) {
    // A usage error is the client's to fix; anything else is ours, said as plainly.
    const text = err instanceof UsageError ? err.message : `The tool failed: ${errorMessage(err)}`;
    return { content: [{ type: 'text', text }], isError: true };
  }
}
