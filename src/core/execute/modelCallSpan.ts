import { TaskFailure } from '../model/failure';
import type { ModelTurn } from '../quota/quotaGate';
import type { Tracer } from '../observe/tracer';
import type { ModelCallRequest, ModelCallResult, StartChildSpan } from '../task/agent';

/** The `send` of a model call, as `callModel` takes it. */
type Send<T> = (signal: AbortSignal, turn: ModelTurn) => Promise<ModelCallResult<T>>;

/** Providers whose OpenTelemetry name differs from ours. */
const OTEL_PROVIDER_NAMES: Readonly<Record<string, string>> = { azure: 'azure.ai.openai', vertex: 'gcp.vertex_ai' };

/**
 * Runs one model call inside a `chat <model>` span with the OpenTelemetry GenAI attributes: the
 * request's model, provider and limits when it starts, the answer's id, model, finish reason and
 * token usage when it ends. The span covers the request itself: it starts when the gate lets it go
 * (after any rate-limit wait), so a request the budget refuses is not a model call and has none.
 * Only sizes and counts are recorded, never prompt or answer text. `call` is the gate that sends.
 */
export function traceModelCall<T>(
  startSpan: StartChildSpan | undefined,
  request: ModelCallRequest,
  send: Send<T>,
  call: (send: Send<T>) => Promise<T>,
): Promise<T> {
  if (startSpan === undefined) return call(send);
  const provider = request.key.provider;
  return call(async (signal, turn) => {
    const span = startSpan(`chat ${request.key.model}`, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': OTEL_PROVIDER_NAMES[provider] ?? provider,
      'gen_ai.system': provider,
      'gen_ai.request.model': request.key.model,
      'gen_ai.request.max_tokens': turn?.maxOutputTokens ?? request.maxOutputTokens,
      ...(request.temperature === undefined ? {} : { 'gen_ai.request.temperature': request.temperature }),
      'agent_orchestrator.estimated_input_tokens': request.estimatedInputTokens,
    });
    try {
      const result = await send(signal, turn);
      span.end('ok', endAttributes(result));
      return result;
    } catch (err) {
      const cancelled = (err instanceof Error && err.name === 'AbortError') || signal.aborted;
      span.end(cancelled ? 'cancelled' : 'error', { 'error.type': errorType(err) });
      throw err;
    }
  });
}

function endAttributes<T>(result: ModelCallResult<T>): Record<string, unknown> {
  const { answer, usage } = result;
  return {
    ...(answer?.responseId === undefined ? {} : { 'gen_ai.response.id': answer.responseId }),
    ...(answer?.responseModel === undefined ? {} : { 'gen_ai.response.model': answer.responseModel }),
    ...(answer?.finishReason === undefined ? {} : { 'gen_ai.response.finish_reasons': [answer.finishReason] }),
    'gen_ai.usage.input_tokens': usage.inputTokens,
    'gen_ai.usage.output_tokens': usage.outputTokens,
  };
}

/** A low-cardinality name for what went wrong (OpenTelemetry `error.type`). */
export function errorType(err: unknown): string {
  if (err instanceof TaskFailure) return `${err.name}.${err.failureClass}`;
  if (err instanceof Error && err.name !== '' && err.name !== 'Error') return err.name;
  return '_OTHER';
}

/**
 * Runs `work` inside a span named `name`; `work` gets a starter of child spans (for its model
 * calls). The span ends `ok`, `cancelled` on an AbortError, else `error` with `error.type`.
 */
export async function withChildSpans<T>(
  tracer: Tracer,
  name: string,
  attributes: Readonly<Record<string, unknown>>,
  work: (startSpan: StartChildSpan) => Promise<T>,
): Promise<T> {
  const span = tracer.startSpan(name, { attributes });
  try {
    const result = await work((child, attrs) =>
      tracer.startSpan(child, { parentId: span.id, ...(attrs ? { attributes: attrs } : {}) }),
    );
    span.end('ok');
    return result;
  } catch (err) {
    const cancelled = err instanceof Error && err.name === 'AbortError';
    span.end(cancelled ? 'cancelled' : 'error', { 'error.type': errorType(err) });
    throw err;
  }
}
