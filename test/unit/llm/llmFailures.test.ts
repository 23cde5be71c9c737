import assert from 'node:assert/strict';
import { TaskFailure } from '../../../src/core/model/failure';
import { AnthropicChatModel } from '../../../src/core/llm/anthropicChatModel';
import type { ChatModel, ChatRequest } from '../../../src/core/llm/chatModel';
import { parseRetryAfter } from '../../../src/core/llm/llmErrors';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { httpError, textReply } from '../../support/fakeModelServer/fakeReply';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const REQUEST: ChatRequest = { messages: [{ role: 'user', content: 'Go.' }], maxOutputTokens: 100 };

/** What a promise rejected with; fails the test if it resolved. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => assert.fail(`expected a rejection, got ${JSON.stringify(v)}`),
    (e: unknown) => e,
  );
}

function failure(err: unknown): TaskFailure {
  assert.ok(err instanceof TaskFailure, `expected a TaskFailure, got ${String(err)}`);
  return err;
}

const providers = [
  {
    name: 'openai',
    envVar: 'OPENAI_API_KEY',
    make: (s: FakeModelServer, apiKey = s.apiKey): ChatModel =>
      new OpenAiChatModel({ model: 'gpt-4o', apiKey, baseURL: s.openAiBaseUrl }),
  },
  {
    name: 'anthropic',
    envVar: 'ANTHROPIC_API_KEY',
    make: (s: FakeModelServer, apiKey = s.apiKey): ChatModel =>
      new AnthropicChatModel({ model: 'claude-opus-4-8', apiKey, baseURL: s.baseUrl }),
  },
];

for (const p of providers) {
  describe(`checklist 21: ${p.name} failures map to the engine's failure classes, with no silent retries`, () => {
    let server: FakeModelServer;
    const startServer = useFakeModelServer();
    let model: ChatModel;
    const signal = new AbortController().signal;

    beforeEach(async () => {
      server = await startServer({ chunkSize: 4 });
      model = p.make(server);
    });

    it('429 with retry-after (seconds) is retryable after that long', async () => {
      server.enqueue(httpError(429, { retryAfterSeconds: 7 }));
      const f = failure(await rejection(model.complete(REQUEST, { signal })));
      assert.equal(f.failureClass, 'retryable');
      assert.equal(f.options.retryAfterMs, 7_000);
      assert.equal(server.requests.length, 1, 'the SDK itself did not retry');
    });

    it('429 with retry-after-ms is retryable after exactly that long', async () => {
      server.enqueue(httpError(429, { retryAfterMs: 1_234, retryAfterSeconds: 2 }));
      const f = failure(await rejection(model.complete(REQUEST, { signal })));
      assert.equal(f.failureClass, 'retryable');
      assert.equal(f.options.retryAfterMs, 1_234);
    });

    it('500 and 529 are retryable', async () => {
      server.enqueue(httpError(500), httpError(529));
      assert.equal(failure(await rejection(model.complete(REQUEST, { signal }))).failureClass, 'retryable');
      const overloaded = failure(await rejection(model.complete(REQUEST, { signal })));
      assert.equal(overloaded.failureClass, 'retryable');
      assert.match(overloaded.message, /overloaded \(529\)/);
      assert.equal(server.requests.length, 2);
    });

    it('400 is fatal and carries the provider explanation', async () => {
      server.enqueue(httpError(400, { message: 'max_tokens: too large for this model' }));
      const f = failure(await rejection(model.complete(REQUEST, { signal })));
      assert.equal(f.failureClass, 'fatal');
      assert.match(f.message, /rejected the request \(400\): max_tokens: too large/);
    });

    it('401 is fatal, says how to fix it, and never shows the key', async () => {
      const badKey = 'sk-this-is-a-wrong-secret-key-123456';
      const f = failure(await rejection(p.make(server, badKey).complete(REQUEST, { signal })));
      assert.equal(f.failureClass, 'fatal');
      assert.equal(
        f.message,
        `The API key for ${p.name} was rejected (401). Set a valid key with 'Orchestrator: Set API Key' or ${p.envVar}.`,
      );
      assert.equal(f.cause, undefined, 'no provider body rides along as cause');
      assert.ok(!JSON.stringify({ m: f.message, s: f.stack }).includes(badKey));
      assert.equal(server.requests[0]?.outcome, 'unauthorized');
    });

    it('400, 401 and 403 are fatal and each reaches the server exactly once: the SDK does not retry them', async () => {
      server.enqueue(httpError(400), httpError(403, { message: 'model not enabled' }));
      const bad = failure(await rejection(model.complete(REQUEST, { signal })));
      const forbidden = failure(await rejection(model.complete(REQUEST, { signal })));
      const unauthorized = failure(await rejection(p.make(server, 'sk-wrong').complete(REQUEST, { signal })));
      assert.deepEqual(
        [bad, forbidden, unauthorized].map((f) => f.failureClass),
        ['fatal', 'fatal', 'fatal'],
      );
      assert.match(forbidden.message, /not allowed to use .*\(403\)/);
      assert.deepEqual(
        server.requests.map((r) => r.status),
        [400, 403, 401],
        'one request per call, no retry by the SDK',
      );
    });

    it('404 is fatal and names the model', async () => {
      server.enqueue(httpError(404, { message: 'model not found' }));
      const f = failure(await rejection(model.complete(REQUEST, { signal })));
      assert.equal(f.failureClass, 'fatal');
      assert.match(f.message, new RegExp(`does not know the model "${model.model}" \\(404\\)`));
    });

    it('a connection reset is retryable', async () => {
      server.enqueue({ fault: 'reset' });
      const f = failure(await rejection(model.complete(REQUEST, { signal })));
      assert.equal(f.failureClass, 'retryable');
    });

    for (const mode of ['destroy', 'errorEvent', 'truncate'] as const) {
      it(`a mid-stream error (${mode}) is retryable and never resolves with the partial text`, async () => {
        server.enqueue({
          fault: 'midStream',
          afterChunks: 4,
          mode,
          text: 'Partial answer that must never be committed.',
        });
        const seen: string[] = [];
        const f = failure(await rejection(model.complete(REQUEST, { signal, onText: (d) => seen.push(d) })));
        assert.equal(f.failureClass, 'retryable');
        assert.match(f.message, /partial answer was discarded|mid-stream/);
        assert.ok(seen.join('').length > 0, 'some deltas were streamed before the failure');
        assert.ok(seen.join('').length < 'Partial answer that must never be committed.'.length);
      });
    }

    it('an abort mid-stream rejects with the abort reason instead of resolving', async () => {
      server.enqueue(
        // About 80 s of streaming: far longer than mocha's timeout, so only a cut connection ends it in time.
        textReply('A slow answer that is streamed in many small pieces. '.repeat(400), { chunkDelayMs: 15 }),
      );
      const controller = new AbortController();
      const reason = Object.assign(new Error('Run cancelled by the user.'), { name: 'AbortError' });
      const seen: string[] = [];
      const err = await rejection(
        model.complete(REQUEST, {
          signal: controller.signal,
          onText: (d) => {
            seen.push(d);
            if (seen.length === 2) controller.abort(reason);
          },
        }),
      );
      assert.equal(err, reason);
      assert.equal(seen.length, 2);
      // The stream is really cut, not left running: the server sees the client go (no clock assert; an
      // uncut stream would outlast mocha's timeout).
      const rec = server.requests[0];
      assert.ok(rec, 'the request reached the server');
      while (rec.finishedAt === undefined) await new Promise((r) => setTimeout(r, 10));
    });

    it('an abort before the answer starts rejects with an AbortError', async () => {
      // The server never answers; the abort comes once it holds the request (a timer could fire after a late answer).
      server.enqueue({ fault: 'hang' });
      const controller = new AbortController();
      const call = rejection(model.complete(REQUEST, { signal: controller.signal }));
      while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      const err = await call;
      assert.equal((err as Error).name, 'AbortError');
    });

    it('a listener that throws fails the call with its own error, not a provider failure', async () => {
      server.enqueue(textReply('hello world, hello world'));
      const boom = new Error('listener bug');
      const err = await rejection(
        model.complete(REQUEST, {
          signal,
          onText: () => {
            throw boom;
          },
        }),
      );
      assert.equal(err, boom);
    });
  });
}

describe('account and header details', () => {
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  const signal = new AbortController().signal;
  beforeEach(async () => {
    server = await startServer();
  });

  it('an exhausted OpenAI quota (429 insufficient_quota) needs a human, not a retry', async () => {
    server.enqueue(
      httpError(429, {
        code: 'insufficient_quota',
        errorType: 'insufficient_quota',
        message: 'You exceeded your current quota.',
      }),
    );
    const model = new OpenAiChatModel({ model: 'gpt-4o', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
    const f = failure(await rejection(model.complete(REQUEST, { signal })));
    assert.equal(f.failureClass, 'needs-human');
    assert.match(f.message, /no credit left/);
  });

  it('an Anthropic billing error (402) needs a human', async () => {
    server.enqueue(httpError(402, { message: 'Your credit balance is too low.' }));
    const model = new AnthropicChatModel({ model: 'claude-opus-4-8', apiKey: server.apiKey, baseURL: server.baseUrl });
    assert.equal(failure(await rejection(model.complete(REQUEST, { signal }))).failureClass, 'needs-human');
  });

  it('retry-after as an HTTP date becomes the time left until then', async () => {
    server.enqueue(httpError(503, { retryAfterDate: new Date(Date.now() + 30_000) }));
    const model = new OpenAiChatModel({ model: 'gpt-4o', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
    const f = failure(await rejection(model.complete(REQUEST, { signal })));
    assert.equal(f.failureClass, 'retryable');
    assert.ok(
      f.options.retryAfterMs !== undefined && f.options.retryAfterMs > 25_000 && f.options.retryAfterMs <= 30_000,
      String(f.options.retryAfterMs),
    );
  });

  it('a provider message that echoes the key is redacted', async () => {
    const key = server.apiKey;
    server.enqueue(
      httpError(400, { message: `Key ${key} may not use this parameter; also sk-proj-abcdefgh12345678 is wrong.` }),
    );
    const model = new OpenAiChatModel({ model: 'gpt-4o', apiKey: key, baseURL: server.openAiBaseUrl });
    const f = failure(await rejection(model.complete(REQUEST, { signal })));
    assert.ok(!f.message.includes(key));
    assert.ok(!f.message.includes('sk-proj-abcdefgh12345678'));
    assert.match(f.message, /Key \[redacted\] may not use this parameter/);
    assert.equal(f.cause, undefined, 'the unredacted SDK error is not attached');
  });

  it('a malformed JSON answer is returned as text for the caller to repair, not as an error', async () => {
    server.enqueue({ fault: 'malformedJson' });
    const model = new OpenAiChatModel({ model: 'gpt-4o', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
    const r = await model.complete(REQUEST, { signal });
    assert.throws(() => JSON.parse(r.text) as unknown, SyntaxError);
    assert.equal(r.stopReason, 'end');
  });
});

describe('parseRetryAfter', () => {
  it('prefers retry-after-ms, then seconds, then an HTTP date, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const h = (o: Record<string, string>): Headers => new Headers(o);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '250.5', 'retry-after': '9' }), now), 251);
    assert.equal(parseRetryAfter(h({ 'retry-after': '1.5' }), now), 1_500);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'Thu, 01 Jan 2026 00:00:12 GMT' }), now), 12_000);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now), 0);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(parseRetryAfter({ 'Retry-After': '3' }, now), 3_000);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('connection refused', () => {
  it('is retryable and asks whether the server runs at the base URL', async () => {
    const server = await FakeModelServer.start();
    const baseURL = server.openAiBaseUrl;
    await server.close();
    const model = new OpenAiChatModel({ model: 'llama3.1', apiKey: 'ollama', baseURL, provider: 'ollama' });
    const f = failure(await rejection(model.complete(REQUEST, { signal: new AbortController().signal })));
    assert.equal(f.failureClass, 'retryable');
    assert.match(f.message, /Could not connect to ollama at http:\/\/127\.0\.0\.1:\d+\/v1 \(connection refused\)/);
  });
});
