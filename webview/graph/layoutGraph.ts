// Positions of the nodes and edges (d3-dag's sugiyama), the critical path, and the neighbours the keyboard walks.
import {
  coordQuad,
  decrossTwoLayer,
  graph,
  layeringLongestPath,
  layeringSimplex,
  sugiyama,
  type MutGraph,
  type MutGraphLink,
  type MutGraphNode,
} from 'd3-dag';
import type { TaskView } from '../../src/protocol/graph.js';
import { coordMedian, decrossSweeps } from './largeGraphSteps.js';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;
/** Space between nodes side by side, and between ranks. */
export const GAP = { x: 24, y: 48 };
/** Space around the drawing. */
export const MARGIN = 16;
/** From this many tasks on, the cheaper steps are used (the better ones grow fast: 0.2–0.8 s at 100–200 tasks). */
export const LARGE_GRAPH = 50;

/** A point of the drawing. */
export interface Point {
  x: number;
  y: number;
}

/** Where everything goes. */
export interface GraphLayout {
  nodes: Map<string, Point>;
  edges: { from: string; to: string; points: Point[] }[];
  width: number;
  height: number;
  /** Milliseconds the layout took. */
  layoutMs: number;
  /** Why the graph is drawn as a plain grid instead of in ranks (a cycle, say); shown above it. */
  note?: string;
}

/**
 * Lays the tasks out top to bottom; dependencies above their dependents. Unknown deps, repeated deps
 * and repeated ids are ignored. A cycle, or input d3-dag refuses, is placed on a grid with a note.
 */
export function layoutGraph(tasks: readonly TaskView[]): GraphLayout {
  const started = performance.now();
  const { dag, handles, links, selfLoop } = taskGraph(tasks);
  let laidOut: Omit<GraphLayout, 'layoutMs'>;
  const grid = (note: string): Omit<GraphLayout, 'layoutMs'> => ({
    ...gridLayout([...handles.keys()], links),
    note,
  });
  if (selfLoop !== undefined || !dag.acyclic()) {
    // d3-dag does not refuse a cycle: it would draw a dependency below its dependent.
    const which = selfLoop === undefined ? '' : ` (${clip(selfLoop, 40)} depends on itself)`;
    laidOut = grid(`Drawn as a grid: the dependencies form a cycle${which}. Remove the dependency that closes it.`);
  } else {
    try {
      laidOut = dag.nnodes() === 0 ? { nodes: new Map(), edges: [], width: 0, height: 0 } : ranked(dag, handles, links);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      laidOut = grid(`Drawn as a grid: the graph could not be laid out in ranks (${clip(reason, 120)}).`);
    }
  }
  return { ...laidOut, layoutMs: performance.now() - started };
}

type TaskGraph = MutGraph<string, undefined>;
type Link = { from: string; to: string; link?: MutGraphLink<string, undefined> };
type Handles = Map<string, { task: TaskView; node: MutGraphNode<string, undefined> }>;

/** The d3-dag graph of the tasks, the known dependencies as from → to pairs, and a task that depends on itself. */
function taskGraph(tasks: readonly TaskView[]): {
  dag: TaskGraph;
  handles: Handles;
  links: Link[];
  selfLoop: string | undefined;
} {
  const dag: TaskGraph = graph<string, undefined>();
  const byId: Handles = new Map();
  for (const task of tasks) if (!byId.has(task.id)) byId.set(task.id, { task, node: dag.node(task.id) });
  const links: Link[] = [];
  let selfLoop: string | undefined;
  for (const [id, { task, node }] of byId) {
    for (const d of new Set(task.deps)) {
      const from = byId.get(d);
      if (!from) continue;
      if (d === id) selfLoop ??= id; // d3-dag refuses a self loop outright
      links.push({ from: d, to: id, link: d === id ? undefined : dag.link(from.node, node) });
    }
  }
  return { dag, handles: byId, links, selfLoop };
}

