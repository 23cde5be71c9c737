import assert from 'node:assert/strict';
import type { Clock } from '../../../src/core/common/clock';
import { TaskFailure } from '../../../src/core/model/failure';
import { AnthropicChatModel } from '../../../src/core/llm/anthropicChatModel';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { ChatModel, ChatRequest } from '../../../src/core/llm/chatModel';
import { meteredComplete } from '../../../src/core/llm/meteredChatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import { QuotaGate } from '../../../src/core/quota/quotaGate';
import { loadAnthropicSdk, loadOpenAiSdk } from '../../../src/core/llm/sdkLoader';
import { RateLimitScheduler, type RateLimits } from '../../../src/core/quota/rateLimitScheduler';
import { RunBudget } from '../../../src/core/quota/runBudget';
import type { ModelCallRequest, TaskContext } from '../../../src/core/task/agent';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { scaledClock } from '../../support/scaledClock';
import { useFakeModelServer } from '../../support/useFakeModelServer';

// A minute lasts 0.6 s of real time; the limiter keeps 0.2 s of real time as its latency margin.
const FACTOR = 100;
const WINDOW_MS = 60_000 + 200 * FACTOR;
const prices = BUILTIN_PROVIDERS.priceTable();
const REQUEST: ChatRequest = {
  system: 'You answer briefly.',
  messages: [{ role: 'user', content: 'Say ok.' }],
  maxOutputTokens: 1_000,
};

type Api = 'openai' | 'anthropic';

function modelOf(api: Api, server: FakeModelServer): ChatModel {
  return api === 'openai'
    ? new OpenAiChatModel({ model: 'gpt-test', apiKey: server.apiKey, baseURL: server.openAiBaseUrl })
    : new AnthropicChatModel({ model: 'claude-test', apiKey: server.apiKey, baseURL: server.baseUrl });
}

/** What `meteredComplete` needs of a task: its calls go through one gate on the shared scheduler. */
function gateContext(rates: RateLimitScheduler): Pick<TaskContext, 'callModel' | 'signal'> {
  const gate = new QuotaGate(new RunBudget(), rates, () => undefined);
  const signal = new AbortController().signal;
  return {
    signal,
    async callModel<T>(request: ModelCallRequest, send: Parameters<TaskContext['callModel']>[1]): Promise<T> {
      return (await gate.call(request, send as Parameters<QuotaGate['call']>[1], signal)).value as T;
    },
  };
}

function scheduler(clock: Clock, limits?: RateLimits): RateLimitScheduler {
  return new RateLimitScheduler(clock, () => limits, { windowMs: WINDOW_MS });
}

/** The most requests the server received inside any one of its minutes. */
function busiestMinute(server: FakeModelServer): number {
  const times = server.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < times.length; i++)
    most = Math.max(most, times.filter((t) => t >= times[i]! && t < times[i]! + 60_000).length);
  return most;
}

