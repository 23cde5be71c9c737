import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { AnthropicChatModel } from '../../../src/core/llm/anthropicChatModel';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { ChatModel, ChatRequest } from '../../../src/core/llm/chatModel';
import { meteredComplete } from '../../../src/core/llm/meteredChatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { PriceTable } from '../../../src/core/llm/priceTable';
import { RunResponseCaches } from '../../../src/core/llm/responseCache';
import { estimateRequestTokens } from '../../../src/core/llm/tokenEstimate';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { addUsage, formatCost, ZERO_USAGE, type Usage } from '../../../src/core/model/usage';
import { QuotaGate } from '../../../src/core/quota/quotaGate';
import { RateLimitScheduler } from '../../../src/core/quota/rateLimitScheduler';
import { RunBudget } from '../../../src/core/quota/runBudget';
import type { ModelCallRequest, TaskContext } from '../../../src/core/task/agent';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { textReply } from '../../support/fakeModelServer/fakeReply';
import { useFakeModelServer } from '../../support/useFakeModelServer';

type Ctx = Pick<TaskContext, 'callModel' | 'signal' | 'recordCacheHit'>;

/** A task's model door on the real QuotaGate: what it was asked, and the run events it emitted. */
function gateContext(): Ctx & { asked: ModelCallRequest[]; events: RunEventBody[] } {
  const events: RunEventBody[] = [];
  const asked: ModelCallRequest[] = [];
  const gate = new QuotaGate(new RunBudget(), new RateLimitScheduler(systemClock, () => undefined), (e) =>
    events.push(e),
  );
  const signal = new AbortController().signal;
  return {
    signal,
    asked,
    events,
    async callModel<T>(request: ModelCallRequest, send: Parameters<TaskContext['callModel']>[1]): Promise<T> {
      asked.push(request);
      return (await gate.call(request, send as Parameters<QuotaGate['call']>[1], signal)).value as T;
    },
    recordCacheHit: (key) => gate.recordCacheHit(key, 't1', 'coder'),
  };
}

/** The run's usage, folded from its `usage.recorded` events as the run state does. */
function runUsage(events: readonly RunEventBody[]): Usage {
  return events.reduce((sum, e) => (e.type === 'usage.recorded' ? addUsage(sum, e.usage) : sum), ZERO_USAGE);
}

const REQUEST: ChatRequest = {
  system: 'You answer briefly.',
  messages: [{ role: 'user', content: 'Summarise the module src/parser.ts in one sentence, please.' }],
  maxOutputTokens: 500,
};

