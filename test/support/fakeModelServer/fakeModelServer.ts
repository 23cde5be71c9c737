import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ANTHROPIC_COUNT_TOKENS_PATH, answerCountTokens, anthropicErrorBody } from './anthropicWire';
import {
  DEFAULT_RANDOM_FAULTS,
  faultAnswer,
  isFault,
  type FailAfter,
  type FakeFault,
  type FakeMessage,
  type FakeReply,
} from './fakeReply';
import { openAiErrorBody } from './openAiWire';
import { limitHeaders } from './limitHeaders';
import { RateWindow } from './rateWindow';
import { readBody } from './requestBody';
import { seededRandom } from './seededRandom';
import { ServerWaits } from './serverWaits';
import { maxOutputTokens, requestTokens } from './wireAnswer';
import { BillBook, type BilledUsage } from './billedUsage';
import type { FakeApi, FakeModelServerOptions, RecordedRequest } from './serverOptions';
import { writeAnswer } from './writeAnswer';

// The server's vocabulary lives in serverOptions.ts; tests import it from here, beside the server.
export type { FakeApi, FakeModelServerOptions, RecordedRequest } from './serverOptions';

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'proxy-authorization', 'cookie']);

/**
 * A loopback model server speaking OpenAI Chat Completions (`POST /v1/chat/completions`) and
 * Anthropic Messages (`POST /v1/messages`, and `POST /v1/messages/count_tokens`), JSON and SSE, so the real SDKs can be pointed at it
 * through `baseURL`. It binds to 127.0.0.1 on a random port, requires a random key, refuses a
 * foreign `Origin` or `Host`, answers from a script, injects faults, enforces RPM/TPM limits and
 * records every request.
 */
export class FakeModelServer {
  /** Every request received but token counts, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every `POST /v1/messages/count_tokens` received, in arrival order. */
  readonly tokenCounts: RecordedRequest[] = [];
  /** The key clients must send (`Authorization: Bearer` or `x-api-key`). */
  readonly apiKey: string;
  private readonly queue: FakeReply[];
  private readonly window: RateWindow | undefined;
  /** How often each conversation turn was asked, for per-turn fault draws. */
  private readonly turnsAsked = new Map<string, number>();
  private readonly closing = new AbortController();
  /** Reply latency and chunk delays: cancelled by `close`, with no listener per request on `closing`. */
  readonly waits = new ServerWaits();
  private readonly now: () => number;
  private port = 0;
  private rateLimited = 0;
  private faults = 0;
  private readonly bills = new BillBook();

  private constructor(
    private readonly server: Server,
    private readonly options: FakeModelServerOptions,
  ) {
    this.apiKey = options.apiKey ?? `fake-${randomBytes(18).toString('hex')}`;
    this.queue = [...(options.replies ?? [])];
    this.window = options.limits === undefined ? undefined : new RateWindow(options.limits);
    this.now = options.now ?? Date.now;
  }

  /** Starts a server on 127.0.0.1 and a random port. */
  static async start(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
    const server = createServer();
    const fake = new FakeModelServer(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (fake.closing.signal.aborted) return;
        if (!res.headersSent)
          res
            .writeHead(500, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { message: String(err) } }));
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** `http://127.0.0.1:<port>`: the Anthropic SDK's `baseURL`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `<baseUrl>/v1`: the OpenAI SDK's `baseURL`. */
  get openAiBaseUrl(): string {
    return `${this.baseUrl}/v1`;
  }

  /** Queues replies after those already queued. */
  enqueue(...replies: FakeReply[]): void {
    this.queue.push(...replies);
  }

  /** Replies still queued. */
  get pendingReplies(): number {
    return this.queue.length;
  }

  /** 429s sent because a configured RPM/TPM limit was exceeded (injected 429s not included). */
  get rateLimitedCount(): number {
    return this.rateLimited;
  }

  /** Faults injected by the random fault rate. */
  get injectedFaultCount(): number {
    return this.faults;
  }

