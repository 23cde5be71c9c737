import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { LlmAgent, type LlmAgentDeps } from '../../../src/core/agents/llmAgent';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import { AnthropicChatModel } from '../../../src/core/llm/anthropicChatModel';
import type { ChatModel } from '../../../src/core/llm/chatModel';
import { defineTool } from '../../../src/core/tools/toolDefinition';
import { ToolBus } from '../../../src/core/tools/toolBus';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { httpError, textReply, toolCallReply } from '../../support/fakeModelServer/fakeReply';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const echoed: string[] = [];
let verdicts: Array<'pass' | 'fail'> = [];
const tools = new ToolBus<ToolContext>([
  defineTool({
    name: 'propose_edit',
    description: 'Pretends to apply an edit.',
    parameters: z.object({ path: z.string() }),
    run: async ({ path }) => ({ content: `Updated ${path}.`, data: { applied: true, path } }),
  }),
  defineTool({
    name: 'run_verification',
    description: 'Pretends to verify; answers from the script.',
    parameters: z.object({ name: z.string() }),
    run: async ({ name }) => {
      const verdict = verdicts.shift() ?? 'pass';
      return {
        content: `Verification ${name}: ${verdict}${verdict === 'fail' ? '\n- src/a.ts:3 — expected 2, got 3' : ''}`,
        data: { verdict },
      };
    },
  }),
  defineTool({
    name: 'echo',
    description: 'Echoes its text.',
    parameters: z.object({ text: z.string() }),
    run: async ({ text }) => (echoed.push(text), { content: `echo: ${text}` }),
  }),
  defineTool({
    name: 'finish_task',
    description: 'Done.',
    parameters: z.object({ summary: z.string() }),
    run: async () => ({ content: 'ok' }),
  }),
]);

function agentWith(models: ChatModel[], extra: Partial<LlmAgentDeps> = {}): LlmAgent {
  return new LlmAgent(
    { id: 'coder', capabilities: ['code'], tools: ['echo', 'finish_task', 'propose_edit'] },
    'You are a test agent.',
    {
      models: () => models,
      prices: BUILTIN_PROVIDERS.priceTable(),
      tools,
      // No git here: the agent's early checkpoint step sees checkpoints off.
      toolContext: (ctx) =>
        ({ task: ctx, checkpoints: new NoCheckpoints('/not-a-repository') }) as unknown as ToolContext,
      ...extra,
    },
  );
}

