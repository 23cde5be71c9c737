import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { DEMO_LABEL, DEMO_MODEL_NAME, demoAnswer, type DemoAnswer, type DemoRequest } from './demoScript';

/** Pacing of the demo; the defaults make a three-task run take a few watchable seconds. */
export interface DemoModelServerOptions {
  /** Pause before an agent's edit. Default 900 ms. */
  editDelayMs?: number;
  /** Pause before every other answer (plan, finish). Default 350 ms. */
  answerDelayMs?: number;
  /** Pause between streamed chunks. Default 15 ms. */
  chunkDelayMs?: number;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const CHUNK_CHARS = 40;

/**
 * The offline demo model: a clearly labelled, scripted stand-in for an LLM that speaks the OpenAI
 * Chat Completions API (JSON and SSE with the usage chunk) on loopback, so someone without an API
 * key can watch a whole run. It binds 127.0.0.1 on a random port, requires a random bearer token,
 * and refuses a foreign `Host` (DNS rebinding) or `Origin` (web pages). Every answer says
 * "[offline demo model]". It never forwards anything anywhere.
 */
export class DemoModelServer {
  /** The bearer token clients must send; random per server. */
  readonly token = `demo-${randomBytes(24).toString('hex')}`;
  /** The model name to ask for (any name is answered the same way). */
  readonly model = DEMO_MODEL_NAME;
  private readonly closing = new AbortController();
  private port = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: Required<DemoModelServerOptions>,
  ) {}

  /** Starts the server on 127.0.0.1 and a free port. */
  static async start(options: DemoModelServerOptions = {}): Promise<DemoModelServer> {
    const server = createServer();
    const demo = new DemoModelServer(server, {
      editDelayMs: options.editDelayMs ?? 900,
      answerDelayMs: options.answerDelayMs ?? 350,
      chunkDelayMs: options.chunkDelayMs ?? 15,
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      demo.handle(req, res).catch(() => {
        if (!res.headersSent) sendError(res, 500, 'The demo server failed to answer.');
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    demo.port = (server.address() as AddressInfo).port;
    return demo;
  }

  /** `http://127.0.0.1:<port>/v1`: the `baseURL` for the `openai` SDK. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Stops listening and cuts open connections. */
  async close(): Promise<void> {
    this.closing.abort();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const own = [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
    if (!own.includes(req.headers.host ?? ''))
      return sendError(res, 403, `Host ${req.headers.host ?? '(none)'} is not this server.`);
    const origin = req.headers.origin;
    if (origin !== undefined && !own.some((h) => origin === `http://${h}`))
      return sendError(res, 403, `Origin ${origin} is not allowed.`);
    if (!this.authorized(req.headers.authorization))
      return sendError(res, 401, 'Missing or wrong bearer token.', 'invalid_api_key');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: DEMO_MODEL_NAME, object: 'model', created: 0, owned_by: 'agent-orchestrator-demo' }],
      });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions')
      return sendError(res, 404, `No route for ${req.method ?? ''} ${path}.`);
    const raw = await readBody(req);
    if (raw === undefined) return sendError(res, 413, `The request body is over ${MAX_BODY_BYTES} bytes.`);
    let body: DemoRequest & { stream?: unknown; stream_options?: { include_usage?: unknown }; model?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
      if (body === null || typeof body !== 'object' || !Array.isArray(body.messages)) throw new Error('no messages');
    } catch {
      return sendError(res, 400, 'The body must be a JSON Chat Completions request with "messages".');
    }
    const answer = demoAnswer(body);
    const gone = AbortSignal.any([this.closing.signal, closedSignal(res)]);
    await delay(answer.pace === 'edit' ? this.options.editDelayMs : this.options.answerDelayMs, undefined, {
      signal: gone,
    }).catch(() => undefined);
    if (gone.aborted) return void res.destroy();
    const model = typeof body.model === 'string' && body.model !== '' ? body.model : DEMO_MODEL_NAME;
    const usage = usageOf(raw, answer);
    if (body.stream !== true) return sendJson(res, 200, completion(answer, model, usage));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const withUsage = body.stream_options?.include_usage === true;
    for (const chunk of chunks(answer, model, withUsage ? usage : undefined)) {
      if (gone.aborted) return void res.destroy();
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await delay(this.options.chunkDelayMs, undefined, { signal: gone }).catch(() => undefined);
    }
    res.end('data: [DONE]\n\n');
  }

  private authorized(header: string | undefined): boolean {
    const expected = Buffer.from(`Bearer ${this.token}`);
    const given = Buffer.from(header ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** Rough token counts (four characters a token), so budgets and the status bar have numbers to show. */
function usageOf(requestBody: string, answer: DemoAnswer): WireUsage {
  const prompt = Math.ceil(requestBody.length / 4);
  const completionTokens = Math.max(1, Math.ceil((answer.text.length + JSON.stringify(answer.toolCalls).length) / 4));
  return { prompt_tokens: prompt, completion_tokens: completionTokens, total_tokens: prompt + completionTokens };
}

function toolCallsOf(
  answer: DemoAnswer,
): Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> {
  return answer.toolCalls.map((call) => ({
    id: `call_${randomBytes(8).toString('hex')}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
}

function completion(answer: DemoAnswer, model: string, usage: WireUsage): object {
  const calls = toolCallsOf(answer);
  return {
    id: `chatcmpl-demo-${randomBytes(6).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
      },
    ],
    usage,
  };
}

/** The chunks of a streamed answer: role, text pieces, each tool call (name, then its arguments in pieces), finish, usage. */
function chunks(answer: DemoAnswer, model: string, usage: WireUsage | undefined): object[] {
  const id = `chatcmpl-demo-${randomBytes(6).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: string | null = null): object => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage: null } : {}),
  });
  const out: object[] = [chunk({ role: 'assistant', content: '' })];
  for (const piece of pieces(answer.text)) out.push(chunk({ content: piece }));
  toolCallsOf(answer).forEach((call, index) => {
    out.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
      }),
    );
    for (const piece of pieces(call.function.arguments))
      out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  out.push(chunk({}, answer.toolCalls.length > 0 ? 'tool_calls' : 'stop'));
  if (usage) out.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage });
  return out;
}

function pieces(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK_CHARS) out.push(text.slice(i, i + CHUNK_CHARS));
  return out;
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string, code: string | null = null): void {
  const type = status === 401 ? 'invalid_request_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(res, status, { error: { message: `${DEMO_LABEL} ${message}`, type, param: null, code } });
}

/** The body as text, or undefined when it is larger than the limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    const buf = part as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return undefined;
    parts.push(buf);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Aborts when the client goes away before the answer is complete. */
function closedSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
