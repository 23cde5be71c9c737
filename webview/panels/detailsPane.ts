// The selected task: agent, model, attempts with their failures, duration, usage, findings, edits,
// and the actions that steer it. Model text is rendered as sanitised Markdown (webview/markdown.ts).
import { h, type ComponentChild } from 'preact';
import { useState } from 'preact/hooks';
import type { TaskView } from '../../src/protocol/graph.js';
import type { TaskActionKind } from '../../src/protocol/taskActions.js';
import { codiconClass, formatCost, formatDuration, formatTokens, STATUS_STYLE } from '../graph/statusStyle.js';
import { renderMarkdown } from '../markdown.js';
import { Button } from '../toolkit.js';

/** Props of the pane. */
export interface DetailsPaneProps {
  task: TaskView;
  agents: readonly string[];
  onAction: (action: TaskActionKind, extra: { note?: string; agentId?: string }) => void;
  onClose: () => void;
}

/** The details of one task. */
export function DetailsPane({ task, agents, onAction, onClose }: DetailsPaneProps): ComponentChild {
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
      row('Cost', formatCost(task.costUsd)),
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
    list('Findings', task.findings, true),
    list('Edits', task.edits, false),
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

function row(label: string, value: ComponentChild): ComponentChild[] {
  return [h('dt', null, label), h('dd', null, value)];
}

/** A titled list; findings are model text (Markdown), edits are paths (text). */
function list(title: string, items: readonly string[], markdown: boolean): ComponentChild {
  return h(
    'div',
    null,
    h('h3', null, `${title} (${items.length})`),
    h(
      'ul',
      null,
      items.map((text, i) =>
        markdown
          ? h('li', { key: i, class: 'model-text markdown', 'data-testid': 'finding' }, renderMarkdown(text))
          : h('li', { key: i, class: 'model-text' }, text),
      ),
    ),
  );
}
