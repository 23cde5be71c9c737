// Plan review mode of the Graph tab: the dry run's plan as a graph, the selected task's editor,
// the host's issues listed by task, and Run / Discard / Open as JSON. Every change is one edit
// message; the host answers with the plan as it now is.
import { h, type ComponentChild } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { TaskView } from '../../src/protocol/graph.js';
import type { WebviewMessage } from '../../src/protocol/messages.js';
import type { PlanReviewView } from '../../src/protocol/planReview.js';
import { GraphView } from '../graph/graphView.js';
import { Button } from '../toolkit.js';
import type { PlanReviewState } from './planReviewState.js';
import { PlanTaskPane } from './planTaskPane.js';

/** Props of the editor. */
export interface PlanEditorProps {
  plan: PlanReviewState & { review: PlanReviewView };
  post: (message: WebviewMessage) => void;
}

/** The plan under review. */
export function PlanEditor({ plan, post }: PlanEditorProps): ComponentChild {
  const { review, issues, refused, notice } = plan;
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [paneOpen, setPaneOpen] = useState(false);
  const nodes = useMemo(() => review.tasks.map(nodeOf), [review]);
  const task = review.tasks.find((t) => t.id === selected);
  const runId = review.runId;
  const select = (id: string): void => {
    setSelected(id);
    setPaneOpen(true);
  };
  const unplaced = [...issues, ...refused].filter((i) => i.taskId === undefined);

  return h(
    'div',
    { class: 'plan-review', 'data-testid': 'plan-review' },
    h(
      'div',
      { class: 'toolbar' },
      h('strong', null, `Plan review: ${review.tasks.length} tasks`),
      h(Button, {
        onClick: () => post({ type: 'planRun', runId, version: review.version }),
        testId: 'plan-run',
        title: 'Check the plan and run it as shown',
        children: 'Run',
      }),
      h(Button, {
        onClick: () => post({ type: 'planDiscard', runId }),
        secondary: true,
        testId: 'plan-discard',
        children: 'Discard',
      }),
      h(Button, {
        onClick: () => post({ type: 'planOpenJson', runId }),
        secondary: true,
        testId: 'plan-open-json',
        children: 'Open as JSON',
      }),
      h('span', { class: 'muted model-text' }, review.goal),
    ),
    notice !== undefined ? h('p', { class: 'notice', role: 'status', 'data-testid': 'plan-notice' }, notice) : null,
    unplaced.length > 0
      ? h(
          'ul',
          { class: 'issues', 'data-testid': 'plan-issues-general' },
          unplaced.map((i, n) => h('li', { key: n, class: 'issue model-text', role: 'alert' }, i.message)),
        )
      : null,
    issues.length > 0 ? issueIndex(review, issues, select) : null,
    h(
      'div',
      { class: 'graph-area' },
      h(GraphView, {
        tasks: nodes,
        shapeVersion: plan.shapeVersion,
        selected,
        onSelect: setSelected,
        onOpen: select,
      }),
      paneOpen && task
        ? h(PlanTaskPane, {
            key: `${task.id}@${review.version}`,
            review,
            task,
            issues: [...issues, ...refused].filter((i) => i.taskId === task.id),
            onEdit: (edit) => post({ type: 'planEdit', runId, edit }),
            onClose: () => setPaneOpen(false),
          })
        : h(
            'aside',
            { class: 'legend' },
            h(
              'p',
              null,
              'Select a task (click, or arrows then Enter) to edit it, change its dependencies or delete it.',
            ),
            h('p', { class: 'muted' }, 'Nothing runs until you press Run; the host checks the plan first.'),
          ),
    ),
  );
}

/** "What must be fixed", one entry per task with issues; each opens that task. */
function issueIndex(
  review: PlanReviewView,
  issues: PlanReviewState['issues'],
  open: (id: string) => void,
): ComponentChild {
  const byTask = new Map<string, string[]>();
  for (const i of issues)
    if (i.taskId !== undefined) byTask.set(i.taskId, [...(byTask.get(i.taskId) ?? []), i.message]);
  if (byTask.size === 0) return null;
  return h(
    'ul',
    { class: 'issues', 'data-testid': 'plan-issues', 'aria-label': 'Problems to fix before the plan can run' },
    [...byTask].map(([taskId, messages]) =>
      h(
        'li',
        { key: taskId, 'data-issue-task': taskId },
        h(Button, {
          onClick: () => open(taskId),
          secondary: true,
          label: `Edit task ${taskId}`,
          children: review.tasks.find((t) => t.id === taskId)?.title ?? taskId,
        }),
        messages.map((m, n) => h('span', { key: n, class: 'issue model-text' }, ` ${m}`)),
      ),
    ),
  );
}

/** A plan task as a graph node: nothing has run yet. */
function nodeOf(t: PlanReviewView['tasks'][number]): TaskView {
  return {
    id: t.id,
    title: t.title,
    status: 'pending',
    agentId: t.agentId ?? 'any',
    deps: t.deps,
    tokens: 0,
    costUsd: 0,
    attempts: [],
    durationMs: 0,
    findings: [],
    edits: [],
  };
}
