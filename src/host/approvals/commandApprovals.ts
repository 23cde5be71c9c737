import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { ApprovalDecision, CommandProposal } from '../../core/tools/approvalPort';
import { MAX_REJECTION_REASON_CHARS } from '../../core/tools/rejectionText';
import { commandNotice } from './commandNotice';
import type { DecisionOutcome } from './pendingEdits';
import { PendingCommands } from './pendingCommands';

/**
 * The host's decision on a command an agent wants to run (run_command): it waits in this window
 * until a person answers in the notification (Run / Reject / Reject with Reason…) or in the run
 * panel's approvals list; a reason given either way reaches the agent as the person's words.
 * The `autoApprove` setting never answers for a command. The command line is shown with control,
 * escape and bidi characters made visible (checklist 30); a line too long for a notification says
 * so and points to the run panel, where all of it shows. An MCP tool call waits the same way and
 * says what it is (`commandNotice.ts`: server, tool, arguments, "Call").
 */
export class CommandApprovals extends Disposable {
  private readonly store = this._register(new PendingCommands());
  /** Commands whose rejection reason is being typed: no other decision lands meanwhile. */
  private readonly asking = new Set<string>();

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

  /**
   * A decision from the run panel or the notification; a rejection's `reason` is the person's own
   * words for the agent (trimmed; none when empty). While a reason box is open for the command, any
   * other decision on it is ignored (`busy`), as for edits.
   */
  decide(approvalId: string, decision: 'accept' | 'reject', reason?: string): DecisionOutcome {
    if (this.asking.has(approvalId)) {
      this.log.info(`Command ${approvalId}: ${decision} ignored while its reason is being asked.`);
      return 'busy';
    }
    const why = reason?.trim();
    const outcome = this.store.decide(approvalId, decision, decision === 'reject' && why ? why : undefined);
    this.log.info(`Command ${approvalId}: ${decision}${why ? ' with a reason' : ''} → ${outcome}.`);
    return outcome;
  }

  private async notify(proposal: CommandProposal): Promise<void> {
    const notice = commandNotice(proposal, (message, ...args) => vscode.l10n.t(message, ...args));
    // Anything too long is decided in the run panel only, where it is shown whole (nothing unseen is approved).
    const rejects = [notice.reject, notice.rejectWithReason];
    const choices = notice.acceptHere ? [notice.accept, ...rejects] : rejects;
    const choice = await vscode.window.showWarningMessage(notice.message, ...choices);
    const id = proposal.approvalId;
    if (choice === undefined || !this.store.isPending(id)) return;
    if (choice !== notice.rejectWithReason) {
      this.decide(id, choice === notice.accept ? 'accept' : 'reject');
      return;
    }
    let reason: string | undefined;
    this.asking.add(id);
    try {
      reason = await askRejectionReason(notice.reasonTitle);
    } finally {
      this.asking.delete(id);
    }
    // Escape (undefined) rejects without a reason: the person chose to reject, never to approve.
    this.decide(id, 'reject', reason);
  }
}

/** The person's reason for rejecting, for the agent; Escape gives none. Longer than the agent reads is refused in the box. */
export function askRejectionReason(title: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Why? Optional: the agent reads this. Press Escape to reject without a reason.'),
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.length > MAX_REJECTION_REASON_CHARS
        ? vscode.l10n.t('At most {0} characters; shorten the reason.', MAX_REJECTION_REASON_CHARS)
        : undefined,
  });
}