/** The sugiyama steps by size: the tightest ranks and fewest crossings when small, bounded passes when large. */
function ranked(dag: TaskGraph, handles: Handles, links: Link[]): Omit<GraphLayout, 'layoutMs'> {
  const large = dag.nnodes() >= LARGE_GRAPH;
  const size = [NODE_WIDTH, NODE_HEIGHT] as const;
  const gap = [GAP.x, GAP.y] as const;
  const { width, height } = large
    ? sugiyama().layering(layeringLongestPath()).decross(decrossSweeps()).coord(coordMedian()).nodeSize(size).gap(gap)(
        dag,
      )
    : sugiyama().layering(layeringSimplex()).decross(decrossTwoLayer()).coord(coordQuad()).nodeSize(size).gap(gap)(dag);
  const nodes = new Map<string, Point>();
  for (const [id, { node }] of handles) nodes.set(id, { x: node.x + MARGIN, y: node.y + MARGIN });
  // The handles kept while building, not dag.nodes() and dag.links(): those walk the graph through generators.
  const edges = links.map(({ from, to, link }) => {
    const points = (link?.points ?? []).map(([x, y]) => ({ x: x + MARGIN, y: y + MARGIN }));
    // d3-dag draws centre to centre; the line starts at the bottom of the dependency and ends at the top of the dependent.
    const first = points[0];
    const last = points[points.length - 1];
    if (first) first.y += NODE_HEIGHT / 2;
    if (last) last.y -= NODE_HEIGHT / 2;
    return { from, to, points };
  });
  return { nodes, edges, width: width + 2 * MARGIN, height: height + 2 * MARGIN };
}

/** Places `ids` row by row; `links` become straight edges from the bottom of one box to the top of the other. */
function gridLayout(
  ids: readonly string[],
  links: readonly { from: string; to: string }[],
): Omit<GraphLayout, 'layoutMs' | 'note'> {
  const columns = Math.max(1, Math.ceil(Math.sqrt(ids.length)));
  const rows = Math.ceil(ids.length / columns);
  const nodes = new Map<string, Point>();
  ids.forEach((id, i) =>
    nodes.set(id, {
      x: MARGIN + (i % columns) * (NODE_WIDTH + GAP.x) + NODE_WIDTH / 2,
      y: MARGIN + Math.floor(i / columns) * (NODE_HEIGHT + GAP.y) + NODE_HEIGHT / 2,
    }),
  );
  const edges = links.map(({ from, to }) => {
    const a = nodes.get(from)!;
    const b = nodes.get(to)!;
    return {
      from,
      to,
      points: [
        { x: a.x, y: a.y + NODE_HEIGHT / 2 },
        { x: b.x, y: b.y - NODE_HEIGHT / 2 },
      ],
    };
  });
  return {
    nodes,
    edges,
    width: ids.length === 0 ? 0 : 2 * MARGIN + columns * NODE_WIDTH + (columns - 1) * GAP.x,
    height: ids.length === 0 ? 0 : 2 * MARGIN + rows * NODE_HEIGHT + (rows - 1) * GAP.y,
  };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
/**
 * The chain of tasks that bounds the run's length: the longest path, each task weighted by its
 * duration so far (at least 1, so an unstarted plan shows its longest chain of steps).
 */
export function criticalPath(tasks: readonly TaskView[]): Set<string> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const best = new Map<string, { length: number; prev: string | undefined }>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = best.get(id);
    if (known) return known.length;
    const task = byId.get(id);
    if (!task || visiting.has(id)) return 0;
    visiting.add(id);
    let prev: string | undefined;
    let longest = 0;
    for (const d of task.deps) {
      const length = visit(d);
      if (length > longest) [longest, prev] = [length, d];
    }
    visiting.delete(id);
    const length = longest + Math.max(1, task.durationMs);
    best.set(id, { length, prev });
    return length;
  };
  let end: string | undefined;
  let endLength = -1;
  for (const t of tasks) {
    const length = visit(t.id);
    if (length > endLength) [endLength, end] = [length, t.id];
  }
  const path = new Set<string>();
  for (let id = end; id !== undefined; id = best.get(id)?.prev) path.add(id);
  return path;
}

/** Dependencies and dependents of every task, for walking edges with the arrow keys. */
export function neighbours(tasks: readonly TaskView[]): Map<string, { up: string[]; down: string[] }> {
  const map = new Map(tasks.map((t) => [t.id, { up: [] as string[], down: [] as string[] }]));
  for (const t of tasks) {
    for (const d of t.deps) {
      if (!map.has(d)) continue;
      map.get(t.id)!.up.push(d);
      map.get(d)!.down.push(t.id);
    }
  }
  return map;
}