  /** Requests answered with a fault, by kind (`http-429`, `reset`, `midStream`, `hang`, …), injected or scripted. */
  faultCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.requests)
      if (r.outcome?.startsWith('fault:')) counts[r.outcome.slice(6)] = (counts[r.outcome.slice(6)] ?? 0) + 1;
    return counts;
  }

  /**
   * What the server billed: the usage it reported in answers it sent whole (a stream cut part-way,
   * an HTTP error, a reset or a hang bills nothing). An OpenAI stream bills only when it carried the
   * usage chunk.
   */
  get billed(): Readonly<BilledUsage> {
    return this.bills.billed;
  }

  /** The most requests that were in flight at the same time. */
  maxConcurrency(): number {
    const edges = this.requests.flatMap((r) => [
      { at: r.receivedAt, d: 1 },
      { at: r.finishedAt ?? Number.POSITIVE_INFINITY, d: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.d - b.d);
    let cur = 0;
    let max = 0;
    for (const e of edges) max = Math.max(max, (cur += e.d));
    return max;
  }

  /** Stops listening, cuts open connections and cancels pending delays. */
  async close(): Promise<void> {
    this.closing.abort();
    this.waits.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', this.baseUrl).pathname;
    const api: RecordedRequest['api'] =
      req.method === 'POST' && path === '/v1/chat/completions'
        ? 'openai'
        : req.method === 'POST' && (path === '/v1/messages' || path === ANTHROPIC_COUNT_TOKENS_PATH)
          ? 'anthropic'
          : 'unknown';
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Kept as text: the test may want to see what arrived.
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers))
      if (!SECRET_HEADERS.has(k) && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    // Token counts are kept apart: `requests` stays the model requests that tests count.
    const counting = path === ANTHROPIC_COUNT_TOKENS_PATH;
    const log = counting ? this.tokenCounts : this.requests;
    const rec: RecordedRequest = {
      seq: log.length + 1,
      api,
      method: req.method ?? '',
      path,
      receivedAt: this.now(),
      headers,
      body,
    };
    log.push(rec);
    res.on('close', () => void (rec.finishedAt = this.now()));
    const fail = (
      status: number,
      outcome: string,
      message: string,
      extra: Partial<Extract<FakeFault, { fault: 'http' }>> = {},
    ): void => this.sendError(res, rec, { fault: 'http', status, message, ...extra }, outcome);

    const own = [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
    // DNS rebinding and browser pages must not reach a local model server: check Host and Origin.
    if (!own.includes(req.headers.host ?? ''))
      return fail(403, 'forbidden-host', `Host ${req.headers.host ?? '(none)'} is not this server.`);
    const origin = req.headers.origin;
    if (origin !== undefined && !own.some((h) => origin === `http://${h}`))
      return fail(403, 'forbidden-origin', `Origin ${origin} is not allowed.`);
    if (api === 'unknown') return fail(404, 'not-found', `No route for ${req.method ?? ''} ${path}.`);
    if (!this.authorized(req, api)) {
      const message = api === 'anthropic' ? 'invalid x-api-key' : 'Incorrect API key provided.';
      return fail(401, 'unauthorized', message);
    }
    if (typeof body !== 'object' || body === null)
      return fail(400, 'bad-request', 'The request body is not a JSON object.');

    // Counting is free and has limits of its own at Anthropic: no script, no rate window.
    if (counting) return answerCountTokens(res, rec, body, this.options.countTokens);
    if (this.window !== undefined) {
      const counting = this.options.limits?.tokenCounting ?? 'request';
      const tokens = counting === 'request' ? requestTokens(body) + maxOutputTokens(body) : 0;
      const verdict = this.window.admit(this.now(), tokens);
      if (!verdict.ok) {
        this.rateLimited++;
        const seconds = Math.ceil(verdict.retryAfterMs / 1000);
        return fail(429, 'rate-limited', `Rate limit reached for ${verdict.reason} per minute.`, {
          retryAfterMs: verdict.retryAfterMs,
          retryAfterSeconds: seconds,
        });
      }
    }

    let reply: FakeReply | undefined;
    const rf = this.options.randomFaults;
    if (rf !== undefined) {
      // Drawn per conversation turn, not per arrival: parallel tasks arrive in a different order
      // on a busy machine, and a draw that followed arrival would then fail a different task.
      const draw = this.faultDraw(rf.seed, body);
      if (draw() < rf.rate) {
        const list = rf.faults ?? DEFAULT_RANDOM_FAULTS;
        reply = list[Math.floor(draw() * list.length)];
        this.faults++;
      }
    }
    reply ??= this.queue.shift() ?? (await this.options.respond?.(rec));
    if (reply === undefined)
      return fail(400, 'no-script', `Fake model server: no scripted reply left for request #${rec.seq}.`);
    await this.answer(req, res, rec, body as Record<string, unknown>, reply);
  }

  /**
   * A PRNG for one request, seeded by the test's seed, the conversation (the first line of its
   * first user message, e.g. "Task a: Write a"), its turn (the number of messages) and how often
   * that same turn was asked before (a retry draws again).
   */
  private faultDraw(seed: number, body: unknown): () => number {
    const messages = (body as { messages?: Array<{ role?: string; content?: unknown }> } | undefined)?.messages ?? [];
    const first = messages.find((m) => m.role === 'user')?.content;
    const text = typeof first === 'string' ? first : JSON.stringify(first ?? '');
    const turn = `${text.split('\n')[0]}\u0000${messages.length}`;
    const asked = (this.turnsAsked.get(turn) ?? 0) + 1;
    this.turnsAsked.set(turn, asked);
    const digest = createHash('sha256').update(`${turn}\u0000${asked}`).digest();
    return seededRandom((seed ^ digest.readUInt32LE(0)) >>> 0);
  }

  /** Holds the request open, sending nothing, until the client gives up or the server closes. */
  private async hang(res: ServerResponse): Promise<void> {
    if (!res.closed && !this.closing.signal.aborted)
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.closing.signal.removeEventListener('abort', done);
          resolve();
        };
        res.once('close', done);
        this.closing.signal.addEventListener('abort', done, { once: true });
      });
    res.destroy();
  }

  /** The rate-limit headers of the enforced window in the API's format, then the configured extras. */
  private responseHeaders(api: FakeApi): Record<string, string> {
    const now = this.now();
    const limits = this.window === undefined ? {} : limitHeaders(api, this.window.state(now), now);
    return { ...limits, ...this.options.headers };
  }

  private authorized(req: IncomingMessage, api: FakeApi): boolean {
    if (req.headers.authorization === `Bearer ${this.apiKey}`) return true;
    return api === 'anthropic' && req.headers['x-api-key'] === this.apiKey;
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    rec: RecordedRequest,
    body: Record<string, unknown>,
    reply: FakeReply,
  ): Promise<void> {
    const api = rec.api as FakeApi;
    const wait = (this.options.latencyMs ?? 0) + (isFault(reply) ? 0 : (reply.delayMs ?? 0));
    if (wait > 0) await this.waits.wait(wait);
    let message: FakeMessage = reply as FakeMessage;
    let failAfter: FailAfter | undefined;
    rec.outcome = 'answered';
    if (isFault(reply)) {
      rec.outcome = `fault:${reply.fault === 'http' ? `http-${reply.status}` : reply.fault}`;
      if (reply.fault === 'http') return this.sendError(res, rec, reply, rec.outcome);
      if (reply.fault === 'reset') return void req.socket.destroy();
      if (reply.fault === 'hang') return this.hang(res);
      ({ message, failAfter } = faultAnswer(reply, body, api));
    }
    await writeAnswer(res, rec, api, body, message, {
      chunkSize: message.chunkSize ?? this.options.chunkSize ?? 8,
      chunkDelayMs: message.chunkDelayMs ?? this.options.chunkDelayMs ?? 0,
      failAfter,
      onBilled: (usage) => this.bills.add(usage),
      headers: () => this.responseHeaders(api),
      charge: (tokens) => {
        if ((this.options.limits?.tokenCounting ?? 'request') === 'usage') this.window?.charge(tokens);
      },
      signal: this.closing.signal,
      pause: (ms) => this.waits.wait(ms),
    });
  }

  private sendError(
    res: ServerResponse,
    rec: RecordedRequest,
    f: Extract<FakeFault, { fault: 'http' }>,
    outcome: string,
  ): void {
    const message = f.message ?? `Injected ${f.status} error.`;
    const body =
      rec.api === 'anthropic'
        ? anthropicErrorBody(f.status, message, f.errorType)
        : openAiErrorBody(f.status, message, f.errorType, f.code);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': `req_${rec.seq}`,
      'request-id': `req_${rec.seq}`,
    };
    if (rec.api !== 'unknown') Object.assign(headers, this.responseHeaders(rec.api));
    if (f.retryAfterMs !== undefined) headers['retry-after-ms'] = String(f.retryAfterMs);
    if (f.retryAfterSeconds !== undefined) headers['retry-after'] = String(f.retryAfterSeconds);
    else if (f.retryAfterDate !== undefined) headers['retry-after'] = f.retryAfterDate.toUTCString();
    rec.status = f.status;
    rec.outcome = outcome;
    res.writeHead(f.status, headers).end(JSON.stringify(body));
  }
}

/** Starts a `FakeModelServer`; `close()` it in `after`/`afterEach`. */
export function startFakeModelServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  return FakeModelServer.start(options);
}
