import assert from 'node:assert/strict';
import { countTokens as cl100kTokens } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as o200kTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { systemClock } from '../../../src/core/common/clock';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { ChatRequest } from '../../../src/core/llm/chatModel';
import { meteredComplete } from '../../../src/core/llm/meteredChatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import {
  countOpenAiRequestTokens,
  openAiTokenBound,
  inThreadTokenizer,
  TokenizerLoader,
  type Encoding,
  type OpenAiTokenizers,
} from '../../../src/core/llm/openAiTokenizer';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { BudgetExceededError } from '../../../src/core/quota/budgetExceededError';
import { QuotaGate } from '../../../src/core/quota/quotaGate';
import { RateLimitScheduler } from '../../../src/core/quota/rateLimitScheduler';
import { RunBudget, type BudgetLimits } from '../../../src/core/quota/runBudget';
import type { ModelCallRequest, TaskContext } from '../../../src/core/task/agent';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { textReply } from '../../support/fakeModelServer/fakeReply';
import { useFakeModelServer } from '../../support/useFakeModelServer';

/** Tokenizers that have not loaded yet: each `require` is counted, and `loaded` resolves on the first. */
function freshTokenizers(): { tokenizers: OpenAiTokenizers; loads: () => number; loaded: Promise<void> } {
  let loads = 0;
  let markLoaded!: () => void;
  const loaded = new Promise<void>((resolve) => (markLoaded = resolve));
  const loader = (name: string, encoding: Encoding): TokenizerLoader =>
    new TokenizerLoader(
      name,
      inThreadTokenizer(() => {
        loads++;
        markLoaded();
        return encoding;
      }),
    );
  return {
    tokenizers: {
      o200k_base: loader('o200k_base', { countTokens: o200kTokens }),
      cl100k_base: loader('cl100k_base', { countTokens: cl100kTokens }),
    },
    loads: () => loads,
    loaded,
  };
}

/** A request in several scripts and shapes: English, code, CJK, emoji, long runs of one character. */
const REQUEST: ChatRequest = {
  system: 'You are a careful coding agent. Answer briefly. 日本語のテキストも扱います。',
  messages: [
    { role: 'user', content: 'Task a: fix `parse()` in src/parser.ts — it fails on "ünïcödé" and 🎉🎉🎉 input.' },
    {
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'c1', name: 'read_file', arguments: { path: 'src/parser.ts' }, rawArguments: '{"path":"src/parser.ts"}' },
      ],
    },
    {
      role: 'tool',
      toolCallId: 'c1',
      content: `export function parse(s: string) {\n${'  '.repeat(40)}return s;\n}\n${'='.repeat(300)}`,
    },
  ],
  tools: [
    {
      name: 'propose_edit',
      description: 'Change a workspace file.',
      parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    },
  ],
  maxOutputTokens: 400,
};

type Ctx = Pick<TaskContext, 'callModel' | 'signal' | 'recordCacheHit'>;

/** A task's model door on the real QuotaGate and RunBudget: what it was asked, and the events it emitted. */
function gateContext(limits: BudgetLimits): Ctx & { asked: ModelCallRequest[]; events: RunEventBody[] } {
  const events: RunEventBody[] = [];
  const asked: ModelCallRequest[] = [];
  const gate = new QuotaGate(new RunBudget(limits), new RateLimitScheduler(systemClock, () => undefined), (e) =>
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
  };
}

