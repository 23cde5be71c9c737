// The log lines of decisions that change nothing, free of `vscode` so they can be unit-tested.
import { visibleText } from '../../core/common/visibleText';
import type { ApprovalDecision, EditProposal } from '../../core/tools/approvalPort';
import type { DecisionOutcome, PendingEdit, PendingEdits } from './pendingEdits';

/** Where a proposal stood when a decision that changes nothing came in. */
export interface IgnoredState {
  /** It still waits, so another decision on it is under way (a reason prompt, a disk read). */
  pending: boolean;
  /** How it was decided before, when it was. */
  decidedAs: 'accepted' | 'rejected' | undefined;
}

/** What a decision that changes nothing came to, and the log line that says why. */
export function ignoredDecision(
  approvalId: string,
  action: 'accept' | 'reject',
  state: IgnoredState,
): { outcome: DecisionOutcome; line: string } {
  const id = visibleText(approvalId);
  if (state.pending)
    return { outcome: 'busy', line: `Ignored a decision (${action}) on ${id}: another decision on it is under way.` };
  if (state.decidedAs !== undefined)
    return {
      outcome: 'alreadyDecided',
      line: `Ignored a second decision (${action}) on ${id}: it was already ${state.decidedAs}.`,
    };
  return { outcome: 'notPending', line: `Ignored a decision (${action}) on ${id}: it is not waiting for one.` };
}

/**
 * Answers the engine for exactly the entry the user decided on, and logs it; a decision on an entry
 * that is no longer the pending one (decided, under way, proposed again) changes nothing and is logged.
 */
export function settleDecision(
  store: Pick<PendingEdits, 'settle' | 'get' | 'decidedAs'>,
  entry: PendingEdit,
  decision: ApprovalDecision,
  log: { info(message: string): void },
  describe: (proposal: EditProposal) => string,
): DecisionOutcome {
  const id = entry.proposal.approvalId;
  const action = decision.decision === 'accepted' ? 'accept' : 'reject';
  if (store.settle(id, decision, entry)) {
    log.info(`${action === 'accept' ? 'Accepted' : 'Rejected'} ${describe(entry.proposal)}.`);
    return 'decided';
  }
  const current = store.get(id);
  if (current === undefined || current === entry) return logIgnoredDecision(store, id, action, log);
  log.info(`Ignored a decision (${action}) on ${describe(entry.proposal)}: it was proposed again while you decided.`);
  return 'notPending';
}

/** Logs a decision that changes nothing (already decided, under way, or not waiting) and says which. */
export function logIgnoredDecision(
  store: Pick<PendingEdits, 'get' | 'decidedAs'>,
  approvalId: string,
  action: 'accept' | 'reject',
  log: { info(message: string): void },
): DecisionOutcome {
  const state = { pending: store.get(approvalId) !== undefined, decidedAs: store.decidedAs(approvalId) };
  const { outcome, line } = ignoredDecision(approvalId, action, state);
  log.info(line);
  return outcome;
}
