// One node of the graph. A class with shouldComponentUpdate, so a status event re-renders only
// the node whose task changed; clicks are handled once on the canvas (no closure per node).
import { Component, h, type ComponentChild } from 'preact';
import type { TaskView } from '../../src/protocol/graph.js';
import { NODE_HEIGHT, NODE_WIDTH } from './layoutGraph.js';
import { formatCost, formatTokens, STATUS_STYLE } from './statusStyle.js';

/** Props of a node. */
export interface GraphNodeProps {
  task: TaskView;
  x: number;
  y: number;
  selected: boolean;
  critical: boolean;
  /** Text and meta lines; off when zoomed out too far to read them. */
  detailed: boolean;
}

/** A task's box: status band, codicon, title, status word and agent, tokens and cost. */
export class GraphNode extends Component<GraphNodeProps> {
  override shouldComponentUpdate(next: GraphNodeProps): boolean {
    const p = this.props;
    return (
      next.task !== p.task ||
      next.x !== p.x ||
      next.y !== p.y ||
      next.selected !== p.selected ||
      next.critical !== p.critical ||
      next.detailed !== p.detailed
    );
  }

  override render(): ComponentChild {
    const { task: t, x, y, selected, critical, detailed } = this.props;
    const style = STATUS_STYLE[t.status];
    return h(
      'g',
      {
        class: `node status-${t.status}${selected ? ' selected' : ''}${critical ? ' critical' : ''}`,
        transform: `translate(${x - NODE_WIDTH / 2} ${y - NODE_HEIGHT / 2})`,
        'data-task-id': t.id,
        'data-status': t.status,
        role: 'treeitem',
        'aria-selected': selected ? 'true' : 'false',
        'aria-label': `${t.title}: ${style.label}`,
      },
      h('rect', {
        class: 'node-box',
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        rx: 4,
        stroke: style.color,
        style: detailed ? undefined : { fill: style.color },
      }),
      h('rect', { class: 'node-band', width: 6, height: NODE_HEIGHT, fill: style.color }),
      // Zoomed out, the box's colour alone stands for the status: icon and words would be a pixel high.
      detailed
        ? h(
            'text',
            {
              class: `node-icon${style.spin ? ' codicon-modifier-spin' : ''}`,
              x: 14,
              y: 24,
              fill: style.color,
              'data-icon': style.icon,
              'aria-hidden': 'true',
            },
            style.glyph,
          )
        : null,
      detailed ? h('text', { class: 'node-title', x: 36, y: 22 }, clip(t.title, 19)) : null,
      detailed ? h('text', { class: 'node-meta', x: 14, y: 42 }, `${style.label} · ${t.agentId ?? '—'}`) : null,
      detailed
        ? h(
            'text',
            { class: 'node-meta', x: 14, y: 57 },
            `${formatTokens(t.tokens)} tok · ${formatCost(t.costUsd, t.costUnknown)}`,
          )
        : null,
    );
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
