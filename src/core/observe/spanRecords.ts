import type { JsonValue, RunEvent } from '../model/runEvents';
import type { SpanStatus } from './tracer';

/** One span of a run as its stored events tell it. */
export interface SpanRecord {
  spanId: string;
  parentId?: string;
  name: string;
  /** Unix ms of `span.started`. */
  startedAt: number;
  /** Unix ms of `span.ended`; absent while the span is open (or the run stopped inside it). */
  endedAt?: number;
  durationMs?: number;
  status?: SpanStatus;
  /** Start attributes, overlaid with the end's. */
  attributes: Record<string, JsonValue>;
}

/** A span and its children, children in start order. */
export interface SpanNode {
  span: SpanRecord;
  children: SpanNode[];
}

/** The spans of a run from its events, in start order; an end without a start is ignored. */
export function spanRecords(events: readonly RunEvent[]): SpanRecord[] {
  const byId = new Map<string, SpanRecord>();
  for (const e of events) {
    if (e.type === 'span.started') {
      byId.set(e.spanId, {
        spanId: e.spanId,
        ...(e.parentId === undefined ? {} : { parentId: e.parentId }),
        name: e.name,
        startedAt: e.at,
        attributes: { ...e.attributes },
      });
    } else if (e.type === 'span.ended') {
      const span = byId.get(e.spanId);
      if (span === undefined || span.status !== undefined) continue;
      span.endedAt = e.at;
      span.durationMs = e.durationMs;
      span.status = e.status;
      if (e.attributes) Object.assign(span.attributes, e.attributes);
    }
  }
  return [...byId.values()];
}

/** The spans as a forest: a span whose parent is unknown is a root. */
export function spanTree(spans: readonly SpanRecord[]): SpanNode[] {
  const nodes = new Map(spans.map((span) => [span.spanId, { span, children: [] as SpanNode[] }]));
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentId === undefined ? undefined : nodes.get(node.span.parentId);
    if (parent !== undefined && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode): number => a.span.startedAt - b.span.startedAt;
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}
