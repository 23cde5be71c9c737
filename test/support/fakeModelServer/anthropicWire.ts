import type { ServerResponse } from 'node:http';
import { pieces, requestTokens, type WireAnswer } from './wireAnswer';

/** Anthropic's token-count endpoint (`client.messages.countTokens`). */
export const ANTHROPIC_COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

/** Answers a count request `{ input_tokens }`, by `count` or chars/4 of the body's strings; records it as `counted`. */
export function answerCountTokens(
  res: ServerResponse,
  rec: { status?: number; outcome?: string },
  body: unknown,
  count: (body: unknown) => number = requestTokens,
): void {
  const inputTokens = count(body);
  rec.status = 200;
  rec.outcome = 'counted';
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ input_tokens: inputTokens }));
}

/** The Anthropic error body. */
export function anthropicErrorBody(status: number, message: string, type?: string): object {
  const defaults: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    402: 'billing_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    529: 'overloaded_error',
  };
  return {
    type: 'error',
    error: { type: type ?? defaults[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
    request_id: 'req_fake',
  };
}

const STOP = { end: 'end_turn', tool_use: 'tool_use', max_tokens: 'max_tokens' } as const;

function messageShell(
  a: WireAnswer,
  model: string,
  content: object[],
  outputTokens: number,
  stop: string | null,
): object {
  return {
    id: `msg_${Date.now().toString(36)}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: {
      input_tokens: a.usage.inputTokens,
      cache_creation_input_tokens: a.usage.cacheCreationTokens,
      cache_read_input_tokens: a.usage.cacheReadTokens,
      output_tokens: outputTokens,
      service_tier: 'standard',
    },
  };
}

/** A stand-in for the opaque signature Anthropic puts on thinking blocks. */
export function fakeSignature(thinking: string): string {
  return Buffer.from(`sig:${thinking.length}`).toString('base64');
}

function contentOf(a: WireAnswer): object[] {
  const blocks: object[] =
    a.thinking === '' ? [] : [{ type: 'thinking', thinking: a.thinking, signature: fakeSignature(a.thinking) }];
  if (a.text !== '') blocks.push({ type: 'text', text: a.text });
  for (const c of a.toolCalls) {
    let input: unknown;
    try {
      input = JSON.parse(c.rawArguments || '{}');
    } catch {
      input = {};
    }
    blocks.push({ type: 'tool_use', id: c.id, name: c.name, input });
  }
  return blocks;
}

/** A non-streamed Messages answer. */
export function anthropicMessage(a: WireAnswer, model: string): object {
  return messageShell(a, model, contentOf(a), a.usage.outputTokens, STOP[a.stopReason]);
}

/**
 * The SSE events of a streamed Messages answer: `message_start` (input usage with cache fields),
 * a `ping`, per content block `content_block_start` / `content_block_delta` (`text_delta` or
 * `input_json_delta` pieces) / `content_block_stop`, then `message_delta` (stop reason, output
 * usage) and `message_stop`.
 */
export function anthropicEvents(
  a: WireAnswer,
  model: string,
  o: { chunkSize: number },
): Array<{ event: string; data: object }> {
  const out: Array<{ event: string; data: object }> = [];
  const ev = (event: string, data: object): void => void out.push({ event, data: { type: event, ...data } });
  ev('message_start', { message: messageShell(a, model, [], 1, null) });
  ev('ping', {});
  let index = 0;
  if (a.thinking !== '') {
    ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const p of pieces(a.thinking, o.chunkSize))
      ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: p } });
    ev('content_block_delta', { index, delta: { type: 'signature_delta', signature: fakeSignature(a.thinking) } });
    ev('content_block_stop', { index });
    index++;
  }
  if (a.text !== '') {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const p of pieces(a.text, o.chunkSize))
      ev('content_block_delta', { index, delta: { type: 'text_delta', text: p } });
    ev('content_block_stop', { index });
    index++;
  }
  for (const c of a.toolCalls) {
    ev('content_block_start', { index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } });
    for (const p of c.rawArguments === '' ? [] : pieces(c.rawArguments, o.chunkSize)) {
      ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } });
    }
    ev('content_block_stop', { index });
    index++;
  }
  ev('message_delta', {
    delta: { stop_reason: STOP[a.stopReason], stop_sequence: null },
    usage: { output_tokens: a.usage.outputTokens },
  });
  ev('message_stop', {});
  return out;
}

/** One SSE frame of the Messages stream. */
export function anthropicFrame(event: string, data: object): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
