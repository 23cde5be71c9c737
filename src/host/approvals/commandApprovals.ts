import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { visibleText } from '../../core/common/visibleText';
import type { ApprovalDecision, CommandProposal } from '../../core/tools/approvalPort';
import type { DecisionOutcome } from './pendingEdits';
import { PendingCommands } from './pendingCommands';

/** Longest command line a notification shows; the run panel shows all of it. */
const MAX_NOTIFIED_CHARS = 300;

/**
 * The host's decision on a command an agent wants to run (run_command): it waits in this window
 * until a person answers in the notification (Run / Reject) or in the run panel's approvals list.
 * The `autoApprove` setting never answers for a command. The command line is shown with control,
 * escape and bidi characters made visible (checklist 30); a line too long for a notification says
 * so and points to the run panel, where all of it shows.
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
    this.log.info(
      `Waiting for your decision on running \`${visibleText(proposal.command)}\` (${proposal.approvalId}).`,
    );
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
    const line = visibleText(proposal.command);
    const shown =
      line.length > MAX_NOTIFIED_CHARS
        ? vscode.l10n.t(
            '{0}… ({1} more characters: read all of it in the run panel before you decide)',
            line.slice(0, MAX_NOTIFIED_CHARS),
            line.length - MAX_NOTIFIED_CHARS,
          )
        : line;
    const where = proposal.cwd === '.' ? '' : vscode.l10n.t(' in {0}', visibleText(proposal.cwd));
    const run = vscode.l10n.t('Run');
    const reject = vscode.l10n.t('Reject');
    const message = vscode.l10n.t(
      'Task {0} wants to run `{1}`{2}. {3}',
      visibleText(proposal.taskId),
      shown,
      where,
      visibleText(proposal.reason),
    );
    // A long line is decided in the run panel only, where it is shown whole (nothing unseen is approved).
    const choices = line.length > MAX_NOTIFIED_CHARS ? [reject] : [run, reject];
    const choice = await vscode.window.showWarningMessage(message, ...choices);
    if (choice === undefined || !this.store.isPending(proposal.approvalId)) return;
    this.decide(proposal.approvalId, choice === run ? 'accept' : 'reject');
  }
}
