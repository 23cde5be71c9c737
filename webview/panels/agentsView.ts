// The Agents tab: every registered agent with its capabilities, model, load, success rate, average
// cost and duration, and where it was defined. A file opens on click; the page sends only the
// agent's id, and the host opens the file it knows for it.
import { h, type ComponentChild } from 'preact';
import type { AgentView } from '../../src/protocol/agents.js';
import { formatCost, formatDuration } from '../graph/statusStyle.js';
import './agentsView.css';

/** Props of the tab. */
export interface AgentsTableProps {
  agents: readonly AgentView[];
  onOpenFile: (agentId: string) => void;
}

const COLUMNS = ['Agent', 'Capabilities', 'Model', 'Load', 'Success', 'Avg cost', 'Avg duration', 'Defined in'];

/** A plain table: native semantics, so screen readers announce headers with each cell. */
export function AgentsTable({ agents, onOpenFile }: AgentsTableProps): ComponentChild {
  if (agents.length === 0) return h('p', { class: 'muted' }, 'No agents are registered.');
  return h(
    'section',
    { class: 'agents', 'data-testid': 'agents' },
    h(
      'table',
      { class: 'agents-table' },
      h(
        'caption',
        { class: 'muted' },
        'Success rate and averages come from the agent statistics of past and current runs.',
      ),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          COLUMNS.map((c) => h('th', { key: c, scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        agents.map((a) =>
          h(
            'tr',
            { key: a.id, 'data-agent-id': a.id },
            h(
              'th',
              { scope: 'row' },
              h('div', null, a.id),
              a.description ? h('div', { class: 'muted agent-description' }, a.description) : null,
            ),
            h('td', null, a.capabilities.join(', ')),
            h('td', null, a.model),
            h('td', { 'data-testid': 'agent-load' }, `${a.running} / ${a.maxLoad}`),
            h('td', null, a.successRate === undefined ? '—' : `${Math.round(a.successRate * 100)} % of ${a.attempts}`),
            h('td', null, a.averageCostUsd === undefined ? '—' : formatCost(a.averageCostUsd)),
            h('td', null, a.averageDurationMs === undefined ? '—' : formatDuration(a.averageDurationMs)),
            h('td', null, source(a, onOpenFile)),
          ),
        ),
      ),
    ),
  );
}

function source(a: AgentView, onOpenFile: (agentId: string) => void): ComponentChild {
  if (a.source === 'builtin') return 'built-in';
  if (a.source === 'extension') return 'another extension';
  return h(
    'button',
    {
      class: 'link-button',
      type: 'button',
      title: 'Open the agent file',
      'data-testid': 'agent-source',
      onClick: () => onOpenFile(a.id),
    },
    a.sourceLabel ?? 'agent file',
  );
}