describe('LlmAgent (real SDKs against the fake model server)', () => {
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    echoed.length = 0;
    server = await startServer();
  });

  const openai = (model = 'gpt-4o-mini'): ChatModel =>
    new OpenAiChatModel({ model, apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
  const anthropic = (): ChatModel =>
    new AnthropicChatModel({ model: 'claude-sonnet-5', apiKey: server.apiKey, baseURL: server.baseUrl });

  for (const [name, make] of [
    ['openai', () => openai()],
    ['anthropic', () => anthropic()],
  ] as const) {
    it(`runs turns and tool calls until finish_task (${name})`, async () => {
      server.enqueue(toolCallReply('echo', { text: 'hello' }), toolCallReply('finish_task', { summary: 'said hello' }));
      const { orchestrator } = makeHarness({ agents: [agentWith([make()])] });
      const result = await orchestrator.start({ goal: 'g', plan: plan([task('a', { description: 'say hello' })]) })
        .done;
      assert.equal(result.status, 'succeeded');
      assert.deepEqual(echoed, ['hello']);
      assert.equal(result.state.tasks.a!.summary, 'said hello');
      assert.equal(server.requests.length, 2);
      const second = JSON.stringify(server.requests[1]!.body);
      assert.match(second, /echo: hello/, 'the tool result went back to the model');
      assert.ok(result.state.usage.inputTokens > 0, 'usage was recorded through the quota gate');
    });
  }

  it('ends a task only on valid finish_task arguments; bad ones go back to the model as errors', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = [deep];
    server.enqueue(
      toolCallReply('finish_task', { output: 'no summary' }),
      toolCallReply('finish_task', { summary: 'deep', output: deep }),
      toolCallReply('finish_task', { summary: 'done properly' }),
    );
    const { orchestrator } = makeHarness({ agents: [agentWith([openai()])] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    assert.equal(result.state.tasks.a!.summary, 'done properly');
    assert.equal(server.requests.length, 3);
    assert.match(
      JSON.stringify(server.requests[1]!.body),
      /summary: Invalid input: expected string, received undefined/,
    );
    assert.match(
      JSON.stringify(server.requests[2]!.body),
      /were refused: The tool arguments are nested more than 64 levels deep; flatten them\. Call it again/,
    );
  });

  describe('checklist 26: an agent that repeats a call three times or passes its turn or token limit is stopped with a finding', () => {
    it('stops an agent that repeats the same call three times, with a finding', async () => {
      server.enqueue(...Array.from({ length: 3 }, () => toolCallReply('echo', { text: 'again' })));
      const { orchestrator } = makeHarness({ agents: [agentWith([openai()])] });
      const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
      assert.equal(result.status, 'failed');
      assert.deepEqual(echoed, ['again', 'again'], 'the third identical call was not run');
      assert.ok(result.state.findings.some((f) => /same arguments 3 times/.test(f.message)));
    });

    it('stops at the turn limit with a finding', async () => {
      server.enqueue(...Array.from({ length: 3 }, (_, i) => toolCallReply('echo', { text: `t${i}` })));
      const { orchestrator } = makeHarness({ agents: [agentWith([openai()], { limits: { maxTurns: 3 } })] });
      const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
      assert.equal(result.status, 'failed');
      assert.equal(server.requests.length, 3);
      assert.ok(result.state.findings.some((f) => /limit of 3 turns/.test(f.message)));
    });

    it('stops at the token limit with a finding when a turn used more than its worst case', async () => {
      // The turn's worst case (a short prompt plus 50 output tokens) fits; the usage reported does not.
      server.enqueue(toolCallReply('echo', { text: 'x' }, { usage: { inputTokens: 900, outputTokens: 200 } }));
      const { orchestrator } = makeHarness({
        agents: [agentWith([openai()], { limits: { maxTokensPerTask: 1000, maxOutputTokens: 50 } })],
      });
      const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
      assert.equal(result.status, 'failed');
      assert.ok(result.state.findings.some((f) => /1100 tokens.*limit of 1000/.test(f.message)));
    });
  });

  it('falls back to the next model when a provider fails with a retryable error', async () => {
    server.enqueue(httpError(500), textReply('done by the fallback'));
    const { orchestrator } = makeHarness({ agents: [agentWith([openai('gpt-4o'), openai('gpt-4o-mini')])] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(
      server.requests.map((r) => (r.body as { model: string }).model),
      ['gpt-4o', 'gpt-4o-mini'],
    );
    assert.equal(result.state.tasks.a!.output, 'done by the fallback');
  });

  it('gates a task that edited on verification and feeds a failure back for a fix', async () => {
    verdicts = ['fail', 'pass'];
    server.enqueue(
      toolCallReply('propose_edit', { path: 'src/a.ts' }),
      toolCallReply('finish_task', { summary: 'first try' }),
      toolCallReply('propose_edit', { path: 'src/a.ts' }),
      toolCallReply('finish_task', { summary: 'fixed' }),
    );
    const { orchestrator } = makeHarness({ agents: [agentWith([openai()], { gateSteps: ['test'] })] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    assert.equal(result.state.tasks.a!.summary, 'fixed');
    assert.match(
      JSON.stringify(server.requests[2]!.body),
      /Verification failed after your changes[\s\S]*expected 2, got 3/,
      'the findings went back to the model',
    );
  });

  it('fails the task with the findings once the fix attempts are used up', async () => {
    verdicts = ['fail', 'fail'];
    server.enqueue(
      toolCallReply('propose_edit', { path: 'src/a.ts' }),
      toolCallReply('finish_task', { summary: 'try 1' }),
      toolCallReply('finish_task', { summary: 'try 2' }),
    );
    const { orchestrator } = makeHarness({
      agents: [agentWith([openai()], { gateSteps: ['test'], limits: { maxFixAttempts: 1 } })],
    });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'failed');
    assert.match(
      result.state.tasks.a!.failure ?? '',
      /still fail verification after 1 fix attempts[\s\S]*expected 2, got 3/,
    );
  });

  it('never sends the request that would cross the budget; the run pauses', async () => {
    server.enqueue(toolCallReply('echo', { text: 'one' }, { usage: { inputTokens: 200, outputTokens: 100 } }));
    const { orchestrator } = makeHarness({ agents: [agentWith([openai()], { limits: { maxOutputTokens: 100 } })] });
    // The first request's worst case fits, the second's does not.
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]), budget: { maxTokens: 400 } }).done;
    assert.equal(result.status, 'paused', JSON.stringify(result.state.findings));
    assert.equal(server.requests.length, 1);
  });
});
