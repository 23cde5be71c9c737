import { visibleText } from '../common/visibleText';
import type { ApprovalDecision, CommandProposal } from './approvalPort';
import { decisionToJson, parseApprovalDecision } from './approveEditOnce';
import type { ToolContext } from './toolContext';

/** Longest command line shown in an approval's one-line summary. */
const MAX_SUMMARY_CHARS = 120;

/**
 * Decides a command exactly once across retries and crashes, like an edit (`approveEditOnce`):
 * inside the journaled step `stepKey` it records `approval.requested` (kind `command`, the whole
 * command line), asks the approval port, and records `approval.decided`. A decision journaled
 * before a crash is replayed without asking again; a `TaskFailure` from the port (nobody can
 * answer) leaves the step open, so the question is asked again on resume. A command is never
 * accepted by an approval mode: only the port's person decides.
 */
export async function approveCommandOnce(
  ctx: ToolContext,
  proposal: CommandProposal,
  stepKey: string,
): Promise<ApprovalDecision> {
  const { task } = ctx;
  const decideCommand = ctx.approvals.decideCommand?.bind(ctx.approvals);
  if (decideCommand === undefined)
    throw new Error('This front end cannot ask for approval of a command; nothing was run.');
  const stored = await task.step(stepKey, async () => {
    task.record({
      type: 'approval.requested',
      taskId: proposal.taskId,
      approvalId: proposal.approvalId,
      kind: 'command',
      command: proposal.command,
      summary: describeCommand(proposal),
      protected: true,
    });
    const decision = parseApprovalDecision(
      await task.timeWait('approval', proposal.command, () => decideCommand(proposal, task.signal)),
      "The approval port's answer",
    );
    task.record({
      type: 'approval.decided',
      taskId: proposal.taskId,
      approvalId: proposal.approvalId,
      decision: decision.decision,
      by: decision.by,
      ...(decision.decision === 'rejected' && decision.reason !== undefined ? { reason: decision.reason } : {}),
    });
    // A command has no content to change: whatever an answer carried besides the decision is dropped.
    return decisionToJson(decision.decision === 'accepted' ? { decision: 'accepted', by: decision.by } : decision);
  });
  return parseApprovalDecision(stored, `The journaled decision of step "${stepKey}"`);
}

/**
 * "Run `npm test` in packages/a", or "Call MCP tool `search` of server `github` with {…}", escapes
 * made visible, shortened for the run tree and the approval list.
 */
export function describeCommand(proposal: Pick<CommandProposal, 'command' | 'cwd' | 'mcp'>): string {
  const short = (text: string): string =>
    text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
  const { mcp } = proposal;
  if (mcp !== undefined) {
    const args = short(mcp.arguments.replace(/\s*\n\s*/g, ' '));
    return `Call MCP tool \`${visibleText(mcp.tool)}\` of server \`${visibleText(mcp.server)}\` with ${args}`;
  }
  const line = short(visibleText(proposal.command));
  return `Run \`${line}\`${proposal.cwd === '.' ? '' : ` in ${visibleText(proposal.cwd)}`}`;
}
