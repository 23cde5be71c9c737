import { createHash } from 'node:crypto';
import type { JsonValue } from '../model/runEvents';
import type { SpanRecord } from './spanRecords';

/** An OTLP `AnyValue` in its JSON encoding (64-bit integers as strings). */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } };

/** One OTLP attribute. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** Who sent the spans: the OTLP resource and scope. */
export interface OtlpSource {
  runId: string;
  serviceVersion?: string;
}

/** OTLP status codes: unset, ok, error. */
const STATUS_CODE = { ok: 1, error: 2, cancelled: 0 } as const;
/** OTLP span kinds: internal, client (a call to a remote model). */
const KIND_INTERNAL = 1;
const KIND_CLIENT = 3;

/** Hex of the first `bytes` bytes of sha256(`text`): stable ids derived from the run's own ids. */
function hexId(text: string, bytes: number): string {
  return createHash('sha256')
    .update(text)
    .digest('hex')
    .slice(0, bytes * 2);
}

/** The 32-hex-digit trace id of a run: one trace per run. */
export function otlpTraceId(runId: string): string {
  return hexId(`trace:${runId}`, 16);
}

/** The 16-hex-digit span id of one of the run's spans. */
export function otlpSpanId(runId: string, spanId: string): string {
  return hexId(`span:${runId}:${spanId}`, 8);
}

/** A JSON value as an OTLP `AnyValue`; null has none. */
export function otlpValue(value: JsonValue): OtlpAnyValue | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value))
    return { arrayValue: { values: value.map(otlpValue).filter((v): v is OtlpAnyValue => v !== undefined) } };
  return { kvlistValue: { values: otlpAttributes(value) } };
}

/** Attributes as OTLP key-values; null ones are left out. */
export function otlpAttributes(attributes: Readonly<Record<string, JsonValue>>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, v] of Object.entries(attributes)) {
    const value = otlpValue(v);
    if (value !== undefined) out.push({ key, value });
  }
  return out;
}

function unixNanos(ms: number): string {
  return (BigInt(Math.round(ms * 1000)) * 1000n).toString();
}

/**
 * Finished spans as an OTLP/HTTP JSON `ExportTraceServiceRequest` (resourceSpans → scopeSpans →
 * spans), the body of `POST <endpoint>/v1/traces`. The run is one trace; ids are hashes of the run's
 * span ids, so a span exported twice keeps its id. A cancelled span has status unset and says so in
 * `agent_orchestrator.span.status`.
 */
export function encodeOtlpTraces(spans: readonly SpanRecord[], source: OtlpSource): unknown {
  const traceId = otlpTraceId(source.runId);
  const version = source.serviceVersion === undefined ? {} : { version: source.serviceVersion };
  return {
    resourceSpans: [
      {
        resource: {
          attributes: otlpAttributes({
            'service.name': 'agent-orchestrator',
            ...(source.serviceVersion === undefined ? {} : { 'service.version': source.serviceVersion }),
            'agent_orchestrator.run_id': source.runId,
          }),
        },
        scopeSpans: [
          {
            scope: { name: 'agent-orchestrator', ...version },
            spans: spans.map((s) => {
              const endMs = s.startedAt + (s.durationMs ?? Math.max(0, (s.endedAt ?? s.startedAt) - s.startedAt));
              const status = s.status ?? 'ok';
              const errorType = s.attributes['error.type'];
              return {
                traceId,
                spanId: otlpSpanId(source.runId, s.spanId),
                ...(s.parentId === undefined ? {} : { parentSpanId: otlpSpanId(source.runId, s.parentId) }),
                name: s.name,
                kind: s.attributes['gen_ai.operation.name'] === 'chat' ? KIND_CLIENT : KIND_INTERNAL,
                startTimeUnixNano: unixNanos(s.startedAt),
                endTimeUnixNano: unixNanos(endMs),
                attributes: otlpAttributes({ ...s.attributes, 'agent_orchestrator.span.status': status }),
                status: {
                  code: STATUS_CODE[status],
                  ...(status === 'error' && typeof errorType === 'string' ? { message: errorType } : {}),
                },
              };
            }),
          },
        ],
      },
    ],
  };
}