describe('rate limits learned from the provider (real SDK clients, fake server)', function () {
  this.timeout(20_000);
  // On a clock 100 times faster, loading an SDK on the first call would look like a minute of latency.
  before(() => Promise.all([loadOpenAiSdk(), loadAnthropicSdk()]));
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  for (const api of ['openai', 'anthropic'] as const) {
    describe(api, () => {
      it('checklist 25: with no limits configured, only the first wave goes unlimited; after the first answer the server sends no 429', async () => {
        // What we guarantee: requests sent before the first response of a model are not limited
        // (nothing is known yet); every request after it is admitted under the learned limits,
        // counting the first wave. Here the first wave (3 agents) fits the server's 3 RPM, so the
        // server never refuses anything.
        const clock = scaledClock(FACTOR);
        server = await startServer({
          respond: () => ({ text: 'ok' }),
          limits: { rpm: 3, tpm: 50_000 },
          now: clock.now,
        });
        const rates = scheduler(clock);
        const model = modelOf(api, server);
        const agent = async (turns: number): Promise<void> => {
          for (let turn = 0; turn < turns; turn++) await meteredComplete(gateContext(rates), model, REQUEST, prices);
        };
        await Promise.all([agent(3), agent(2), agent(2)]);

        assert.equal(server.rateLimitedCount, 0, 'the server never had to refuse a request');
        assert.equal(server.requests.length, 7);
        assert.ok(busiestMinute(server) <= 3, `at most 3 requests in any minute, got ${busiestMinute(server)}`);
        const learned = rates.headroom()[0];
        assert.equal(learned?.rpm, 3, 'the requests limit came from the headers');
        assert.equal(learned?.tpm, 50_000, 'the tokens limit came from the headers');
      });

      it('checklist 25: with the first-answer probe (the engine default), a first wave larger than the limits sees no 429 either', async () => {
        // Six agents start at once against 3 RPM: one probe goes first; its headers teach the
        // limits before the other five are admitted.
        const clock = scaledClock(FACTOR);
        server = await startServer({ respond: () => ({ text: 'ok' }), limits: { rpm: 3 }, now: clock.now });
        const rates = new RateLimitScheduler(clock, () => undefined, { windowMs: WINDOW_MS, probeFirst: true });
        const model = modelOf(api, server);
        await Promise.all([1, 2, 3, 4, 5, 6].map(() => meteredComplete(gateContext(rates), model, REQUEST, prices)));

        assert.equal(server.rateLimitedCount, 0, 'the server never had to refuse a request');
        assert.equal(server.requests.length, 6);
        assert.ok(busiestMinute(server) <= 3, `at most 3 requests in any minute, got ${busiestMinute(server)}`);
      });

      it('an explicit setting beats the learned limit, and the open one is learned', async () => {
        const clock = scaledClock(FACTOR);
        server = await startServer({
          respond: () => ({ text: 'ok' }),
          limits: { rpm: 50, tpm: 9_000 },
          now: clock.now,
        });
        const rates = scheduler(clock, { requestsPerMinute: 2 });
        const model = modelOf(api, server);
        await Promise.all([1, 2, 3].map(() => meteredComplete(gateContext(rates), model, REQUEST, prices)));

        assert.equal(rates.headroom()[0]?.rpm, 2, 'the setting, not the server’s 50');
        assert.equal(rates.headroom()[0]?.tpm, 9_000, 'the server’s token limit filled the open one');
        const times = server.requests.map((r) => r.receivedAt).sort((a, b) => a - b);
        assert.ok(times[2]! - times[0]! >= 60_000, 'the third request waited for the configured minute');
      });

      it('malformed limit headers are ignored: answers arrive and no limit is set', async () => {
        server = await startServer({
          respond: () => ({ text: 'ok' }),
          headers: {
            'x-ratelimit-limit-requests': '0',
            'x-ratelimit-limit-tokens': 'NaN',
            'x-ratelimit-remaining-tokens': '-1',
            'x-ratelimit-reset-tokens': 'later',
            'anthropic-ratelimit-requests-limit': '-4',
            'anthropic-ratelimit-tokens-limit': '1e9',
            'anthropic-ratelimit-tokens-reset': 'yesterday',
          },
        });
        const rates = scheduler(scaledClock(1));
        const answer = await meteredComplete(gateContext(rates), modelOf(api, server), REQUEST, prices);
        assert.equal(answer.text, 'ok');
        const h = rates.headroom()[0];
        assert.equal(h?.rpm, undefined);
        assert.equal(h?.tpm, undefined);
      });

      it('learns from the headers of a 429 too', async () => {
        server = await startServer({
          replies: [{ fault: 'http', status: 429, retryAfterMs: 5 }],
          limits: { rpm: 40, tpm: 7_000 },
        });
        const rates = scheduler(scaledClock(1));
        await assert.rejects(meteredComplete(gateContext(rates), modelOf(api, server), REQUEST, prices), TaskFailure);
        assert.equal(rates.headroom()[0]?.rpm, 40);
        assert.equal(rates.headroom()[0]?.tpm, 7_000);
      });

      it('a turn cut at a sized allowance is asked again at once with the full maximum; its text streams once', async () => {
        server = await startServer({
          // Answers need 300 tokens of output once they are long; a smaller max_tokens cuts them.
          respond: (r) => {
            const body = r.body as { max_tokens?: number; max_completion_tokens?: number };
            const max = body.max_tokens ?? body.max_completion_tokens ?? 0;
            return r.seq <= 4
              ? { text: 'short', usage: { outputTokens: 20 } }
              : max < 300
                ? { text: 'cut', stopReason: 'max_tokens', usage: { outputTokens: max } }
                : { text: 'the whole long answer', usage: { outputTokens: 300 } };
          },
        });
        const rates = scheduler(scaledClock(1), { tokensPerMinute: 1_000_000 });
        const model = modelOf(api, server);
        for (let i = 0; i < 4; i++) await meteredComplete(gateContext(rates), model, REQUEST, prices);
        const streamed: string[] = [];
        const answer = await meteredComplete(gateContext(rates), model, REQUEST, prices, {
          onText: (d) => streamed.push(d),
        });

        const sent = server.requests.map((r) => {
          const body = r.body as { max_tokens?: number; max_completion_tokens?: number };
          return body.max_tokens ?? body.max_completion_tokens;
        });
        assert.deepEqual(sent, [1_000, 1_000, 1_000, 1_000, 64, 1_000], 'sized to the floor, then the full maximum');
        assert.equal(answer.stopReason, 'end');
        assert.equal(answer.text, 'the whole long answer');
        assert.equal(streamed.join(''), 'the whole long answer', 'the cut answer never reached the listener');
      });
    });
  }
});
