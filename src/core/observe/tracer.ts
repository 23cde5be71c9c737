import type { Clock } from '../common/clock';
import { newId } from '../common/ids';
import type { RunEventBody } from '../model/runEvents';
import { sanitizeFields } from './sanitizeFields';

/** How a span ended. */
export type SpanStatus = 'ok' | 'error' | 'cancelled';

/** Where a span sits in the tree and what describes it. */
export interface SpanOptions {
  /** The enclosing span (run → task → model call / tool call). */
  parentId?: string;
  attributes?: Readonly<Record<string, unknown>>;
}

/** One timed piece of work; ends exactly once. */
export interface Span {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | undefined;
  /** Whether `end` has been called. */
  readonly ended: boolean;
  /** Emits `span.ended` with the duration and any attributes known only now; later calls do nothing. */
  end(status?: SpanStatus, attributes?: Readonly<Record<string, unknown>>): void;
}

/** Timed spans of a run, written as `span.started` / `span.ended` run events. */
export class Tracer {
  constructor(
    private readonly emit: (body: RunEventBody) => void,
    private readonly clock: Clock,
    private readonly idGen: () => string = () => newId('span'),
  ) {}

  /**
   * A fresh span id for a span told by other events (an attempt's `task.started` and its outcome),
   * which costs no `span.*` event of its own.
   */
  newSpanId(): string {
    return this.idGen();
  }

  /** Starts a span and emits `span.started`. */
  startSpan(name: string, options: SpanOptions = {}): Span {
    if (typeof name !== 'string' || name.length === 0)
      throw new TypeError(`A span needs a non-empty name, got ${JSON.stringify(name)}.`);
    const id = this.idGen();
    const startedAt = this.clock.now();
    const started: RunEventBody = { type: 'span.started', spanId: id, name };
    if (options.parentId !== undefined) started.parentId = options.parentId;
    if (options.attributes !== undefined) started.attributes = sanitizeFields(options.attributes);
    this.emit(started);
    let ended = false;
    return {
      id,
      name,
      parentId: options.parentId,
      get ended() {
        return ended;
      },
      end: (status: SpanStatus = 'ok', attributes?: Readonly<Record<string, unknown>>) => {
        if (ended) return;
        ended = true;
        const durationMs = Math.max(0, this.clock.now() - startedAt);
        const body: RunEventBody = { type: 'span.ended', spanId: id, name, durationMs, status };
        if (attributes !== undefined) body.attributes = sanitizeFields(attributes);
        this.emit(body);
      },
    };
  }

  /** Runs `fn` inside a span: `ok` if it returns, `cancelled` if it throws an AbortError, `error` otherwise. */
  async withSpan<T>(name: string, fn: (span: Span) => T | Promise<T>, options: SpanOptions = {}): Promise<T> {
    const span = this.startSpan(name, options);
    try {
      const result = await fn(span);
      span.end('ok');
      return result;
    } catch (err) {
      span.end(err instanceof Error && err.name === 'AbortError' ? 'cancelled' : 'error');
      throw err;
    }
  }
}
