import type { FakeFault, FakeReply } from './fakeReply';
import type { RateLimitConfig } from './rateWindow';

/** Which wire protocol a request spoke. */
export type FakeApi = 'openai' | 'anthropic';

/** One request as the server saw it, for assertions. */
export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  api: FakeApi | 'unknown';
  method: string;
  path: string;
  /** `now()` when the body had arrived. */
  receivedAt: number;
  /** `now()` when the response was finished or the connection closed. */
  finishedAt?: number;
  /** Lower-cased request headers without `authorization`, `x-api-key` and cookies. */
  headers: Record<string, string>;
  /** The parsed JSON body (the raw text when it was not JSON). */
  body: unknown;
  status?: number;
  /** `answered`, `counted`, `rate-limited`, `unauthorized`, `forbidden-origin`, `forbidden-host`, `no-script`, `bad-request`, `not-found` or `fault:<kind>`. */
  outcome?: string;
}

/** How a fake server behaves. */
export interface FakeModelServerOptions {
  /** Replies answered in arrival order; more can be queued with `enqueue`. */
  replies?: FakeReply[];
  /** Answers a request when the queue is empty. Without it (and with an empty queue) the server answers 400 "no scripted reply". */
  respond?: (request: RecordedRequest) => FakeReply | Promise<FakeReply>;
  /** Enforced limits: a sliding window over admitted requests; refused requests get 429 with `retry-after` and `retry-after-ms`. */
  limits?: RateLimitConfig & {
    /**
     * How a request's tokens are counted against `tpm`. `request` (default), at admission: chars/4
     * of the string values in `system`, `messages` and `tools`, plus `max_tokens` /
     * `max_completion_tokens` — the worst case, as OpenAI estimates. `usage`: the answer's
     * reported input + output tokens, charged when the answer is produced.
     */
    tokenCounting?: 'request' | 'usage';
  };
  /** Injects a fault into this share of requests (0–1), drawn with a seeded PRNG; scripted replies are not consumed by injected faults. */
  randomFaults?: { rate: number; seed: number; faults?: readonly FakeFault[] };
  /** Delay before every response's headers. */
  latencyMs?: number;
  /** Delay between streamed chunks. */
  chunkDelayMs?: number;
  /** Characters per streamed text or argument delta; default 8. */
  chunkSize?: number;
  /** The clock for the rate window and the recorded times; default `Date.now`. */
  now?: () => number;
  /** The key clients must send; default a random `fake-…` key. */
  apiKey?: string;
  /** Input tokens `POST /v1/messages/count_tokens` answers for a body; default chars/4 of its strings. Throw to answer 500. */
  countTokens?: (body: unknown) => number;
  /**
   * Extra headers on every model response (answers and errors), after the rate-limit headers
   * `limits` adds: e.g. malformed `x-ratelimit-*` values.
   */
  headers?: Record<string, string>;
}
