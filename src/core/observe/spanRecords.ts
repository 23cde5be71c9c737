import type { JsonValue, RunEvent } from '../model/runEvents';
import type { SpanStatus } from './tracer';

/** One span of a run as its stored events tell it. */
export interface SpanRecord {
  spanId: string;
  parentId?: string;
  name: string;
  /** Unix ms of `span.started` (of `task.started` for a task's span). */
  startedAt: number;
  /** Unix ms of its end; absent while the span is open (or the run stopped inside it). */
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

/** The name of the span of one attempt at a task. */
export const TASK_SPAN = 'task';

/**
 * Folds run events into spans, one event at a time. Most spans have a `span.started` and a
 * `span.ended`; an attempt's `task` span has none of its own (two events fewer per task): its
 * `task.started` carries the span id and the attempt's outcome (`task.succeeded`,
 * `task.attempt.failed`, `task.cancelled`) ends it. Older logs, with `span.*` events for tasks,
 * fold the same way.
 */
export class SpanFolder {
  private readonly spans = new Map<string, SpanRecord>();
  /** Open task spans by `taskId#attempt`. */
  private readonly taskSpans = new Map<string, SpanRecord>();

  /** @param keepEnded keep ended spans for `records()`; false for a consumer that only wants each span once, as it ends. */
  constructor(private readonly keepEnded = true) {}

  /** Folds one event; returns the span it ended, if it ended one. */
  add(e: RunEvent): SpanRecord | undefined {
    switch (e.type) {
      case 'span.started':
        this.spans.set(e.spanId, {
          spanId: e.spanId,
          ...(e.parentId === undefined ? {} : { parentId: e.parentId }),
          name: e.name,
          startedAt: e.at,
          attributes: { ...e.attributes },
        });
        return undefined;
      case 'span.ended':
        return this.end(this.spans.get(e.spanId), e.at, e.durationMs, e.status, e.attributes);
      case 'task.started': {
        if (e.spanId === undefined) return undefined;
        const span: SpanRecord = {
          spanId: e.spanId,
          ...(e.parentSpanId === undefined ? {} : { parentId: e.parentSpanId }),
          name: TASK_SPAN,
          startedAt: e.at,
          attributes: { taskId: e.taskId, agentId: e.agentId, attempt: e.attempt },
        };
        this.spans.set(e.spanId, span);
        this.taskSpans.set(`${e.taskId}#${e.attempt}`, span);
        return undefined;
      }
      case 'task.succeeded':
      case 'task.attempt.failed':
      case 'task.cancelled': {
        const key = `${e.taskId}#${e.attempt}`;
        const span = this.taskSpans.get(key);
        if (span === undefined) return undefined;
        this.taskSpans.delete(key);
        const status = e.type === 'task.succeeded' ? 'ok' : e.type === 'task.cancelled' ? 'cancelled' : 'error';
        const durationMs = e.type === 'task.cancelled' ? Math.max(0, e.at - span.startedAt) : e.durationMs;
        return this.end(span, e.at, durationMs, status, undefined);
      }
      default:
        return undefined;
    }
  }

  /** Every span folded so far, in start order. */
  records(): SpanRecord[] {
    return [...this.spans.values()];
  }

  private end(
    span: SpanRecord | undefined,
    at: number,
    durationMs: number,
    status: SpanStatus,
    attributes: Record<string, JsonValue> | undefined,
  ): SpanRecord | undefined {
    // An end without a start, or a second end, is ignored.
    if (span === undefined || span.status !== undefined) return undefined;
    span.endedAt = at;
    span.durationMs = durationMs;
    span.status = status;
    if (attributes) Object.assign(span.attributes, attributes);
    if (!this.keepEnded) this.spans.delete(span.spanId);
    return span;
  }
}

/** The spans of a run from its events, in start order; an end without a start is ignored. */
export function spanRecords(events: readonly RunEvent[]): SpanRecord[] {
  const folder = new SpanFolder();
  for (const e of events) folder.add(e);
  return folder.records();
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
