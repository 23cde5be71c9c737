// Commands (run_command) waiting for a person in this window. Free of `vscode`, so the
// exactly-once rule is unit-tested in Node; CommandApprovals adds the notification.
import { Disposable } from '../../core/common/disposable';
import { Emitter } from '../../core/common/emitter';
import type { ApprovalDecision, CommandProposal } from '../../core/tools/approvalPort';
import type { DecisionOutcome } from './pendingEdits';

interface Waiting {
  proposal: CommandProposal;
  resolve(decision: ApprovalDecision): void;
}

/**
 * The commands waiting for a decision. The first decision on one (the notification, the run
 * panel) settles it; any later one is `notPending` and changes nothing. A cancelled task takes its
 * command off the list and rejects the wait with the signal's reason.
 */
export class PendingCommands extends Disposable {
  private readonly waiting = new Map<string, Waiting>();
  private readonly changes = this._register(new Emitter<void>());

  /** Fires when a command starts or stops waiting. */
  readonly onDidChange = this.changes.event;

  /** Waits for the decision on `proposal`; an abort rejects with the signal's reason. */
  wait(proposal: CommandProposal, signal: AbortSignal): Promise<ApprovalDecision> {
    return new Promise<ApprovalDecision>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        if (this.waiting.get(proposal.approvalId)?.proposal !== proposal) return;
        this.waiting.delete(proposal.approvalId);
        this.changes.fire();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(proposal.approvalId, {
        proposal,
        resolve: (decision) => {
          signal.removeEventListener('abort', onAbort);
          resolve(decision);
        },
      });
      this.changes.fire();
    });
  }

  /** Whether the command waits for a decision here. */
  isPending(approvalId: string): boolean {
    return this.waiting.has(approvalId);
  }

  /** The waiting command of this id, if any. */
  get(approvalId: string): CommandProposal | undefined {
    return this.waiting.get(approvalId)?.proposal;
  }

  /** The waiting commands, of one run or all. */
  list(runId?: string): CommandProposal[] {
    return [...this.waiting.values()].map((w) => w.proposal).filter((p) => runId === undefined || p.runId === runId);
  }

  /** Settles the command's wait with a person's decision, once. */
  decide(approvalId: string, decision: 'accept' | 'reject', reason?: string): DecisionOutcome {
    const entry = this.waiting.get(approvalId);
    if (entry === undefined) return 'notPending';
    this.waiting.delete(approvalId);
    this.changes.fire();
    entry.resolve(
      decision === 'accept'
        ? { decision: 'accepted', by: 'user' }
        : { decision: 'rejected', by: 'user', ...(reason === undefined ? {} : { reason }) },
    );
    return 'decided';
  }
}
