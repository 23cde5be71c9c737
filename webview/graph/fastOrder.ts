// The crossing-reduction step dagre runs for large graphs, through its `customOrder` hook.
// dagre's own step builds two layer graphs per rank and sweeps until four sweeps bring no gain:
// about half of dagre's time at 1,000 tasks (every edge gets a dummy node in the middle rank, so
// it orders ~3,000 nodes). This one keeps dagre's first order (depth-first from the sources) and
// makes one barycentre sweep down and one up, on plain arrays.
import type { EdgeLabel, Graph, GraphLabel, NodeLabel } from '@dagrejs/dagre';

type LayoutGraph = Graph<GraphLabel, NodeLabel, EdgeLabel>;

/** Sweeps made after dagre's depth-first first order: down, up, down, ... */
export const ORDER_SWEEPS = 2;

/** Sets `order` on every node of dagre's layered graph (ranks already assigned, dummies included). */
export function fastOrder(g: LayoutGraph): void {
  const layers = depthFirstLayers(g);
  const position = new Map<string, number>();
  const place = (layer: string[]): void => layer.forEach((v, i) => position.set(v, i));
  layers.forEach(place);
  for (let sweep = 0; sweep < ORDER_SWEEPS; sweep++) {
    const down = sweep % 2 === 0;
    const ranks = layers.map((_, i) => (down ? i : layers.length - 1 - i)).slice(1);
    for (const r of ranks) {
      const layer = layers[r]!;
      const keys = layer.map((v, i) => {
        const near = (down ? g.predecessors(v) : g.successors(v)) ?? [];
        if (near.length === 0) return i; // no neighbour on that side: stays where it is
        let sum = 0;
        for (const u of near) sum += position.get(u) ?? 0;
        return sum / near.length;
      });
      const sorted = layer.map((v, i) => ({ v, key: keys[i]!, i })).sort((a, b) => a.key - b.key || a.i - b.i);
      layers[r] = sorted.map((s) => s.v);
      place(layers[r]);
    }
  }
  for (const layer of layers) layer.forEach((v, i) => (g.node(v).order = i));
}

/** dagre's first order: nodes by rank, each followed depth-first by its successors. */
function depthFirstLayers(g: LayoutGraph): string[][] {
  const layers: string[][] = [];
  const seen = new Set<string>();
  const rankOf = (v: string): number => g.node(v).rank ?? 0;
  const start = g.nodes().sort((a: string, b: string) => rankOf(a) - rankOf(b));
  for (const root of start) {
    const stack = [root];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (seen.has(v)) continue;
      seen.add(v);
      (layers[rankOf(v)] ??= []).push(v);
      const next = g.successors(v) ?? [];
      for (let i = next.length - 1; i >= 0; i--) if (!seen.has(next[i]!)) stack.push(next[i]!);
    }
  }
  return layers.map((layer) => layer ?? []);
}
