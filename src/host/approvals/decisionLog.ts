// The log lines of decisions that change nothing, free of `vscode` so they can be unit-tested.
import { visibleText } from '../../core/common/visibleText';
import type { DecisionOutcome } from './pendingEdits';

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
