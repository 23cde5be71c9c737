import { Anthropic } from '@anthropic-ai/sdk';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { OpenAI } from 'openai';
import { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { textReply } from '../../support/fakeModelServer/fakeReply';
import { gate } from '../../support/gate';

/** A raw POST, for what the SDKs never send (a foreign Origin, a wrong Host). */
function post(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 };

describe('FakeModelServer', () => {
  let server: FakeModelServer;
  const started: FakeModelServer[] = [];
  /** Starts a server that `afterEach` closes. */
  const start = async (...args: Parameters<typeof FakeModelServer.start>): Promise<FakeModelServer> => {
    const s = await FakeModelServer.start(...args);
    started.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });

  it('listens on loopback only, with a random port and key', async () => {
    server = await start();
    const other = await start();
    assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.baseUrl, other.baseUrl);
    assert.notEqual(server.apiKey, other.apiKey);
  });

  it('answers a wrong key with 401 in each API error shape', async () => {
    server = await start();
    const o = await post(`${server.openAiBaseUrl}/chat/completions`, { authorization: 'Bearer wrong' }, CHAT);
    assert.equal(o.status, 401);
    assert.deepEqual(o.json, {
      error: {
        message: 'Incorrect API key provided.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const a = await post(`${server.baseUrl}/v1/messages`, { 'x-api-key': 'wrong' }, CHAT);
    assert.equal(a.status, 401);
    assert.deepEqual(a.json, {
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
      request_id: 'req_fake',
    });
    assert.deepEqual(
      server.requests.map((r) => r.outcome),
      ['unauthorized', 'unauthorized'],
    );
  });

  it('rejects a foreign Origin and a foreign Host even with the right key', async () => {
    server = await start({ replies: [textReply('ok')] });
    const auth = { authorization: `Bearer ${server.apiKey}` };
    const foreign = await post(
      `${server.openAiBaseUrl}/chat/completions`,
      { ...auth, origin: 'https://evil.example' },
      CHAT,
    );
    assert.equal(foreign.status, 403);
    const rebound = await post(
      `${server.openAiBaseUrl}/chat/completions`,
      { ...auth, host: 'attacker.example:80' },
      CHAT,
    );
    assert.equal(rebound.status, 403);
    assert.deepEqual(
      server.requests.map((r) => r.outcome),
      ['forbidden-origin', 'forbidden-host'],
    );
    const own = await post(`${server.openAiBaseUrl}/chat/completions`, { ...auth, origin: server.baseUrl }, CHAT);
    assert.equal(own.status, 200, 'its own origin is fine');
  });

  it('records requests without credentials', async () => {
    server = await start({ replies: [textReply('hello')] });
    const client = new OpenAI({ apiKey: server.apiKey, baseURL: server.openAiBaseUrl, maxRetries: 0 });
    const r = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(r.choices[0]?.message.content, 'hello', 'non-streamed JSON works too');
    const rec = server.requests[0];
    assert.equal(rec?.path, '/v1/chat/completions');
    assert.equal(rec?.api, 'openai');
    assert.equal(rec?.headers['authorization'], undefined);
    assert.ok(!JSON.stringify(server.requests).includes(server.apiKey));
    assert.ok(
      typeof rec?.receivedAt === 'number' && typeof rec.finishedAt === 'number' && rec.finishedAt >= rec.receivedAt,
    );
  });

  it('answers non-streamed Anthropic messages with tool_use content', async () => {
    server = await start({
      replies: [{ toolCalls: [{ id: 'toolu_x', name: 'list_files', arguments: { path: '.' } }] }],
    });
    const client = new Anthropic({ apiKey: server.apiKey, baseURL: server.baseUrl, maxRetries: 0 });
    const m = await client.messages.create({
      model: 'claude-opus-4-8',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'ls' }],
    });
    assert.equal(m.stop_reason, 'tool_use');
    assert.deepEqual(m.content[0], { type: 'tool_use', id: 'toolu_x', name: 'list_files', input: { path: '.' } });
  });

  it('enforces requests per minute over a sliding window and counts its 429s', async () => {
    let now = 1_000_000;
    server = await start({ limits: { rpm: 3 }, respond: () => textReply('ok'), now: () => now });
    const auth = { authorization: `Bearer ${server.apiKey}` };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await post(`${server.openAiBaseUrl}/chat/completions`, auth, CHAT)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.equal(server.rateLimitedCount, 2);
    now += 60_000;
    assert.equal(
      (await post(`${server.openAiBaseUrl}/chat/completions`, auth, CHAT)).status,
      200,
      'the window slid past the first requests',
    );
  });

  it('tells a rate-limited client how long to wait, in both header forms', async () => {
    let now = 0;
    server = await start({ limits: { rpm: 1 }, respond: () => textReply('ok'), now: () => now });
    const client = new OpenAI({ apiKey: server.apiKey, baseURL: server.openAiBaseUrl, maxRetries: 0 });
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a' }] });
    now = 15_000;
    const err = (await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'b' }] })
      .catch((e: unknown) => e)) as {
      status: number;
      headers: Headers;
    };
    assert.equal(err.status, 429);
    assert.equal(err.headers.get('retry-after-ms'), '45000');
    assert.equal(err.headers.get('retry-after'), '45');
  });

  it('enforces tokens per minute counted from the request (chars/4 + max_tokens)', async () => {
    server = await start({ limits: { tpm: 100 }, respond: () => textReply('ok') });
    const auth = { authorization: `Bearer ${server.apiKey}` };
    const body = { ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(160) }], max_tokens: 40 }; // ('user' + 160 chars) / 4 + 40 = 81 tokens
    assert.equal((await post(`${server.openAiBaseUrl}/chat/completions`, auth, body)).status, 200);
    assert.equal((await post(`${server.openAiBaseUrl}/chat/completions`, auth, body)).status, 429);
    assert.equal(
      (await post(`${server.openAiBaseUrl}/chat/completions`, auth, { ...CHAT, max_tokens: 5 })).status,
      200,
      'a small one still fits',
    );
    assert.equal(server.rateLimitedCount, 1);
  });

  it('injects faults into a seeded share of requests, the same way every run', async () => {
    const outcomes = async (): Promise<string[]> => {
      const s = await start({
        randomFaults: { rate: 0.2, seed: 42, faults: [{ fault: 'http', status: 500 }] },
        respond: () => textReply('ok'),
      });
      const auth = { authorization: `Bearer ${s.apiKey}` };
      for (let i = 0; i < 50; i++) await post(`${s.openAiBaseUrl}/chat/completions`, auth, CHAT);
      assert.equal(s.injectedFaultCount, s.requests.filter((r) => r.outcome === 'fault:http-500').length);
      return s.requests.map((r) => r.outcome ?? '');
    };
    const first = await outcomes();
    const faults = first.filter((o) => o !== 'answered').length;
    assert.ok(faults >= 4 && faults <= 18, `about 20% of 50, got ${faults}`);
    assert.deepEqual(await outcomes(), first);
  });

  it('bills the usage of answers sent whole, never of a broken stream, an error or a hang past the client timeout', async () => {
    server = await start({
      replies: [
        textReply('one', { usage: { inputTokens: 11, outputTokens: 3 } }),
        { fault: 'midStream', afterChunks: 2 },
        { fault: 'http', status: 500 },
        { fault: 'hang' },
        textReply('two', { usage: { inputTokens: 7, outputTokens: 2 } }),
      ],
    });
    const client = new OpenAI({ apiKey: server.apiKey, baseURL: server.openAiBaseUrl, maxRetries: 0, timeout: 300 });
    const stream = async (): Promise<string> => {
      let text = '';
      const s = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    };
    assert.equal(await stream(), 'one');
    await assert.rejects(stream());
    await assert.rejects(stream(), /500/);
    await assert.rejects(stream(), /timed out/i);
    const whole = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(whole.choices[0]?.message.content, 'two');
    assert.deepEqual(server.billed, {
      responses: 2,
      inputTokens: 18,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
    });
    assert.deepEqual(server.faultCounts(), { midStream: 1, 'http-500': 1, hang: 1 });
  });

  it('says plainly when the script has run out', async () => {
    server = await start();
    const r = await post(
      `${server.openAiBaseUrl}/chat/completions`,
      { authorization: `Bearer ${server.apiKey}` },
      CHAT,
    );
    assert.equal(r.status, 400);
    assert.match(JSON.stringify(r.json), /no scripted reply left for request #1/);
  });

  it('shows overlapping requests in its timestamps', async () => {
    // Each answer waits until all three requests are in (an 80 ms delay could end before a late third arrived),
    // and a clock that ticks on every reading orders the times without millisecond ties.
    let arrived = 0;
    let tick = 0;
    const allIn = gate();
    server = await start({
      now: () => ++tick,
      respond: async () => {
        if (++arrived === 3) allIn.open();
        await allIn.opened;
        return textReply('slow');
      },
    });
    const client = new OpenAI({ apiKey: server.apiKey, baseURL: server.openAiBaseUrl, maxRetries: 0 });
    const ask = (): Promise<unknown> =>
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'a' }] });
    await Promise.all([ask(), ask(), ask()]);
    assert.equal(server.maxConcurrency(), 3);
  });

  it('holds 16 delayed answers at once without a listener warning, and close() still cuts one that waits', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      server = await start({ replies: Array.from({ length: 16 }, () => textReply('ok')), latencyMs: 50 });
      const auth = { authorization: `Bearer ${server.apiKey}` };
      const answers = await Promise.all(
        Array.from({ length: 16 }, () => post(`${server.openAiBaseUrl}/chat/completions`, auth, CHAT)),
      );
      assert.deepEqual(
        answers.map((a) => a.status),
        Array.from({ length: 16 }, () => 200),
      );
      assert.equal(server.maxConcurrency(), 16);
      // Warnings are emitted on the next tick.
      await new Promise<void>((resolve) => setImmediate(resolve));
      assert.deepEqual(warnings, []);

      const waiting = await start({ replies: [textReply('late')], latencyMs: 60_000 });
      const cut = post(
        `${waiting.openAiBaseUrl}/chat/completions`,
        { authorization: `Bearer ${waiting.apiKey}` },
        CHAT,
      );
      while (waiting.requests.length === 0) await new Promise<void>((resolve) => setTimeout(resolve, 5));
      await waiting.close();
      await assert.rejects(cut, /socket hang up|ECONNRESET/);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
