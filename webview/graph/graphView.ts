// The task graph as SVG: status colours and codicons, the critical path, pan (drag), zoom (wheel),
// Fit, and the arrow keys walking the edges. Laid out once per shape; only what the view shows is
// drawn, and a status event re-renders one node.
import { h, type ComponentChild } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TaskView } from '../../src/protocol/graph.js';
import { Button } from '../toolkit.js';
import { GraphNode } from './graphNode.js';
import { criticalPath, layoutGraph, neighbours, type GraphLayout } from './layoutGraph.js';
import {
  DETAIL_ZOOM,
  edgeVisible,
  fitView,
  nodeVisible,
  openingView,
  revealNode,
  visibleBox,
  zoomAt,
  type Size,
  type View,
} from './viewport.js';

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
  // Laid out again only when the shape changes; a snapshot of the same shape (a panel shown again) keeps it.
  const laidOut = useRef<{ shape: string; layout: GraphLayout } | undefined>(undefined);
  const layout = useMemo(() => {
    const shape = shapeOf(tasks);
    if (laidOut.current?.shape !== shape) laidOut.current = { shape, layout: layoutGraph(tasks) };
    return laidOut.current.layout;
  }, [shapeVersion]);
  const renderStarted = performance.now(); // after the layout: data-render-ms is the drawing alone
  const links = useMemo(() => neighbours(tasks), [shapeVersion]);
  const critical = useMemo(() => criticalPath(tasks), [tasks]);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  // A view belongs to one layout: a snapshot that keeps the layout keeps the view; a new shape opens anew.
  const [moved, setMoved] = useState<{ layout: GraphLayout; view: View } | undefined>(undefined);
  const view = moved?.layout === layout ? moved.view : openingView(layout, size);
  const setView = (next: View): void => setMoved({ layout, view: next });
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<{ x: number; y: number; view: View } | undefined>(undefined);

  useLayoutEffect(() => {
    const element = svg.current;
    if (!element) return;
    const measure = (): void => {
      const box = element.getBoundingClientRect();
      setSize((s) => (s.width === box.width && s.height === box.height ? s : { width: box.width, height: box.height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const box = visibleBox(view, size);
  const detailed = view.k >= DETAIL_ZOOM;
  const drawn: ComponentChild[] = [];
  for (const t of tasks) {
    const at = layout.nodes.get(t.id);
    if (!at || size.width === 0 || !nodeVisible(at, box)) continue;
    const node = { task: t, x: at.x, y: at.y, selected: t.id === selected, critical: critical.has(t.id), detailed };
    drawn.push(h(GraphNode, { key: t.id, ...node }));
  }
  const edges = size.width === 0 ? [] : layout.edges.filter((e) => edgeVisible(e.points, box));

  useLayoutEffect(() => {
    const element = svg.current;
    if (!element) return;
    element.setAttribute('data-layout-ms', layout.layoutMs.toFixed(1));
    element.setAttribute('data-render-ms', (performance.now() - renderStarted).toFixed(1));
    element.setAttribute('data-shape', String(shapeVersion));
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
      const at = layout.nodes.get(next);
      if (at) setView(revealNode(view, size, at));
      e.preventDefault();
    }
  };
  const taskIdAt = (e: Event): string | undefined =>
    (e.target as Element).closest?.('[data-task-id]')?.getAttribute('data-task-id') ?? undefined;

  return h(
    'div',
    { class: 'graph' },
    h(
      'div',
      { class: 'toolbar' },
      h(Button, { onClick: () => setView(fitView(layout, size)), secondary: true, testId: 'fit', children: 'Fit' }),
      h('span', { class: 'muted' }, `${tasks.length} tasks · critical path ${critical.size}`),
      layout.note ? h('span', { class: 'graph-note', role: 'status', 'data-testid': 'graph-note' }, layout.note) : null,
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
        'data-nodes-drawn': drawn.length,
        onKeyDown,
        onClick: (e: MouseEvent) => {
          const id = taskIdAt(e);
          if (id !== undefined) props.onSelect(id);
        },
        onDblClick: (e: MouseEvent) => {
          const id = taskIdAt(e);
          if (id !== undefined) props.onOpen(id);
        },
        onWheel: (e: WheelEvent) => {
          e.preventDefault();
          const r = svg.current!.getBoundingClientRect();
          setView(zoomAt(view, Math.exp(-e.deltaY / 500), e.clientX - r.left, e.clientY - r.top));
        },
        onPointerDown: (e: PointerEvent) => {
          // A press on a node selects it; only the background pans (capture would steal the node's click).
          if (taskIdAt(e) !== undefined) return;
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
        detailed ? edgeLines(edges, critical) : edgePaths(edges, critical),
        drawn,
      ),
    ),
  );
}

type LaidEdge = GraphLayout['edges'][number];

/** What the layout depends on: the tasks' ids and dependencies, in order. */
function shapeOf(tasks: readonly TaskView[]): string {
  return tasks.map((t) => `${t.id}<${t.deps.join(',')}`).join('\n');
}

/** One polyline per edge, when zoomed in enough that there are few. */
function edgeLines(edges: readonly LaidEdge[], critical: Set<string>): ComponentChild[] {
  return edges.map((e) =>
    h('polyline', {
      key: `${e.from}>${e.to}`,
      class: critical.has(e.from) && critical.has(e.to) ? 'edge critical' : 'edge',
      points: e.points.map((p) => `${p.x},${p.y}`).join(' '),
    }),
  );
}

/** Zoomed out, where thousands may show: one path for the plain edges and one for the critical ones. */
function edgePaths(edges: readonly LaidEdge[], critical: Set<string>): ComponentChild[] {
  const plain: string[] = [];
  const onPath: string[] = [];
  for (const e of edges) {
    const d = e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join('');
    (critical.has(e.from) && critical.has(e.to) ? onPath : plain).push(d);
  }
  return [
    h('path', { key: 'plain', class: 'edge', d: plain.join(''), 'data-edges': plain.length }),
    h('path', { key: 'critical', class: 'edge critical', d: onPath.join(''), 'data-edges': onPath.length }),
  ];
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
