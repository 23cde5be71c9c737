// Positions of the nodes and edges (dagre), the critical path, and the neighbours the keyboard walks.
import { graphlib, layout } from '@dagrejs/dagre';
import type { TaskView } from '../../src/protocol/graph.js';
import { fastOrder } from './fastOrder.js';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;
/** From this many tasks on, the cheaper ranker and crossing reduction are used. */
export const LARGE_GRAPH = 200;

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
  /** Milliseconds dagre took. */
  layoutMs: number;
}

/** Lays the tasks out top to bottom; dependencies above their dependents. Unknown deps are ignored. */
export function layoutGraph(tasks: readonly TaskView[]): GraphLayout {
  const started = performance.now();
  const large = tasks.length > LARGE_GRAPH;
  const g = new graphlib.Graph();
  // Network simplex gives the tightest ranks but grows fast (7.5 s for 1,000 tasks on the shared
  // test machine); longest-path is 6× cheaper there and fine for graphs that large.
  g.setGraph({
    rankdir: 'TB',
    nodesep: 24,
    ranksep: 48,
    marginx: 16,
    marginy: 16,
    ranker: large ? 'longest-path' : 'network-simplex',
  });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(tasks.map((t) => t.id));
  for (const t of tasks) g.setNode(t.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const t of tasks) for (const d of t.deps) if (ids.has(d)) g.setEdge(d, t.id);
  layout(g, large ? { customOrder: fastOrder } : {});
  const nodes = new Map<string, Point>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    nodes.set(id, { x: n.x, y: n.y });
  }
  const edges = g
    .edges()
    .map((e: { v: string; w: string }) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] }));
  const label = g.graph();
  return {
    nodes,
    edges,
    width: label.width ?? 0,
    height: label.height ?? 0,
    layoutMs: performance.now() - started,
  };
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
