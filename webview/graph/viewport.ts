// Pan and zoom as a transform, which part of the drawing it shows, and the view a graph opens with.
import { NODE_HEIGHT, NODE_WIDTH, type GraphLayout, type Point } from './layoutGraph.js';

/** The transform of the drawing: screen = world × k + (x, y). */
export interface View {
  x: number;
  y: number;
  k: number;
}

/** The canvas size in screen pixels. */
export interface Size {
  width: number;
  height: number;
}

/** A rectangle in drawing coordinates. */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Below this zoom node text is unreadable: nodes are drawn as coloured boxes with their icon only. */
export const DETAIL_ZOOM = 0.4;
/** A graph opens fitted, but never smaller than this (a 1,000-task graph fitted is a grey smear). */
export const OPENING_ZOOM = DETAIL_ZOOM;
/** Screen pixels drawn beyond the canvas on each side, so a short pan shows no gap. */
const OVERSCAN = 200;

/** The whole drawing in the canvas, centred, never enlarged. */
export function fitView(layout: GraphLayout, size: Size): View {
  if (layout.width === 0 || size.width === 0) return { x: 0, y: 0, k: 1 };
  const k = Math.min(size.width / layout.width, size.height / layout.height, 1);
  return { k, x: (size.width - layout.width * k) / 2, y: (size.height - layout.height * k) / 2 };
}

/** Fitted when that is readable; otherwise readable, centred across and showing the first ranks. */
export function openingView(layout: GraphLayout, size: Size): View {
  const fit = fitView(layout, size);
  if (fit.k >= OPENING_ZOOM) return fit;
  const k = OPENING_ZOOM;
  return { k, x: (size.width - layout.width * k) / 2, y: 8 };
}

/** The part of the drawing the view shows, widened by the overscan. */
export function visibleBox(view: View, size: Size): Box {
  return {
    left: (-OVERSCAN - view.x) / view.k,
    top: (-OVERSCAN - view.y) / view.k,
    right: (size.width + OVERSCAN - view.x) / view.k,
    bottom: (size.height + OVERSCAN - view.y) / view.k,
  };
}

/** Whether a node centred at `at` overlaps the box. */
export function nodeVisible(at: Point, box: Box): boolean {
  return (
    at.x + NODE_WIDTH / 2 >= box.left &&
    at.x - NODE_WIDTH / 2 <= box.right &&
    at.y + NODE_HEIGHT / 2 >= box.top &&
    at.y - NODE_HEIGHT / 2 <= box.bottom
  );
}

/** Whether the bounding box of an edge's points overlaps the box. */
export function edgeVisible(points: readonly Point[], box: Box): boolean {
  let left = Infinity;
  let right = -Infinity;
  let top = Infinity;
  let bottom = -Infinity;
  for (const p of points) {
    if (p.x < left) left = p.x;
    if (p.x > right) right = p.x;
    if (p.y < top) top = p.y;
    if (p.y > bottom) bottom = p.y;
  }
  return right >= box.left && left <= box.right && bottom >= box.top && top <= box.bottom;
}

/** The view moved just enough to show the node at `at` (centred on it when it was off screen). */
export function revealNode(view: View, size: Size, at: Point): View {
  const sx = at.x * view.k + view.x;
  const sy = at.y * view.k + view.y;
  const inside = sx >= 0 && sx <= size.width && sy >= 0 && sy <= size.height;
  return inside ? view : { ...view, x: size.width / 2 - at.x * view.k, y: size.height / 2 - at.y * view.k };
}

/** Zoom by `factor` about the screen point (cx, cy). */
export function zoomAt(v: View, factor: number, cx: number, cy: number): View {
  const k = Math.min(4, Math.max(0.02, v.k * factor));
  const f = k / v.k;
  return { k, x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f };
}
