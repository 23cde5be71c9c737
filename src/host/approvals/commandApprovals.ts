import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { ApprovalDecision, CommandProposal } from '../../core/tools/approvalPort';
import { commandNotice } from './commandNotice';
import type { DecisionOutcome } from './pendingEdits';
import { PendingCommands } from './pendingCommands';

/**
 * The host's decision on a command an agent wants to run (run_command): it waits in this window
 * until a person answers in the notification (Run / Reject) or in the run panel's approvals list.
 * The `autoApprove` setting never answers for a command. The command line is shown with control,
 * escape and bidi characters made visible (checklist 30); a line too long for a notification says
 * so and points to the run panel, where all of it shows. An MCP tool call waits the same way and
 * says what it is (`commandNotice.ts`: server, tool, arguments, "Call").
 */
export class CommandApprovals extends Disposable {
  private readonly store = this._register(new PendingCommands());

  /** Fires when a command starts or stops waiting. */
  readonly onDidChangePending = this.store.onDidChange;

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
  }

  decideCommand(proposal: CommandProposal, signal: AbortSignal): Promise<ApprovalDecision> {
    const decided = this.store.wait(proposal, signal);
    this.log.info(commandNotice(proposal, (m) => m).logLine);
    void this.notify(proposal).catch((err: unknown) => this.log.error('Could not show the command approval', err));
    return decided;
  }

  /** Whether this window waits for a decision on the command. */
  isPending(approvalId: string): boolean {
    return this.store.isPending(approvalId);
  }

  /** Commands waiting, of one run or all. */
  pending(runId?: string): CommandProposal[] {
    return this.store.list(runId);
  }

  /** A decision from the run panel or the notification. */
  decide(approvalId: string, decision: 'accept' | 'reject'): DecisionOutcome {
    const outcome = this.store.decide(
      approvalId,
      decision,
      decision === 'reject' ? 'Rejected in the editor.' : undefined,
    );
    this.log.info(`Command ${approvalId}: ${decision} → ${outcome}.`);
    return outcome;
  }

  private async notify(proposal: CommandProposal): Promise<void> {
    const notice = commandNotice(proposal, (message, ...args) => vscode.l10n.t(message, ...args));
    // Anything too long is decided in the run panel only, where it is shown whole (nothing unseen is approved).
    const choices = notice.acceptHere ? [notice.accept, notice.reject] : [notice.reject];
    const choice = await vscode.window.showWarningMessage(notice.message, ...choices);
    if (choice === undefined || !this.store.isPending(proposal.approvalId)) return;
    this.decide(proposal.approvalId, choice === notice.accept ? 'accept' : 'reject');
  }
}
