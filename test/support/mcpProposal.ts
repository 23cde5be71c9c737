import type { CommandProposal } from '../../src/core/tools/approvalPort';
import { mcpCallShown } from '../../src/core/tools/mcpTool';

/** An approval request for the MCP tool `create_issue` of server `github`, as the tool bus makes one. */
export function mcpProposal(args: Record<string, unknown>, approvalId = 'T1:mcp:1'): CommandProposal {
  return {
    approvalId,
    runId: 'r1',
    taskId: 'T1',
    agentId: 'coder',
    command: `mcp__github__create_issue ${JSON.stringify(args)}`,
    argv: [],
    cwd: '.',
    reason: 'call the tool "create_issue" of the MCP server "github": MCP tools ask',
    mcp: mcpCallShown('github', 'create_issue', args),
  };
}
