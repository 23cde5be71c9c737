import assert from 'node:assert/strict';
import { z } from 'zod';
import { LlmAgent } from '../../../src/core/agents/llmAgent';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { ChatModel, ChatRequest, ChatResponse } from '../../../src/core/llm/chatModel';
import { defineTool } from '../../../src/core/tools/toolDefinition';
import { ToolBus } from '../../../src/core/tools/toolBus';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';

/** A model that finishes at once, every turn; keeps what it was told. */
function finishingModel(told: string[]): ChatModel {
  let n = 0;
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    async complete(request: ChatRequest): Promise<ChatResponse> {
      const last = request.messages.at(-1);
      if (last?.role === 'user') told.push(last.content);
      n++;
      return {
        text: '',
        toolCalls: [{ id: `c${n}`, name: 'finish_task', arguments: { summary: `done ${n}` }, rawArguments: '{}' }],
        usage: { inputTokens: 10, outputTokens: 5, costUsd: 0 },
        stopReason: 'tool_use',
      };
    },
  };
}

describe("LlmAgent gate: a task's own checks", () => {
  let calls: Array<{ name?: string; command?: string }>;
  let answer: (args: { name?: string; command?: string }) => {
    content: string;
    data: Record<string, unknown>;
    isError?: boolean;
  };
  const tools = new ToolBus<ToolContext>([
    defineTool({
      name: 'run_verification',
      description: 'Answers from the test.',
      parameters: z.object({ name: z.string().optional(), command: z.string().optional() }),
      run: async (args) => (calls.push(args), answer(args)),
    }),
    defineTool({
      name: 'finish_task',
      description: 'Done.',
      parameters: z.object({ summary: z.string() }),
      run: async () => ({ content: 'ok' }),
    }),
  ]);
  const agent = (told: string[]) =>
    new LlmAgent({ id: 'coder', capabilities: ['code'], tools: ['finish_task'] }, 'Test agent.', {
      models: () => [finishingModel(told)],
      prices: BUILTIN_PROVIDERS.priceTable(),
      tools,
      // No git here: the agent's early checkpoint step sees checkpoints off.
      toolContext: (ctx) =>
        ({ task: ctx, checkpoints: new NoCheckpoints('/not-a-repository') }) as unknown as ToolContext,
      gateSteps: ['npm test'],
      limits: { maxFixAttempts: 1 },
    });
  beforeEach(() => {
    calls = [];
  });

  it('runs them even when the task edited nothing, and feeds a failure back for a fix', async () => {
    let verdicts = ['fail', 'pass'];
    answer = () => {
      const verdict = verdicts.shift() ?? 'pass';
      return { content: `own check: ${verdict}`, data: { verdict }, ...(verdict === 'fail' ? { isError: true } : {}) };
    };
    const told: string[] = [];
    const { orchestrator } = makeHarness({ agents: [agent(told)] });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { verify: ['npm test -- test/a.test.ts'] })]),
    }).done;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(calls, [{ command: 'npm test -- test/a.test.ts' }, { command: 'npm test -- test/a.test.ts' }]);
    assert.match(told[1] ?? '', /Verification failed after your changes[\s\S]*own check: fail/);
    verdicts = [];
  });

  it('runs a check that is also a configured one by name, once', async () => {
    answer = () => ({ content: 'pass', data: { verdict: 'pass' } });
    const { orchestrator } = makeHarness({ agents: [agent([])] });
    await orchestrator.start({ goal: 'g', plan: plan([task('a', { verify: ['npm test'] })]) }).done;
    assert.deepEqual(calls, [{ name: 'npm test' }]);
  });

  it('reports a check the policy refuses as a minor finding instead of failing the task', async () => {
    answer = () => ({ content: 'This command needs approval.', data: { refused: true }, isError: true });
    const { orchestrator } = makeHarness({ agents: [agent([])] });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { verify: ['python3 check.py'] })]),
    }).done;
    assert.equal(result.status, 'succeeded');
    assert.ok(
      result.state.findings.some(
        (f) =>
          f.severity === 'minor' && f.taskId === 'a' && /own check `python3 check\.py` was not run/.test(f.message),
      ),
    );
  });
});
