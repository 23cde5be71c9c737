import { TaskFailure } from '../core/model/failure';
import type { ApprovalDecision, ApprovalPort, EditProposal } from '../core/tools/approvalPort';
import type { ApproveMode } from './cliCommand';
import type { TerminalPrompt } from './terminalPrompt';
import { unifiedDiff } from './unifiedDiff';

/** How the CLI answers approval requests. */
export interface CliApprovalsOptions {
  mode: ApproveMode;
  /** Present when stdin is a terminal a human can answer on. */
  prompt: TerminalPrompt | undefined;
  /** Colour the diff (stderr is a terminal and NO_COLOR is not set). */
  color: boolean;
  /** The command that resumes a run, e.g. `agent-orchestrator resume <id> --state-dir …`. */
  resumeCommand(runId: string): string;
}

/**
 * Approvals decided by `--approve`:
 * - `auto` accepts every edit, except on a protected path, which is asked on the terminal when
 *   there is one and otherwise pauses the run (a protected path is never auto-approved);
 * - `never` pauses the run at the first edit, for a human to approve on resume;
 * - `prompt` shows the edit as a unified diff on stderr and asks y/n on the terminal.
 * Pausing is a `TaskFailure` of class `needs-human`, which the executor turns into a paused run.
 */
export class CliApprovals implements ApprovalPort {
  constructor(private readonly options: CliApprovalsOptions) {}

  async decideEdit(proposal: EditProposal, signal: AbortSignal): Promise<ApprovalDecision> {
    const { mode, prompt } = this.options;
    if (mode === 'auto' && !proposal.protected) return { decision: 'accepted', by: 'auto' };
    if (mode === 'never') throw this.needsHuman(proposal, `the run was started with --approve never`);
    if (!prompt) {
      const why = proposal.protected
        ? `${proposal.path} is a protected file, which is never approved automatically, and there is no terminal to ask on`
        : 'there is no terminal to ask on';
      throw this.needsHuman(proposal, why);
    }
    const header = [
      '',
      `Task ${proposal.taskId} (${proposal.agentId}) wants to ${proposal.after === undefined ? 'delete' : proposal.before === undefined ? 'create' : 'change'} ${proposal.path}`,
      `Policy: ${proposal.reason}${proposal.protected ? ' (protected file: needs your approval even with --approve auto)' : ''}`,
      unifiedDiff(proposal.path, proposal.before, proposal.after, { color: this.options.color }),
    ].join('\n');
    const answer = await prompt.confirm(header, `Apply this edit to ${proposal.path}?`, signal);
    if (answer === 'yes') return { decision: 'accepted', by: 'user' };
    if (answer === 'closed') throw this.needsHuman(proposal, 'the terminal closed before an answer');
    return { decision: 'rejected', by: 'user', reason: 'Rejected on the terminal.' };
  }

  private needsHuman(proposal: EditProposal, why: string): TaskFailure {
    return new TaskFailure(
      `Approval needed for the edit of ${proposal.path} (${why}). Review it with: ${this.options.resumeCommand(proposal.runId)} --approve prompt`,
      'needs-human',
    );
  }
}
