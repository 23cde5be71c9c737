import type { RunEvent } from '../model/runEvents';
import { encodeOtlpTraces } from './otlpJson';
import { SpanFolder, type SpanRecord } from './spanRecords';

/** How a run's spans are exported. */
export interface OtlpExporterOptions {
  /** The collector's base URL (`http://localhost:4318`) or its full `/v1/traces` URL. */
  endpoint: string;
  runId: string;
  serviceVersion?: string;
  /** Told once when an export fails; later failures are counted silently. */
  warn(message: string): void;
  /** Spans sent per request; default 64. */
  batchSize?: number;
  /** The HTTP client; default the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Turns an OTLP endpoint setting into the URL spans are POSTed to, or explains what is wrong with
 * it: only http(s) URLs without credentials, with `/v1/traces` added unless it is there already.
 */
export function otlpTracesUrl(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new Error(`The OTLP endpoint "${endpoint}" is not a URL; give one like http://localhost:4318.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`The OTLP endpoint must be an http or https URL (like http://localhost:4318), not "${endpoint}".`);
  if (url.username !== '' || url.password !== '')
    throw new Error('The OTLP endpoint must not carry a user name or password; give a URL without them.');
  if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return url;
}

/**
 * Sends a run's finished spans to an OTLP/HTTP collector as JSON: it listens to the run's events,
 * batches spans as they end, and `flush` sends what is left. Export never fails or slows a run:
 * requests run in the background, the first failure is reported once through `warn`.
 */
export class OtlpSpanExporter {
  private readonly url: URL;
  /** Spans started and not yet ended; each is exported once, as it ends. */
  private readonly spans = new SpanFolder(false);
  private batch: SpanRecord[] = [];
  private sending: Promise<void> = Promise.resolve();
  private warned = false;
  /** Spans the collector accepted, and spans lost to failed requests. */
  readonly counts = { exported: 0, failed: 0 };

  constructor(private readonly options: OtlpExporterOptions) {
    this.url = otlpTracesUrl(options.endpoint);
  }

  /** An exporter that listens to `run`'s events from now on. */
  static follow(
    run: { readonly runId: string; onEvent(listener: (event: RunEvent) => void): unknown },
    options: Omit<OtlpExporterOptions, 'runId'>,
  ): OtlpSpanExporter {
    const exporter = new OtlpSpanExporter({ ...options, runId: run.runId });
    run.onEvent((event) => exporter.onEvent(event));
    return exporter;
  }

  /** Takes one run event; one that ends a span adds the span to the batch. */
  onEvent(event: RunEvent): void {
    const ended = this.spans.add(event);
    if (ended === undefined) return;
    this.batch.push(ended);
    if (this.batch.length >= (this.options.batchSize ?? 64)) this.send();
  }

  /** Sends the spans that ended so far and resolves when every request has settled; never rejects. */
  async flush(): Promise<void> {
    this.send();
    await this.sending;
  }

  private send(): void {
    if (this.batch.length === 0) return;
    const spans = this.batch;
    this.batch = [];
    const body = JSON.stringify(
      encodeOtlpTraces(spans, {
        runId: this.options.runId,
        ...(this.options.serviceVersion === undefined ? {} : { serviceVersion: this.options.serviceVersion }),
      }),
    );
    this.sending = this.sending.then(() => this.post(body, spans.length));
  }

  private async post(body: string, count: number): Promise<void> {
    try {
      const post = this.options.fetch ?? fetch;
      const res = await post(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`the collector answered HTTP ${res.status}`);
      this.counts.exported += count;
    } catch (err) {
      this.counts.failed += count;
      if (this.warned) return;
      this.warned = true;
      const why = err instanceof Error ? err.message : String(err);
      this.options.warn(
        `Spans could not be exported to ${this.url.origin} (${why}); the run goes on, later export failures are not reported.`,
      );
    }
  }
}
