import type { ProviderTable } from '../core/llm/providerTable';
import type { McpArgs } from './cliCommand';
import type { CliIo } from './cliIo';
import { ExitCode } from './exitCodes';
import { McpRuns } from './mcpRuns';
import { createMcpServer, serveOnStdio } from './mcpServer';
import { DEFAULT_CONCURRENCY } from './runCommand';

/**
 * `mcp`: serves plan, run, status and resume over stdio until the client closes stdin, then
 * cancels the runs still going (their state is saved; `resume` continues them). stdout belongs to
 * the MCP protocol, so warnings go to stderr.
 */
export async function mcpCommand(
  args: McpArgs,
  io: CliIo,
  stateDir: string,
  providers: ProviderTable,
): Promise<number> {
  const runs = new McpRuns({
    stateDir,
    settings: {
      workspace: args.workspace,
      models: {
        provider: args.provider ?? 'auto',
        ...(args.model === undefined ? {} : { model: args.model }),
        ...(args.baseUrl === undefined ? {} : { baseUrl: args.baseUrl }),
      },
      concurrency: args.concurrency ?? DEFAULT_CONCURRENCY,
      verify: args.verify,
      ...(args.passEnv.length === 0 ? {} : { passEnv: args.passEnv }),
      ...(args.thresholds === undefined ? {} : { thresholds: args.thresholds }),
      ...(args.repairAttempts === undefined ? {} : { repairAttempts: args.repairAttempts }),
      ...(args.commandLimits === undefined ? {} : { commandLimits: args.commandLimits }),
      ...(args.prices === undefined ? {} : { prices: args.prices }),
      ...(args.responseCache === undefined ? {} : { responseCache: args.responseCache }),
    },
    approve: args.approve,
    budget: args.budget,
    providers,
    env: io.env,
    warn: (message) => io.stderr.write(`agent-orchestrator mcp: ${message}\n`),
  });
  io.stderr.write(
    `agent-orchestrator mcp: serving plan, run, status and resume on stdio for ${args.workspace} (approvals: ${args.approve}).\n`,
  );
  try {
    await serveOnStdio(createMcpServer(runs));
  } finally {
    await runs.close();
  }
  return ExitCode.ok;
}