describe('counting and prices (real SDK clients against the fake model server)', function () {
  this.timeout(20_000);
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  const openAi = (model: string): ChatModel =>
    new OpenAiChatModel({ model, apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
  const anthropic = (): ChatModel =>
    new AnthropicChatModel({ model: 'claude-test', apiKey: server.apiKey, baseURL: server.baseUrl });

  describe('checklist 35: the reservation taken before a turn is sent uses the provider count', () => {
    it('an Anthropic request is counted at POST /v1/messages/count_tokens and that count is reserved', async () => {
      server = await startServer({ replies: [textReply('ok')], countTokens: () => 1_234 });
      const ctx = gateContext();
      await meteredComplete(ctx, anthropic(), REQUEST, BUILTIN_PROVIDERS.priceTable());
      assert.equal(server.tokenCounts.length, 1, 'the SDK called the count endpoint once');
      const body = server.tokenCounts[0]!.body as Record<string, unknown>;
      assert.equal(body['model'], 'claude-test');
      assert.ok(Array.isArray(body['messages']) && body['max_tokens'] === undefined && body['stream'] === undefined);
      assert.equal(ctx.asked[0]?.estimatedInputTokens, 1_234);
      assert.equal(server.requests.length, 1, 'then the request itself was sent');
    });

    it('a failed count falls back to the estimate with a note, and the request is still sent', async () => {
      server = await startServer({
        replies: [textReply('ok')],
        countTokens: () => {
          throw new Error('count endpoint down');
        },
      });
      const ctx = gateContext();
      const notes: string[] = [];
      const r = await meteredComplete(ctx, anthropic(), REQUEST, BUILTIN_PROVIDERS.priceTable(), {
        onNote: (n) => notes.push(n),
      });
      assert.equal(r.text, 'ok');
      assert.notEqual(server.tokenCounts[0]?.outcome, 'counted', 'the count failed (500)');
      assert.equal(ctx.asked[0]?.estimatedInputTokens, estimateRequestTokens(REQUEST));
      assert.equal(notes.length, 1);
      assert.match(notes[0]!, /Could not count the input tokens for anthropic\/claude-test .*reserved the estimate/);
      assert.equal(server.requests.length, 1);
    });

    it('a model without an OpenAI tokenizer (a local Llama) is reserved at the estimate, without a note', async () => {
      server = await startServer({ replies: [textReply('ok')] });
      const ctx = gateContext();
      const notes: string[] = [];
      await meteredComplete(ctx, openAi('llama3.1:8b'), REQUEST, BUILTIN_PROVIDERS.priceTable(), {
        onNote: (n) => notes.push(n),
      });
      assert.equal(ctx.asked[0]?.estimatedInputTokens, estimateRequestTokens(REQUEST));
      assert.deepEqual(notes, []);
    });
  });

  describe('prices', () => {
    const usageOf = async (prices: PriceTable, model: string): Promise<Usage> => {
      server = await startServer({
        replies: [textReply('ok', { usage: { inputTokens: 1_000_000, outputTokens: 500_000 } })],
      });
      const ctx = gateContext();
      await meteredComplete(ctx, openAi(model), REQUEST, prices);
      return runUsage(ctx.events);
    };

    it("an unknown model's cost is unknown, never $0", async () => {
      const usage = await usageOf(BUILTIN_PROVIDERS.priceTable(), 'my-finetune');
      assert.equal(usage.costUnknown, true);
      assert.equal(formatCost(usage), 'unknown');
      assert.equal(formatCost(addUsage(usage, { inputTokens: 1, outputTokens: 1, costUsd: 0.5 })), '$0.50 + unknown');
    });

    it('a price override (setting or flag) sets the reported cost', async () => {
      const prices = BUILTIN_PROVIDERS.priceTable({ overrides: { 'my-finetune': { input: 3, output: 12 } } });
      const usage = await usageOf(prices, 'my-finetune');
      assert.equal(usage.costUnknown, undefined);
      assert.equal(usage.costUsd, 3 + 6, '1M input at $3 and 0.5M output at $12 per million');
      assert.equal(formatCost(usage), '$9.00');
    });

    it("an override replaces a built-in price, so the same answer costs what the user's price says", async () => {
      const listed = await usageOf(BUILTIN_PROVIDERS.priceTable(), 'gpt-4o');
      await server.close();
      const cheaper = await usageOf(
        BUILTIN_PROVIDERS.priceTable({ overrides: { 'gpt-4o': { input: 1, output: 1 } } }),
        'gpt-4o',
      );
      assert.equal(cheaper.costUsd, 1.5);
      assert.notEqual(listed.costUsd, cheaper.costUsd);
    });
  });

  describe('the response cache of a run', () => {
    const deterministic: ChatRequest = { ...REQUEST, temperature: 0 };

    it('cache on: the second identical deterministic request never reaches the server and counts as a hit', async () => {
      server = await startServer({ respond: () => textReply('same answer') });
      const ctx = gateContext();
      const caches = new RunResponseCaches();
      const model = openAi('gpt-4o');
      const prices = BUILTIN_PROVIDERS.priceTable();
      const first = await meteredComplete(ctx, model, deterministic, prices, { cache: caches.forRun('run-a') });
      const second = await meteredComplete(ctx, model, deterministic, prices, { cache: caches.forRun('run-a') });
      assert.equal(second.text, first.text);
      assert.equal(server.requests.length, 1);
      const usage = runUsage(ctx.events);
      assert.equal(usage.cacheHits, 1);
      assert.equal(usage.costUsd, first.usage.costUsd, 'the hit cost nothing');
    });

    it('cache off: the same request is sent again', async () => {
      server = await startServer({ respond: () => textReply('same answer') });
      const ctx = gateContext();
      const model = openAi('gpt-4o');
      for (let i = 0; i < 2; i++) await meteredComplete(ctx, model, deterministic, BUILTIN_PROVIDERS.priceTable());
      assert.equal(server.requests.length, 2);
      assert.equal(runUsage(ctx.events).cacheHits, undefined);
    });

    it('another run, or a sampled request (no temperature 0), is never answered from the cache', async () => {
      server = await startServer({ respond: () => textReply('an answer') });
      const ctx = gateContext();
      const caches = new RunResponseCaches();
      const model = openAi('gpt-4o');
      const prices = BUILTIN_PROVIDERS.priceTable();
      await meteredComplete(ctx, model, deterministic, prices, { cache: caches.forRun('run-a') });
      await meteredComplete(ctx, model, deterministic, prices, { cache: caches.forRun('run-b') });
      await meteredComplete(ctx, model, REQUEST, prices, { cache: caches.forRun('run-a') });
      await meteredComplete(ctx, model, REQUEST, prices, { cache: caches.forRun('run-a') });
      assert.equal(server.requests.length, 4);
    });
  });
});
