import assert from 'node:assert/strict';
import type { ChatModel, ChatRequest, ChatResponse } from '../../../src/core/llm/chatModel';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { TaskSpecSchema } from '../../../src/core/model/planSchema';
import { LlmPlanner } from '../../../src/core/plan/llmPlanner';
import { makeHarness } from '../../support/orchestratorHarness';
import { testAgent } from '../../support/testAgents';
import { workspaceSummaryOf } from '../../support/workspaceSummaries';

/** A model that answers every request with the same plan and keeps what it was asked. */
function planningModel(plan: unknown, asked: ChatRequest[]): ChatModel {
  return {
    provider: 'openai',
    model: 'gpt-4o-mini',
    async complete(request: ChatRequest): Promise<ChatResponse> {
      asked.push(request);
      return {
        text: JSON.stringify(plan),
        toolCalls: [],
        usage: { inputTokens: 10, outputTokens: 10, costUsd: 0 },
        stopReason: 'end',
      };
    },
  };
}

describe('the planner and per-task checks', () => {
  const plan = {
    goal: 'g',
    tasks: [{ id: 'a', title: 'A', requiredCapabilities: ['code'], verify: ['npm test -- test/a.test.ts'] }],
  };

  async function planWith(checks: readonly string[] | undefined): Promise<{ prompt: string; tasks: unknown[] }> {
    const asked: ChatRequest[] = [];
    const planner = new LlmPlanner({
      model: planningModel(plan, asked),
      prices: BUILTIN_PROVIDERS.priceTable(),
      structuredOutput: 'response_format',
      summarise: async () => workspaceSummaryOf([]),
      agents: () => [{ id: 'coder', description: 'codes', capabilities: ['code'] }],
      ...(checks === undefined ? {} : { checks: () => checks }),
    });
    const { orchestrator } = makeHarness({ agents: [testAgent({ id: 'coder', capabilities: ['code'] })], planner });
    const result = await orchestrator.start({ goal: 'g', dryRun: true }).done;
    assert.equal(result.status, 'planned');
    const first = asked[0]?.messages[0];
    return { prompt: typeof first?.content === 'string' ? first.content : '', tasks: result.state.plan?.tasks ?? [] };
  }

  it('names the configured checks in the prompt and keeps a task’s own checks in the plan', async () => {
    const { prompt, tasks } = await planWith(['npm test', 'npm run lint']);
    assert.match(prompt, /Configured checks: `npm test`, `npm run lint`\. They run before the first task/);
    assert.match(prompt, /A task may name its own checks in "verify"/);
    assert.deepEqual((tasks[0] as { verify?: string[] }).verify, ['npm test -- test/a.test.ts']);
  });

  it('says when no check is configured', async () => {
    const { prompt } = await planWith(undefined);
    assert.match(prompt, /No checks are configured\. A task may name its own checks/);
  });

  it('validates a task’s checks: not empty, at most 500 characters, at most 5', () => {
    const base = { id: 'a', title: 'A' };
    assert.ok(TaskSpecSchema.safeParse({ ...base, verify: ['  npm test  '] }).success);
    assert.equal(TaskSpecSchema.parse({ ...base, verify: ['  npm test  '] }).verify?.[0], 'npm test');
    const messages = (verify: unknown) =>
      TaskSpecSchema.safeParse({ ...base, verify }).error?.issues.map((i) => i.message) ?? [];
    assert.deepEqual(messages(['  ']), ['a check must not be empty']);
    assert.deepEqual(messages(['x'.repeat(501)]), ['a check must be at most 500 characters']);
    assert.deepEqual(messages(['a', 'b', 'c', 'd', 'e', 'f']), ['a task may name at most 5 checks']);
  });
});
