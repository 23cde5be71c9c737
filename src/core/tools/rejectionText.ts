import type { ApprovalDecision } from './approvalPort';

/** Longest reason the model reads; a longer one is cut and says so. */
export const MAX_REJECTION_REASON_CHARS = 1000;

/**
 * How a rejection reads to the model, e.g. `rejected by the user, who wrote: "use the cache"`. A
 * person's reason is quoted (JSON string) and marked as their words, so the model can tell it from
 * the tool's own text; a reason from the approval settings is the product's own and is not quoted.
 */
export function rejectionText(decision: Extract<ApprovalDecision, { decision: 'rejected' }>): string {
  const reason = decision.reason?.trim() ?? '';
  if (decision.by === 'auto')
    return reason === '' ? 'rejected by the approval settings' : `rejected by the approval settings: ${reason}`;
  if (reason === '') return 'rejected by the user, who gave no reason';
  const cut = reason.length > MAX_REJECTION_REASON_CHARS;
  const quoted = JSON.stringify(cut ? reason.slice(0, MAX_REJECTION_REASON_CHARS) : reason);
  return `rejected by the user, who wrote: ${quoted}${cut ? ` (the last ${reason.length - MAX_REJECTION_REASON_CHARS} characters are not shown)` : ''}`;
}
