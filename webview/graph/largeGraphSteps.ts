// The two sugiyama steps d3-dag runs for large graphs, each bounded to a fixed number of linear
// passes. d3-dag's own two-layer decrossing counts every crossing after every pass to keep the best
// order, and its greedy coordinates repeat straightening passes until nothing moves (up to one
// pass per layer): together most of its time at 1,000 tasks.
import { decrossDfs, type Coord, type Decross, type SugiNode, type SugiSeparation } from 'd3-dag';

/** Barycentre sweeps after the depth-first first order: down, up, down, ... */
export const ORDER_SWEEPS = 4;
/** Passes that line up the dummy nodes of a long edge under each other. */
const STRAIGHTEN_PASSES = 2;

/** Orders each layer: d3-dag's depth-first order, then barycentre sweeps on plain arrays. */
export function decrossSweeps(): Decross<unknown, unknown> {
  const firstOrder = decrossDfs();
  return (layers: SugiNode<unknown, unknown>[][]): void => {
    firstOrder(layers);
    const position = new Map<SugiNode<unknown, unknown>, number>();
    const place = (layer: SugiNode<unknown, unknown>[]): void => layer.forEach((v, i) => position.set(v, i));
    layers.forEach(place);
    for (let sweep = 0; sweep < ORDER_SWEEPS; sweep++) {
      const down = sweep % 2 === 0;
      for (let step = 1; step < layers.length; step++) {
        const layer = layers[down ? step : layers.length - 1 - step]!;
        const keyed = layer.map((v, i) => {
          let sum = 0;
          let count = 0;
          for (const u of down ? v.parents() : v.children()) {
            sum += position.get(u) ?? 0;
            count++;
          }
          return { v, key: count === 0 ? i : sum / count, i }; // no neighbour on that side: stays where it is
        });
        keyed.sort((a, b) => a.key - b.key || a.i - b.i);
        keyed.forEach((k, i) => (layer[i] = k.v));
        place(layer);
      }
    }
  };
}

/**
 * Puts each node under the median of its parents (down), then over the median of its children (up),
 * then straightens long edges, moving nodes apart just enough after every layer. Returns the width.
 */
export function coordMedian(): Coord<unknown, unknown> {
  return <N, L>(layers: SugiNode<N, L>[][], sep: SugiSeparation<N, L>): number => {
    for (const layer of layers) spread(layer, new Array<number>(layer.length).fill(0), sep);
    const towards = (layer: SugiNode<N, L>[], near: (v: SugiNode<N, L>) => Iterable<SugiNode<N, L>>): void => {
      spread(
        layer,
        layer.map((v) => median(near(v)) ?? v.x),
        sep,
      );
    };
    for (let i = 1; i < layers.length; i++) towards(layers[i]!, (v) => v.parents());
    for (let i = layers.length - 2; i >= 0; i--) towards(layers[i]!, (v) => v.children());
    for (let pass = 0; pass < STRAIGHTEN_PASSES; pass++) {
      for (let i = 1; i < layers.length; i++) {
        const layer = layers[i]!;
        const wanted = layer.map((v) => {
          const [parent] = v.parents();
          return v.data.role === 'link' && parent?.data.role === 'link' ? parent.x : v.x;
        });
        spread(layer, wanted, sep);
      }
    }
    let start = Infinity;
    let end = -Infinity;
    for (const layer of layers) {
      const first = layer[0];
      const last = layer[layer.length - 1];
      if (first) start = Math.min(start, first.x - sep(undefined, first));
      if (last) end = Math.max(end, last.x + sep(last, undefined));
    }
    const moved = new Set<SugiNode<N, L>>();
    for (const layer of layers) {
      for (const v of layer) {
        if (moved.has(v)) continue;
        v.x -= start;
        moved.add(v);
      }
    }
    return end - start;
  };
}

function median<N, L>(nodes: Iterable<SugiNode<N, L>>): number | undefined {
  const xs = Array.from(nodes, (v) => v.x).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * Sets x as close to `wanted` as the separations allow, keeping the order: the mean of the leftmost
 * and the rightmost placement that both keep every gap (a mean of two such placements keeps them too).
 */
function spread<N, L>(layer: SugiNode<N, L>[], wanted: number[], sep: SugiSeparation<N, L>): void {
  const n = layer.length;
  if (n === 0) return;
  const right = new Array<number>(n);
  right[n - 1] = wanted[n - 1]!;
  for (let i = n - 2; i >= 0; i--) right[i] = Math.min(wanted[i]!, right[i + 1]! - sep(layer[i], layer[i + 1]));
  let left = wanted[0]!;
  layer[0]!.x = (left + right[0]!) / 2;
  for (let i = 1; i < n; i++) {
    left = Math.max(wanted[i]!, left + sep(layer[i - 1], layer[i]));
    layer[i]!.x = (left + right[i]!) / 2;
  }
}
