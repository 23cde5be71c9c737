import type { ServerResponse } from 'node:http';
import { anthropicEvents, anthropicFrame, anthropicMessage } from './anthropicWire';
import type { FakeApi, RecordedRequest } from './fakeModelServer';
import type { FailAfter, FakeMessage, MidStreamMode } from './fakeReply';
import { openAiChunks, openAiCompletion, openAiFrame } from './openAiWire';
import { toWireAnswer, type WireAnswer } from './wireAnswer';

/** How one answer is written. */
export interface WriteOptions {
  chunkSize: number;
  chunkDelayMs: number;
  /** Fail after this many SSE frames: cut the socket, or send the API's in-stream error. */
  failAfter?: FailAfter | undefined;
  /** Called with the answer's total tokens (for TPM counted from usage). */
  charge: (tokens: number) => void;
  /** The rate-limit (and any extra) headers of this response, read once the answer was charged. */
  headers?: () => Record<string, string>;
  /** Called with the usage once an answer that reported it was sent whole. */
  onBilled?: (usage: WireAnswer['usage']) => void;
  signal: AbortSignal;
  /** Waits between chunks; rejects when the server closes. */
  pause: (ms: number) => Promise<void>;
}

/** Writes `message` as JSON or, when the request asked to stream, as the API's SSE frames. */
export async function writeAnswer(
  res: ServerResponse,
  rec: RecordedRequest,
  api: FakeApi,
  body: Record<string, unknown>,
  message: FakeMessage,
  o: WriteOptions,
): Promise<void> {
  const model = typeof body['model'] === 'string' ? body['model'] : 'fake-model';
  const a = toWireAnswer(message, body, api === 'openai' ? 'call_' : 'toolu_');
  const cacheInInput = api === 'anthropic' ? a.usage.cacheReadTokens + a.usage.cacheCreationTokens : 0;
  o.charge(a.usage.inputTokens + cacheInInput + a.usage.outputTokens);
  const requestId = `req_${rec.seq}`;
  rec.status = 200;

  if (body['stream'] !== true) {
    const json = JSON.stringify(api === 'openai' ? openAiCompletion(a, model) : anthropicMessage(a, model));
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-request-id': requestId,
      'request-id': requestId,
      ...o.headers?.(),
    });
    if (o.failAfter !== undefined) {
      // Half a body, then a cut connection.
      await write(res, json.slice(0, Math.floor(json.length / 2)));
      res.destroy();
      return;
    }
    res.end(json);
    o.onBilled?.(a.usage);
    return;
  }

  let frames: string[];
  let reportsUsage = true;
  if (api === 'openai') {
    const opts = body['stream_options'] as { include_usage?: unknown } | undefined;
    const includeUsage = opts?.include_usage === true && message.omitUsage !== true;
    reportsUsage = includeUsage;
    frames = [
      ...openAiChunks(a, model, { includeUsage, chunkSize: o.chunkSize }).map((c) => openAiFrame(c)),
      openAiFrame('[DONE]'),
    ];
  } else {
    frames = anthropicEvents(a, model, { chunkSize: o.chunkSize }).map((e) => anthropicFrame(e.event, e.data));
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-request-id': requestId,
    'request-id': requestId,
    ...o.headers?.(),
  });
  for (const [i, frame] of frames.entries()) {
    if (res.destroyed || o.signal.aborted) return;
    if (o.failAfter !== undefined && i === o.failAfter.afterChunks) return fail(res, api, o.failAfter.mode);
    await write(res, frame);
    if (o.chunkDelayMs > 0 && i < frames.length - 1) await o.pause(o.chunkDelayMs);
  }
  res.end();
  if (reportsUsage) o.onBilled?.(a.usage);
}

function fail(res: ServerResponse, api: FakeApi, mode: MidStreamMode): void {
  if (mode === 'destroy') {
    res.destroy();
    return;
  }
  if (mode === 'truncate') {
    res.end();
    return;
  }
  const frame =
    api === 'openai'
      ? openAiFrame({
          error: {
            message: 'The server had an error while processing your request.',
            type: 'server_error',
            param: null,
            code: null,
          },
        })
      : anthropicFrame('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  res.end(frame);
}

/** Writes and waits until the data has been handed to the socket, so a later cut cannot swallow it. */
function write(res: ServerResponse, data: string): Promise<void> {
  return new Promise<void>((resolve) => {
    res.write(data, () => resolve());
  });
}
