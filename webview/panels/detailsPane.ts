// The selected task: agent, model, attempts with their failures, duration, usage, findings, edits,
// and the actions that steer it. Model text is rendered as sanitised Markdown (webview/markdown.ts).
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { TaskView } from '../../src/protocol/graph.js';
import type { LogLine } from '../../src/protocol/logs.js';
import type { TaskActionKind } from '../../src/protocol/taskActions.js';
import { codiconClass, formatCost, formatDuration, formatTokens, STATUS_STYLE } from '../graph/statusStyle.js';
import { renderMarkdown } from '../markdown.js';
import { Button } from '../toolkit.js';
import { logLineText } from './logFilter.js';

/** The task's latest log lines shown in the pane; the Logs tab has them all. */
const TASK_LOG_LINES = 50;

/** Props of the pane. */
export interface DetailsPaneProps {
  task: TaskView;
  agents: readonly string[];
  /** The run's log; the pane shows the lines of this task. */
  lines: readonly LogLine[];
  onAction: (action: TaskActionKind, extra: { note?: string; agentId?: string }) => void;
  /** Opens the diff of the task's edit at this position of `task.edits`. */
  onOpenEdit: (index: number) => void;
  onClose: () => void;
}

/** The details of one task. */
export function DetailsPane({ task, agents, lines, onAction, onOpenEdit, onClose }: DetailsPaneProps): ComponentChild {
  const [note, setNote] = useState('');
  const [agent, setAgent] = useState(agents[0] ?? '');
  const style = STATUS_STYLE[task.status];
  return h(
    'section',
    { class: 'details', 'data-testid': 'details', 'aria-label': `Details of ${task.title}` },
    h('header', null, h('h2', null, task.title), h(Button, { onClick: onClose, secondary: true, children: 'Close' })),
    h(
      'dl',
      null,
      row('Status', [
        h('span', { class: `${codiconClass(style)} status-icon`, style: { color: style.color } }),
        style.label,
      ]),
      row('Agent', task.agentId ?? '—'),
      row('Model', task.model ?? '—'),
      row('Duration', formatDuration(task.durationMs)),
      row('Tokens', formatTokens(task.tokens)),
      row('Cost', formatCost(task.costUsd, task.costUnknown)),
    ),
    task.summary !== undefined
      ? h('div', { class: 'model-text markdown', 'data-testid': 'summary' }, renderMarkdown(task.summary))
      : null,
    h('h3', null, `Attempts (${task.attempts.length})`),
    h(
      'ol',
      { class: 'attempts' },
      task.attempts.map((a) =>
        h(
          'li',
          { key: a.attempt },
          `${a.agentId} · ${a.outcome ?? 'running'}`,
          a.failure !== undefined
            ? h('div', { class: 'model-text markdown failure', 'data-testid': 'failure' }, renderMarkdown(a.failure))
            : null,
        ),
      ),
    ),
    list('Findings', task.findings),
    h('h3', null, `Edits (${task.edits.length})`),
    h(
      'ul',
      { class: 'edits' },
      task.edits.map((path, i) =>
        h(
          'li',
          { key: i },
          h(
            'a',
            {
              href: '#',
              class: 'edit-link',
              'data-testid': 'edit-link',
              title: `Open the diff of ${path}`,
              onClick: (e: Event) => {
                e.preventDefault();
                onOpenEdit(i);
              },
            },
            path,
          ),
        ),
      ),
    ),
    taskLog(task.id, lines),
    h(
      'div',
      { class: 'actions' },
      h(Button, {
        onClick: () => onAction('cancel', {}),
        secondary: true,
        testId: 'action-cancel',
        children: 'Cancel',
      }),
      h(Button, { onClick: () => onAction('skip', {}), secondary: true, testId: 'action-skip', children: 'Skip' }),
      h('input', {
        class: 'note',
        placeholder: 'Note for the retry (optional)',
        value: note,
        'aria-label': 'Note for the retry',
        onInput: (e: Event) => setNote((e.currentTarget as HTMLInputElement).value),
      }),
      h(Button, {
        onClick: () => onAction('retry', note.trim() ? { note: note.trim() } : {}),
        testId: 'action-retry',
        children: 'Retry',
      }),
      agents.length > 0
        ? h(
            'select',
            {
              value: agent,
              'aria-label': 'Agent to reassign to',
              onChange: (e: Event) => setAgent((e.currentTarget as HTMLSelectElement).value),
            },
            agents.map((id) => h('option', { key: id, value: id }, id)),
          )
        : null,
      h(Button, {
        onClick: () => onAction('reassign', agent ? { agentId: agent } : {}),
        secondary: true,
        testId: 'action-reassign',
        children: 'Reassign…',
      }),
    ),
  );
}

function taskLog(taskId: string, lines: readonly LogLine[]): ComponentChild {
  const own: LogLine[] = [];
  for (let i = lines.length - 1; i >= 0 && own.length < TASK_LOG_LINES; i--) {
    if (lines[i]!.taskId === taskId) own.push(lines[i]!);
  }
  own.reverse();
  return h(
    'div',
    null,
    h('h3', null, 'Log'),
    own.length === 0
      ? h('p', { class: 'muted' }, 'No log lines for this task yet.')
      : h('pre', { class: 'task-log', 'data-testid': 'task-log' }, own.map(logLineText).join('\n')),
  );
}

function row(label: string, value: ComponentChild): ComponentChild[] {
  return [h('dt', null, label), h('dd', null, value)];
}

/** A titled list of model text (findings), each item as Markdown. */
function list(title: string, items: readonly string[]): ComponentChild {
  return h(
    'div',
    null,
    h('h3', null, `${title} (${items.length})`),
    h(
      'ul',
      null,
      items.map((text, i) =>
        h('li', { key: i, class: 'model-text markdown', 'data-testid': 'finding' }, renderMarkdown(text)),
      ),
    ),
  );
}
