// Proposals waiting for the user, side by side; every button names its proposal's id. The summary
// is model text, shown as inline Markdown; the command line stays verbatim text.
import { h, type ComponentChild } from 'preact';
import type { ApprovalView } from '../../src/protocol/approvals.js';
import { renderInlineMarkdown } from '../markdown.js';
import { Button } from '../toolkit.js';

/** Props of the list. */
export interface ApprovalsListProps {
  approvals: readonly ApprovalView[];
  onDecide: (approvalId: string, decision: 'accept' | 'reject') => void;
  onOpenDiff: (approvalId: string) => void;
}

/** The pending approvals. */
export function ApprovalsList({ approvals, onDecide, onOpenDiff }: ApprovalsListProps): ComponentChild {
  if (approvals.length === 0) return h('p', { class: 'muted' }, 'Nothing waits for approval.');
  return h(
    'ul',
    { class: 'approvals', 'data-testid': 'approvals' },
    approvals.map((a) =>
      h(
        'li',
        { key: a.approvalId, 'data-approval-id': a.approvalId },
        h(
          'div',
          { class: 'approval-what' },
          h('strong', null, a.kind === 'edit' ? `Edit ${a.path ?? ''}` : 'Command'),
          a.protected ? h('span', { class: 'protected' }, ' protected') : null,
          h('span', { class: 'muted' }, ` · task ${a.taskId} · `),
          h(
            'span',
            { class: 'muted markdown', 'data-testid': 'approval-summary' },
            renderInlineMarkdown(a.diffSummary),
          ),
        ),
        a.command !== undefined ? h('pre', { class: 'model-text' }, a.command) : null,
        h(
          'div',
          { class: 'actions' },
          h(Button, { onClick: () => onDecide(a.approvalId, 'accept'), testId: 'approve', children: 'Approve' }),
          h(Button, {
            onClick: () => onDecide(a.approvalId, 'reject'),
            secondary: true,
            testId: 'reject',
            children: 'Reject',
          }),
          a.kind === 'edit'
            ? h(Button, {
                onClick: () => onOpenDiff(a.approvalId),
                secondary: true,
                testId: 'open-diff',
                children: 'Open Diff',
              })
            : null,
        ),
      ),
    ),
  );
}
