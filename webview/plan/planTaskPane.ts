// The side pane of the plan editor: the selected task's title, description and agent, its
// dependencies (remove one, add one from a list — a cycle is refused here, before anything is
// posted), and Delete. Each issue the host found is shown beside the field it names.
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import { cycleReason, wouldCreateCycle } from '../../src/protocol/planCycle.js';
import {
  MAX_DESCRIPTION_CHARS,
  MAX_TITLE_CHARS,
  TaskDescriptionSchema,
  TaskTitleSchema,
  type PlanEditOp,
  type PlanIssueField,
  type PlanIssueView,
  type PlanReviewView,
  type PlanTaskView,
} from '../../src/protocol/planReview.js';
import { Button } from '../toolkit.js';

/** Props of the pane. */
export interface PlanTaskPaneProps {
  review: PlanReviewView;
  task: PlanTaskView;
  /** The host's issues about this task, and why it refused the last edit. */
  issues: readonly PlanIssueView[];
  /** Posts one edit; called only with edits that passed the page's own checks. */
  onEdit: (edit: PlanEditOp) => void;
  onClose: () => void;
}

/** The editor of one task. */
export function PlanTaskPane({ review, task, issues, onEdit, onClose }: PlanTaskPaneProps): ComponentChild {
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description);
  const [agent, setAgent] = useState(task.agentId ?? '');
  const [dependsOn, setDependsOn] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const byId = new Map(review.tasks.map((t) => [t.id, t]));
  const dependents = review.tasks.filter((t) => t.deps.includes(task.id));
  const candidates = review.tasks.filter((t) => t.id !== task.id && !task.deps.includes(t.id));
  const name = (id: string): string => `${byId.get(id)?.title ?? id} (${id})`;

  const apply = (): void => {
    const edits: PlanEditOp[] = [];
    if (title !== task.title) {
      const checked = TaskTitleSchema.safeParse(title);
      if (!checked.success) return setProblem(`Title: ${checked.error.issues[0]!.message}.`);
      edits.push({ op: 'setTitle', taskId: task.id, title });
    }
    if (description !== task.description) {
      const checked = TaskDescriptionSchema.safeParse(description);
      if (!checked.success) return setProblem(`Description: ${checked.error.issues[0]!.message}.`);
      edits.push({ op: 'setDescription', taskId: task.id, description });
    }
    if (agent !== (task.agentId ?? '')) {
      edits.push({ op: 'setAgent', taskId: task.id, ...(agent !== '' ? { agentId: agent } : {}) });
    }
    setProblem(edits.length === 0 ? 'Nothing changed.' : undefined);
    edits.forEach(onEdit);
  };

  const addDependency = (): void => {
    if (dependsOn === '') return setProblem('Choose the task this one should wait for.');
    const chain = wouldCreateCycle(review.tasks, task.id, dependsOn);
    if (chain) return setProblem(cycleReason(chain, task.id, dependsOn));
    setProblem(undefined);
    setDependsOn('');
    onEdit({ op: 'addEdge', taskId: task.id, dependsOn });
  };

  return h(
    'section',
    { class: 'details plan-pane', 'data-testid': 'plan-pane', 'aria-label': `Edit task ${task.id}` },
    h(
      'header',
      null,
      h('h2', null, `Task ${task.id}`),
      h(Button, { onClick: onClose, secondary: true, children: 'Close' }),
    ),
    problem !== undefined ? h('p', { class: 'issue', role: 'alert', 'data-testid': 'plan-edit-error' }, problem) : null,
    issueList(issues, 'task'),
    h('label', { for: 'plan-title' }, 'Title'),
    h('input', {
      id: 'plan-title',
      class: 'plan-field',
      'data-testid': 'plan-title',
      maxLength: MAX_TITLE_CHARS,
      value: title,
      onInput: (e: Event) => setTitle((e.currentTarget as HTMLInputElement).value),
      onKeyDown: (e: KeyboardEvent) => {
        if (e.key === 'Enter') apply();
      },
    }),
    issueList(issues, 'title'),
    h('label', { for: 'plan-description' }, 'Description'),
    h('textarea', {
      id: 'plan-description',
      class: 'plan-field',
      'data-testid': 'plan-description',
      rows: 6,
      maxLength: MAX_DESCRIPTION_CHARS,
      value: description,
      onInput: (e: Event) => setDescription((e.currentTarget as HTMLTextAreaElement).value),
    }),
    issueList(issues, 'description'),
    h('label', { for: 'plan-agent' }, 'Agent'),
    h(
      'select',
      {
        id: 'plan-agent',
        'data-testid': 'plan-agent',
        value: agent,
        onChange: (e: Event) => setAgent((e.currentTarget as HTMLSelectElement).value),
      },
      h('option', { value: '' }, 'Any agent with the capabilities'),
      review.agents.map((id) => h('option', { key: id, value: id }, id)),
    ),
    issueList(issues, 'agent'),
    task.capabilities.length > 0 ? h('p', { class: 'muted' }, `Needs: ${task.capabilities.join(', ')}`) : null,
    issueList(issues, 'capabilities'),
    h('div', { class: 'actions' }, h(Button, { onClick: apply, testId: 'plan-apply', children: 'Apply changes' })),
    h('h3', null, `Depends on (${task.deps.length})`),
    h(
      'ul',
      { class: 'plan-deps' },
      task.deps.map((id) =>
        h(
          'li',
          { key: id },
          h('span', { class: 'model-text' }, name(id)),
          h(Button, {
            onClick: () => onEdit({ op: 'removeEdge', taskId: task.id, dependsOn: id }),
            secondary: true,
            title: `Remove the dependency on ${id}`,
            label: `Remove the dependency on ${name(id)}`,
            testId: `plan-remove-dep-${id}`,
            children: 'Remove',
          }),
        ),
      ),
    ),
    issueList(issues, 'deps'),
    h(
      'div',
      { class: 'actions' },
      h(
        'select',
        {
          'aria-label': 'Task this one should wait for',
          'data-testid': 'plan-dep-select',
          value: dependsOn,
          onChange: (e: Event) => setDependsOn((e.currentTarget as HTMLSelectElement).value),
        },
        h('option', { value: '' }, 'Add a dependency…'),
        candidates.map((t) => h('option', { key: t.id, value: t.id }, name(t.id))),
      ),
      h(Button, { onClick: addDependency, secondary: true, testId: 'plan-add-dep', children: 'Add dependency' }),
    ),
    h('h3', null, `Needed by (${dependents.length})`),
    h(
      'ul',
      null,
      dependents.map((t) => h('li', { key: t.id, class: 'model-text' }, name(t.id))),
    ),
    h(
      'div',
      { class: 'actions' },
      confirmDelete
        ? [
            h(
              'p',
              { key: 'why', role: 'status', 'data-testid': 'plan-delete-warning' },
              dependents.length === 0
                ? `Delete "${task.id}"? No task depends on it.`
                : `Delete "${task.id}"? ${dependents.map((t) => `"${t.id}"`).join(', ')} will no longer wait for it; its edges go with it.`,
            ),
            h(Button, {
              key: 'yes',
              onClick: () => onEdit({ op: 'deleteTask', taskId: task.id }),
              testId: 'plan-delete-confirm',
              children: 'Delete',
            }),
            h(Button, { key: 'no', onClick: () => setConfirmDelete(false), secondary: true, children: 'Keep' }),
          ]
        : h(Button, {
            onClick: () => setConfirmDelete(true),
            secondary: true,
            testId: 'plan-delete',
            children: 'Delete task…',
          }),
    ),
  );
}

/** The issues about one field, as alerts beside it. */
function issueList(issues: readonly PlanIssueView[], field: PlanIssueField): ComponentChild {
  const here = issues.filter((i) => i.field === field);
  if (here.length === 0) return null;
  return h(
    'ul',
    { class: 'issues', 'data-testid': `issue-${field}` },
    here.map((i, n) => h('li', { key: n, class: 'issue model-text', role: 'alert' }, i.message)),
  );
}
