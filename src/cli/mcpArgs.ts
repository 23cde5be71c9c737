import type { ApproveMode } from './cliCommand';
import { UsageError } from './usageError';

/** `mcp --approve`: `never` by default; `prompt` is refused, since an MCP client cannot answer a terminal prompt. */
export function mcpApprove(given: ApproveMode | undefined): 'auto' | 'never' {
  if (given === 'prompt')
    throw new UsageError(
      '`mcp --approve prompt` cannot work: the MCP client, not a person at a terminal, talks to the server. Use --approve never (the default: a run pauses at the first edit, for a person to approve with `agent-orchestrator resume`) or --approve auto.',
    );
  return given ?? 'never';
}