describe('checklist 24: token counts while the tokenizer loads (a byte bound, then the exact count)', function () {
  this.timeout(20_000);
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => (server = await startServer()));

  const exactOf = async (model: string): Promise<number> =>
    (await countOpenAiRequestTokens(model, REQUEST, freshTokenizers().tokenizers))!;

  it('the bound is never below the exact count, for o200k and cl100k models', async () => {
    for (const model of ['gpt-4o', 'gpt-5-mini', 'gpt-4', 'gpt-3.5-turbo']) {
      const { tokenizers, loads } = freshTokenizers();
      const bound = openAiTokenBound(model, REQUEST, tokenizers);
      assert.equal(loads(), 0, `${model}: the bound loads no tokenizer`);
      const exact = await exactOf(model);
      assert.ok(bound !== undefined && bound >= exact, `${model}: bound ${String(bound)} >= exact ${exact}`);
    }
    assert.equal(openAiTokenBound('llama3.1:8b', REQUEST, freshTokenizers().tokenizers), undefined);
  });

  it('the first request goes out at once with the bound reserved; the tokenizer loads after it, then counts exactly', async () => {
    const { tokenizers, loads, loaded } = freshTokenizers();
    const model = new OpenAiChatModel({
      model: 'gpt-4o',
      apiKey: server.apiKey,
      baseURL: server.openAiBaseUrl,
      tokenizers,
    });
    const ctx = gateContext({});
    server.enqueue(textReply('one'), textReply('two'));
    const sent = meteredComplete(ctx, model, REQUEST, BUILTIN_PROVIDERS.priceTable());
    assert.equal(loads(), 0, 'nothing is loaded before the request is on its way');
    await sent;
    const bound = openAiTokenBound('gpt-4o', REQUEST, freshTokenizers().tokenizers)!;
    assert.equal(ctx.asked[0]!.estimatedInputTokens, bound);
    assert.ok(ctx.asked[0]!.exactEstimate, 'the bound carries the way to the exact count');
    await loaded; // started by itself, once the loop was idle
    await tokenizers.o200k_base.load(); // the same load, finished
    await meteredComplete(ctx, model, { ...REQUEST }, BUILTIN_PROVIDERS.priceTable());
    assert.equal(ctx.asked[1]!.estimatedInputTokens, await exactOf('gpt-4o'));
    assert.equal(ctx.asked[1]!.exactEstimate, undefined);
    assert.equal(loads(), 1);
    assert.equal(server.requests.length, 2);
  });

  it('a token budget the bound would cross but the exact count fits: sent, reserved at the exact count', async () => {
    const exact = await exactOf('gpt-4o');
    const { tokenizers, loads } = freshTokenizers();
    const model = new OpenAiChatModel({
      model: 'gpt-4o',
      apiKey: server.apiKey,
      baseURL: server.openAiBaseUrl,
      tokenizers,
    });
    const ctx = gateContext({ maxTokens: exact + REQUEST.maxOutputTokens });
    server.enqueue(textReply('fits', { usage: { inputTokens: exact, outputTokens: 5 } }));
    const r = await meteredComplete(ctx, model, REQUEST, BUILTIN_PROVIDERS.priceTable());
    assert.equal(r.text, 'fits');
    assert.equal(loads(), 1, 'the exact count needed the tokenizer');
    assert.equal(server.requests.length, 1);
    assert.deepEqual(
      ctx.events.map((e) => e.type),
      ['usage.recorded'],
    );
  });

  it('a token budget the exact count crosses: refused before anything is sent, for the exact amount', async () => {
    const exact = await exactOf('gpt-4o');
    const { tokenizers } = freshTokenizers();
    const model = new OpenAiChatModel({
      model: 'gpt-4o',
      apiKey: server.apiKey,
      baseURL: server.openAiBaseUrl,
      tokenizers,
    });
    const ctx = gateContext({ maxTokens: exact + REQUEST.maxOutputTokens - 1 });
    server.enqueue(textReply('never'));
    await assert.rejects(meteredComplete(ctx, model, REQUEST, BUILTIN_PROVIDERS.priceTable()), BudgetExceededError);
    assert.equal(server.requests.length, 0, 'the request never left');
    const refused = ctx.events.find((e) => e.type === 'budget.exceeded');
    assert.ok(refused && refused.type === 'budget.exceeded');
    assert.equal(refused.requested, exact + REQUEST.maxOutputTokens);
  });

  it('a money budget the bound would cross but the exact cost fits: sent', async () => {
    const exact = await exactOf('gpt-4o');
    const prices = BUILTIN_PROVIDERS.priceTable();
    const exactCost = prices.estimateCost('openai', 'gpt-4o', exact, REQUEST.maxOutputTokens).costUsd;
    const boundCost = prices.estimateCost(
      'openai',
      'gpt-4o',
      openAiTokenBound('gpt-4o', REQUEST, freshTokenizers().tokenizers)!,
      REQUEST.maxOutputTokens,
    ).costUsd;
    assert.ok(boundCost > exactCost);
    const { tokenizers } = freshTokenizers();
    const model = new OpenAiChatModel({
      model: 'gpt-4o',
      apiKey: server.apiKey,
      baseURL: server.openAiBaseUrl,
      tokenizers,
    });
    const ctx = gateContext({ maxCostUsd: exactCost });
    server.enqueue(textReply('fits', { usage: { inputTokens: exact, outputTokens: 5 } }));
    assert.equal((await meteredComplete(ctx, model, REQUEST, prices)).text, 'fits');
    assert.equal(server.requests.length, 1);
  });
});
