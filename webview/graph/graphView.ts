// The task graph as SVG: status colours and glyphs, the critical path, pan (drag), zoom (wheel),
// Fit, and the arrow keys walking the edges.
import { h, type ComponentChild } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TaskView } from '../../src/protocol/graph.js';
import { Button } from '../toolkit.js';
import { criticalPath, layoutGraph, neighbours, NODE_HEIGHT, NODE_WIDTH, type GraphLayout } from './layoutGraph.js';
import { formatCost, formatTokens, STATUS_STYLE } from './statusStyle.js';

interface View {
  x: number;
  y: number;
  k: number;
}

/** Props of the graph. */
export interface GraphViewProps {
  tasks: readonly TaskView[];
  shapeVersion: number;
  selected: string | undefined;
  onSelect: (id: string) => void;
  onOpen: (id: string) => void;
}

/** The graph with its toolbar. */
export function GraphView(props: GraphViewProps): ComponentChild {
  const { tasks, shapeVersion, selected } = props;
  const layout = useMemo(() => layoutGraph(tasks), [shapeVersion]); // the shape changes only with shapeVersion
  const critical = useMemo(() => criticalPath(tasks), [tasks]);
  const links = useMemo(() => neighbours(tasks), [shapeVersion]);
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<{ x: number; y: number; view: View } | undefined>(undefined);
  const renderStart = useRef(performance.now());
  renderStart.current = performance.now();

  const fit = (): void => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || layout.width === 0) return;
    const k = Math.min(box.width / layout.width, box.height / layout.height, 1);
    setView({ k, x: (box.width - layout.width * k) / 2, y: (box.height - layout.height * k) / 2 });
  };
  useEffect(fit, [shapeVersion]);
  useEffect(() => {
    svg.current?.setAttribute('data-layout-ms', layout.layoutMs.toFixed(1));
    svg.current?.setAttribute('data-render-ms', (performance.now() - renderStart.current).toFixed(1));
  });

  const onKeyDown = (e: KeyboardEvent): void => {
    const current = selected ?? tasks[0]?.id;
    if (!current) return;
    if (e.key === 'Enter') {
      props.onOpen(current);
      e.preventDefault();
      return;
    }
    const next = step(current, e.key, layout, links);
    if (next !== undefined) {
      props.onSelect(next);
      e.preventDefault();
    }
  };

  return h(
    'div',
    { class: 'graph' },
    h(
      'div',
      { class: 'toolbar' },
      h(Button, { onClick: fit, secondary: true, testId: 'fit', children: 'Fit' }),
      h('span', { class: 'muted' }, `${tasks.length} tasks · critical path ${critical.size}`),
    ),
    h(
      'svg',
      {
        ref: svg,
        class: 'graph-canvas',
        tabindex: 0,
        role: 'tree',
        'aria-label': 'Task graph',
        'data-testid': 'graph',
        onKeyDown,
        onWheel: (e: WheelEvent) => {
          e.preventDefault();
          const box = svg.current!.getBoundingClientRect();
          const factor = Math.exp(-e.deltaY / 500);
          setView((v) => zoomAt(v, factor, e.clientX - box.left, e.clientY - box.top));
        },
        onPointerDown: (e: PointerEvent) => {
          // A press on a node selects it; only the background pans (capture would steal the node's click).
          if ((e.target as Element).closest('[data-task-id]')) return;
          drag.current = { x: e.clientX, y: e.clientY, view };
          (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
        },
        onPointerMove: (e: PointerEvent) => {
          const d = drag.current;
          if (d) setView({ ...d.view, x: d.view.x + e.clientX - d.x, y: d.view.y + e.clientY - d.y });
        },
        onPointerUp: () => {
          drag.current = undefined;
        },
      },
      h(
        'g',
        { transform: `translate(${view.x} ${view.y}) scale(${view.k})` },
        layout.edges.map((e) =>
          h('polyline', {
            key: `${e.from}>${e.to}`,
            class: critical.has(e.from) && critical.has(e.to) ? 'edge critical' : 'edge',
            points: e.points.map((p) => `${p.x},${p.y}`).join(' '),
          }),
        ),
        tasks.map((t) => {
          const at = layout.nodes.get(t.id);
          return at ? node(t, at, t.id === selected, critical.has(t.id), props) : null;
        }),
      ),
    ),
  );
}

function node(
  t: TaskView,
  at: { x: number; y: number },
  selected: boolean,
  critical: boolean,
  props: GraphViewProps,
): ComponentChild {
  const style = STATUS_STYLE[t.status];
  const classes = ['node', `status-${t.status}`, selected ? 'selected' : '', critical ? 'critical' : ''].join(' ');
  return h(
    'g',
    {
      key: t.id,
      class: classes,
      transform: `translate(${at.x - NODE_WIDTH / 2} ${at.y - NODE_HEIGHT / 2})`,
      'data-task-id': t.id,
      'data-status': t.status,
      role: 'treeitem',
      'aria-selected': selected ? 'true' : 'false',
      'aria-label': `${t.title}: ${style.label}`,
      onClick: () => props.onSelect(t.id),
      onDblClick: () => props.onOpen(t.id),
    },
    h('rect', { class: 'node-box', width: NODE_WIDTH, height: NODE_HEIGHT, rx: 4, stroke: style.color }),
    h('rect', { class: 'node-band', width: 6, height: NODE_HEIGHT, fill: style.color }),
    h(
      'text',
      { class: `node-glyph ${t.status === 'running' ? 'spin' : ''}`, x: 18, y: 22, fill: style.color },
      style.glyph,
    ),
    h('text', { class: 'node-title', x: 32, y: 22 }, clip(t.title, 19)),
    h('text', { class: 'node-meta', x: 14, y: 42 }, `${style.label} · ${t.agentId ?? '—'}`),
    h('text', { class: 'node-meta', x: 14, y: 57 }, `${formatTokens(t.tokens)} tok · ${formatCost(t.costUsd)}`),
  );
}

/** The node an arrow key moves to: down to a dependent, up to a dependency, sideways within the rank. */
function step(
  current: string,
  key: string,
  layout: GraphLayout,
  links: Map<string, { up: string[]; down: string[] }>,
): string | undefined {
  const at = layout.nodes.get(current);
  const near = (ids: string[]): string | undefined =>
    ids
      .map((id) => ({ id, p: layout.nodes.get(id) }))
      .filter((c) => c.p)
      .sort((a, b) => Math.abs(a.p!.x - (at?.x ?? 0)) - Math.abs(b.p!.x - (at?.x ?? 0)))[0]?.id;
  if (key === 'ArrowDown') return near(links.get(current)?.down ?? []);
  if (key === 'ArrowUp') return near(links.get(current)?.up ?? []);
  if ((key === 'ArrowLeft' || key === 'ArrowRight') && at) {
    const sameRank = [...layout.nodes].filter(([, p]) => Math.abs(p.y - at.y) < 1);
    const sign = key === 'ArrowRight' ? 1 : -1;
    const ahead = sameRank.filter(([, p]) => (p.x - at.x) * sign > 0).sort((a, b) => (a[1].x - b[1].x) * sign);
    return ahead[0]?.[0];
  }
  return undefined;
}

function zoomAt(v: View, factor: number, cx: number, cy: number): View {
  const k = Math.min(4, Math.max(0.05, v.k * factor));
  const f = k / v.k;
  return { k, x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
