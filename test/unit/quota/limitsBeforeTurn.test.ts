import assert from 'node:assert/strict';
import { z } from 'zod';
import { LlmAgent, type AgentLoopLimits } from '../../../src/core/agents/llmAgent';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import { RateLimitScheduler } from '../../../src/core/quota/rateLimitScheduler';
import { defineTool } from '../../../src/core/tools/toolDefinition';
import { ToolBus } from '../../../src/core/tools/toolBus';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import { type FakeModelServer, type RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { maxOutputTokens, requestTokens } from '../../support/fakeModelServer/wireAnswer';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { scaledClock } from '../../support/scaledClock';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const tools = new ToolBus<ToolContext>([
  defineTool({
    name: 'echo',
    description: 'Echoes its text.',
    parameters: z.object({ text: z.string() }),
    run: async ({ text }) => ({ content: `echo: ${text}` }),
  }),
  defineTool({
    name: 'finish_task',
    description: 'Done.',
    parameters: z.object({ summary: z.string() }),
    run: async () => ({ content: 'ok' }),
  }),
]);

/** The worst case of a request as the server counts it at admission: its prompt plus its `max_tokens`. */
const worstCase = (r: RecordedRequest): number => requestTokens(r.body) + maxOutputTokens(r.body);

/** Whether the request answers a tool result (a task's second turn). */
const afterToolResult = (r: RecordedRequest): boolean =>
  (r.body as { messages?: Array<{ role?: string }> }).messages?.at(-1)?.role === 'tool';

describe('checklist 35: token and request limits are checked before a turn is sent, not after it returns; a rate limiter keeps a max_tokens reservation until its minute has passed', function () {
  this.timeout(30_000);
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  const agent = (srv: FakeModelServer, limits: Partial<AgentLoopLimits>): LlmAgent =>
    new LlmAgent({ id: 'coder', capabilities: ['code'], tools: ['echo', 'finish_task'] }, 'You are a test agent.', {
      models: () => [new OpenAiChatModel({ model: 'gpt-4o-mini', apiKey: srv.apiKey, baseURL: srv.openAiBaseUrl })],
      prices: BUILTIN_PROVIDERS.priceTable(),
      tools,
      // No git here: the agent's early checkpoint step sees checkpoints off.
      toolContext: (ctx) =>
        ({ task: ctx, checkpoints: new NoCheckpoints('/not-a-repository') }) as unknown as ToolContext,
      limits,
    });

  it("the agent's per-task token limit: no turn whose worst case would cross it is sent", async () => {
    const billed = { inputTokens: 400, outputTokens: 20 };
    let turn = 0;
    server = await startServer({
      respond: () => toolCallReply('echo', { text: `turn ${++turn}` }, { usage: billed }),
    });
    const limit = 1_500;
    const { orchestrator } = makeHarness({
      agents: [agent(server, { maxTokensPerTask: limit, maxOutputTokens: 200, maxTurns: 40 })],
    });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;

    assert.equal(result.status, 'failed');
    const sent = server.requests;
    assert.ok(sent.length >= 2, `some turns fit the limit and were sent (${sent.length})`);
    sent.forEach((r, i) => {
      const before = i * (billed.inputTokens + billed.outputTokens);
      assert.ok(
        before + worstCase(r) <= limit,
        `turn ${i + 1} was sent with ${before} tokens used and a worst case of ${worstCase(r)}, past ${limit}`,
      );
    });
    const finding = result.state.findings.find((f) => /was stopped before turn/.test(f.message));
    assert.ok(finding, JSON.stringify(result.state.findings));
    const m = /before turn (\d+) .*has used (\d+) of its (\d+)-token limit.*could use up to (\d+) more/.exec(
      finding.message,
    );
    assert.ok(m, finding.message);
    assert.equal(Number(m[1]), sent.length + 1, 'the refused turn is the one after the last one sent');
    assert.equal(
      Number(m[2]),
      sent.length * (billed.inputTokens + billed.outputTokens),
      'usage as the server billed it',
    );
    assert.ok(Number(m[2]) + Number(m[4]) > limit, 'the refused turn could really have crossed the limit');
    assert.match(finding.message, /The turn was not sent/);
  });

  it("the agent's turn limit: the turn past it is never sent", async () => {
    let turn = 0;
    server = await startServer({ respond: () => toolCallReply('echo', { text: `turn ${++turn}` }) });
    const { orchestrator } = makeHarness({ agents: [agent(server, { maxTurns: 2 })] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'failed');
    assert.equal(server.requests.length, 2);
    assert.ok(result.state.findings.some((f) => /limit of 2 turns/.test(f.message)));
  });

  it('the run budget, with four agents in parallel: a turn that would cross it is never sent, and the run pauses', async () => {
    const billed = { inputTokens: 1_500, outputTokens: 20 };
    let turn = 0;
    server = await startServer({
      respond: () => toolCallReply('echo', { text: `turn ${++turn}` }, { usage: billed }),
    });
    const budget = 5_000;
    const { orchestrator, events } = makeHarness({
      agents: [agent(server, { maxOutputTokens: 2_000 })],
      settings: { maxConcurrency: 4 },
    });
    const run = orchestrator.start({
      goal: 'g',
      plan: plan(['a', 'b', 'c', 'd'].map((id) => task(id))),
      budget: { maxTokens: budget },
    });
    const result = await run.done;

    assert.equal(result.status, 'paused', JSON.stringify(result.state.findings));
    // Each turn's worst case is over 2 000 tokens: two fit the budget together, a third never does,
    // and once the two are billed (1 520 each) no further turn fits either.
    assert.equal(server.requests.length, 2, 'only the turns that fit were sent');
    const reserved = server.requests.reduce((sum, r) => sum + worstCase(r), 0);
    assert.ok(reserved <= budget, `the turns sent could use ${reserved} tokens at most, within ${budget}`);
    const spent = result.state.usage.inputTokens + result.state.usage.outputTokens;
    assert.equal(spent, 2 * (billed.inputTokens + billed.outputTokens), 'the run recorded what the server billed');
    assert.ok(spent <= budget);
    assert.ok(events.some((e) => e.type === 'budget.exceeded' && e.limit === 'tokens'));
  });

  it('parallel agents against a server that counts max_tokens at admission: no 429 from our own burst', async () => {
    // A minute lasts two seconds of real time; the limiter's margin for latency is half a second of it.
    const factor = 30;
    const clock = scaledClock(factor);
    const perTurn: FakeReply = toolCallReply('finish_task', { summary: 'done' });
    let turn = 0;
    server = await startServer({
      respond: (r) => (afterToolResult(r) ? perTurn : toolCallReply('echo', { text: `turn ${++turn}` })),
      // Used tokens are a few hundred a turn; admission counts the prompt plus 1 000 of max_tokens.
      limits: { tpm: 3_000, tokenCounting: 'request' },
      now: clock.now,
    });
    const rates = new RateLimitScheduler(clock, () => ({ tokensPerMinute: 3_000 }), {
      windowMs: 60_000 + 0.5 * 1_000 * factor,
    });
    const { orchestrator } = makeHarness({
      agents: [agent(server, { maxOutputTokens: 1_000 })],
      settings: { maxConcurrency: 2 },
      rateLimits: rates,
      clock,
    });
    const result = await orchestrator.start({ goal: 'g', plan: plan(['a', 'b'].map((id) => task(id))) }).done;

    assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    assert.equal(server.rateLimitedCount, 0, 'the server never had to refuse a request');
    assert.equal(server.requests.length, 4, 'two turns for each of two tasks, none repeated after a 429');
    const times = server.requests.map((r) => r.receivedAt).sort((x, y) => x - y);
    assert.ok(times[2]! - times[0]! >= 60_000, 'the second turns waited until the first reservations left the minute');
    const billed = result.state.usage.inputTokens + result.state.usage.outputTokens;
    const admitted = server.requests.reduce((sum, r) => sum + worstCase(r), 0);
    assert.ok(billed * 2 < admitted, `the turns used far less (${billed}) than their reservations (${admitted})`);
  });
});
