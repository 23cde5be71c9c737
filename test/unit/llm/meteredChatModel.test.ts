import type { ModelTurn } from '../../../src/core/quota/quotaGate';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import type { ModelCallRequest, TaskContext } from '../../../src/core/task/agent';
import { TaskFailure } from '../../../src/core/model/failure';
import type { ChatRequest } from '../../../src/core/llm/chatModel';
import { meteredComplete } from '../../../src/core/llm/meteredChatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import { OPENAI_TOKENIZERS } from '../../../src/core/llm/openAiTokenizer';
import { ResponseCache } from '../../../src/core/llm/responseCache';
import { countTokens as o200kTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { estimateRequestTokens } from '../../../src/core/llm/tokenEstimate';
import { BudgetExceededError } from '../../../src/core/quota/budgetExceededError';
import { QuotaGate } from '../../../src/core/quota/quotaGate';
import { RateLimitScheduler } from '../../../src/core/quota/rateLimitScheduler';
import { RunBudget } from '../../../src/core/quota/runBudget';
import type { Usage } from '../../../src/core/model/usage';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { httpError, textReply } from '../../support/fakeModelServer/fakeReply';
import { useFakeModelServer } from '../../support/useFakeModelServer';

type Ctx = Pick<TaskContext, 'callModel' | 'signal'>;

/** A TaskContext.callModel that records what it was asked and just sends. */
function stubContext(): Ctx & { calls: ModelCallRequest[]; settled: Usage[] } {
  const signal = new AbortController().signal;
  const ctx = {
    signal,
    calls: [] as ModelCallRequest[],
    settled: [] as Usage[],
    async callModel<T>(
      request: ModelCallRequest,
      send: (s: AbortSignal, turn: ModelTurn) => Promise<{ value: T; usage: Usage }>,
    ): Promise<T> {
      ctx.calls.push(request);
      const { value, usage } = await send(signal, {
        maxOutputTokens: request.maxOutputTokens,
        observeHeaders: () => undefined,
      });
      ctx.settled.push(usage);
      return value;
    },
  };
  return ctx;
}

const REQUEST: ChatRequest = {
  system: 'You write small, correct patches.',
  messages: [{ role: 'user', content: 'Rename the function foo to bar in src/index.ts and update every caller.' }],
  tools: [
    {
      name: 'read_file',
      description: 'Reads a file.',
      parameters: { type: 'object', properties: { path: { type: 'string' } } },
    },
  ],
  maxOutputTokens: 1_000,
};

describe('meteredComplete', () => {
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  let model: OpenAiChatModel;
  const prices = BUILTIN_PROVIDERS.priceTable();

  // The exact count: until o200k has loaded, a request reserves its byte bound (test/unit/llm/tokenizerBound.test.ts).
  before(() => OPENAI_TOKENIZERS.o200k_base.load());
  beforeEach(async () => {
    server = await startServer();
    model = new OpenAiChatModel({ model: 'gpt-4o', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
  });

  it('goes through callModel with the tokenizer count as input and settles with the priced real usage', async () => {
    const ctx = stubContext();
    server.enqueue(textReply('Done.', { usage: { inputTokens: 120, outputTokens: 30, cacheReadTokens: 100 } }));
    const r = await meteredComplete(ctx, model, REQUEST, prices);

    // gpt-4o's o200k tokens: reply priming, each message framed by 3, and the tool as JSON.
    const tool = REQUEST.tools![0]!;
    const estimated =
      3 +
      (3 + o200kTokens(REQUEST.system!)) +
      (3 + o200kTokens(REQUEST.messages[0]!.content)) +
      o200kTokens(JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters }));
    assert.notEqual(estimated, estimateRequestTokens(REQUEST), 'the count is not the chars/4 estimate');
    assert.deepEqual(ctx.calls, [
      {
        key: { provider: 'openai', model: 'gpt-4o' },
        estimatedInputTokens: estimated,
        maxOutputTokens: 1_000,
        estimatedCostUsd: (estimated * 2.5 + 1_000 * 10) / 1e6,
      },
    ]);
    const cost = (20 * 2.5 + 100 * 1.25 + 30 * 10) / 1e6;
    assert.equal(r.text, 'Done.');
    assert.deepEqual(r.usage, {
      inputTokens: 120,
      outputTokens: 30,
      cacheReadTokens: 100,
      costUsd: cost,
      priceKnown: true,
    });
    assert.deepEqual(ctx.settled, [r.usage]);
    assert.equal(server.requests.length, 1);
  });

  it('answers a repeated deterministic request from the cache without calling the model or the gate', async () => {
    const ctx = stubContext();
    const cache = new ResponseCache();
    const deterministic = { ...REQUEST, temperature: 0 };
    server.enqueue(textReply('Cached answer.'));
    await meteredComplete(ctx, model, deterministic, prices, { cache });
    const streamed: string[] = [];
    const again = await meteredComplete(ctx, model, deterministic, prices, {
      cache,
      onText: (d) => streamed.push(d),
    });
    assert.equal(again.text, 'Cached answer.');
    assert.deepEqual(again.usage, { inputTokens: 0, outputTokens: 0, costUsd: 0, cached: true });
    assert.deepEqual(streamed, ['Cached answer.']);
    assert.equal(ctx.calls.length, 1);
    assert.equal(server.requests.length, 1);
  });

  it('lets a provider failure through as the TaskFailure it mapped to, caching nothing', async () => {
    const ctx = stubContext();
    const cache = new ResponseCache();
    server.enqueue(httpError(429, { retryAfterSeconds: 3 }));
    const err = await meteredComplete(ctx, model, REQUEST, prices, { cache }).catch((e: unknown) => e);
    assert.ok(err instanceof TaskFailure);
    assert.equal(err.failureClass, 'retryable');
    assert.equal(err.options.retryAfterMs, 3_000);
    assert.equal(cache.size, 0);
  });

  it('with the real QuotaGate, a request that would cross the money budget is never sent', async () => {
    const events: RunEventBody[] = [];
    const gate = new QuotaGate(
      new RunBudget({ maxCostUsd: 0.005 }),
      new RateLimitScheduler(systemClock, () => undefined),
      (e) => events.push(e),
    );
    const signal = new AbortController().signal;
    const ctx: Ctx = {
      signal,
      callModel: async (request, send) => (await gate.call(request, send, signal)).value,
    };
    // Worst case of REQUEST on gpt-4o is a little over $0.01: over the $0.005 budget.
    const err = await meteredComplete(ctx, model, REQUEST, prices).catch((e: unknown) => e);
    assert.ok(err instanceof BudgetExceededError);
    assert.equal(server.requests.length, 0);
    assert.equal(events[0]?.type, 'budget.exceeded');

    const small = { ...REQUEST, maxOutputTokens: 100 };
    server.enqueue(textReply('ok', { usage: { inputTokens: 50, outputTokens: 2 } }));
    await meteredComplete(ctx, model, small, prices);
    const recorded = events.find((e) => e.type === 'usage.recorded');
    assert.deepEqual(recorded, {
      type: 'usage.recorded',
      provider: 'openai',
      model: 'gpt-4o',
      usage: { inputTokens: 50, outputTokens: 2, costUsd: (50 * 2.5 + 2 * 10) / 1e6 },
    });
  });
});
