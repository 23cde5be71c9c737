// Proposals waiting for the user, side by side; every button names its proposal's id. The summary
// is model text, shown as inline Markdown; the command line stays verbatim text.
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import { MAX_REJECT_REASON_CHARS, type ApprovalView } from '../../src/protocol/approvals.js';
import { renderInlineMarkdown } from '../markdown.js';
import { Button } from '../toolkit.js';

/** Props of the list. */
export interface ApprovalsListProps {
  approvals: readonly ApprovalView[];
  /** `reason`: the words typed for the agent with Reject; absent when none. */
  onDecide: (approvalId: string, decision: 'accept' | 'reject', reason?: string) => void;
  onOpenDiff: (approvalId: string) => void;
}

/** The pending approvals. */
export function ApprovalsList({ approvals, onDecide, onOpenDiff }: ApprovalsListProps): ComponentChild {
  if (approvals.length === 0) return h('p', { class: 'muted' }, 'Nothing waits for approval.');
  return h(
    'ul',
    { class: 'approvals', 'data-testid': 'approvals' },
    approvals.map((a) => h(ApprovalItem, { key: a.approvalId, approval: a, onDecide, onOpenDiff })),
  );
}

/** One proposal, with an optional reason field that goes with its Reject. */
function ApprovalItem({
  approval: a,
  onDecide,
  onOpenDiff,
}: { approval: ApprovalView } & Omit<ApprovalsListProps, 'approvals'>): ComponentChild {
  const [reason, setReason] = useState('');
  const reject = (): void => {
    const why = reason.trim();
    if (why === '') onDecide(a.approvalId, 'reject');
    else onDecide(a.approvalId, 'reject', why);
  };
  return h(
    'li',
    { 'data-approval-id': a.approvalId },
    h(
      'div',
      { class: 'approval-what' },
      h('strong', null, a.kind === 'edit' ? `Edit ${a.path ?? ''}` : 'Command'),
      a.protected ? h('span', { class: 'protected' }, ' protected') : null,
      h('span', { class: 'muted' }, ` · task ${a.taskId} · `),
      h('span', { class: 'muted markdown', 'data-testid': 'approval-summary' }, renderInlineMarkdown(a.diffSummary)),
    ),
    a.command !== undefined ? h('pre', { class: 'model-text' }, a.command) : null,
    h('input', {
      class: 'reject-reason',
      type: 'text',
      'data-testid': 'reject-reason',
      maxLength: MAX_REJECT_REASON_CHARS,
      placeholder: 'Reason if you reject (optional; the agent reads it)',
      'aria-label': 'Reason for rejecting, for the agent (optional)',
      value: reason,
      onInput: (e: Event) => setReason((e.currentTarget as HTMLInputElement).value),
      onKeyDown: (e: KeyboardEvent) => {
        if (e.key === 'Enter' && reason.trim() !== '') reject();
      },
    }),
    h(
      'div',
      { class: 'actions' },
      h(Button, { onClick: () => onDecide(a.approvalId, 'accept'), testId: 'approve', children: 'Approve' }),
      h(Button, { onClick: reject, secondary: true, testId: 'reject', children: 'Reject' }),
      a.kind === 'edit'
        ? h(Button, {
            onClick: () => onOpenDiff(a.approvalId),
            secondary: true,
            testId: 'open-diff',
            children: 'Open Diff',
          })
        : null,
    ),
  );
}
