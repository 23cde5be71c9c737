import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import assert from 'node:assert/strict';
import { AnthropicChatModel } from '../../../src/core/llm/anthropicChatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { ChatModel } from '../../../src/core/llm/chatModel';
import { LlmPlanner } from '../../../src/core/plan/llmPlanner';
import { startFakeModelServer, type FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply } from '../../support/fakeModelServer/fakeReply';
import { makeHarness } from '../../support/orchestratorHarness';
import { testAgent } from '../../support/testAgents';
import { workspaceSummaryOf } from '../../support/workspaceSummaries';

const goodPlan = {
  goal: 'add auth',
  tasks: [
    { id: 'api', title: 'Add the auth middleware', requiredCapabilities: ['code'], writes: ['src/auth.ts'] },
    { id: 'tests', title: 'Test the middleware', requiredCapabilities: ['code'], dependencies: ['api'] },
  ],
};

describe('LlmPlanner (real SDKs against the fake model server)', () => {
  let server: FakeModelServer;
  beforeEach(async () => (server = await startFakeModelServer()));
  afterEach(async () => server.close());

  function run(model: ChatModel, maxRepairs = 2) {
    const planner = new LlmPlanner({
      model,
      prices: BUILTIN_PROVIDERS.priceTable(),
      maxRepairs,
      summarise: async () =>
        workspaceSummaryOf(
          ['src/index.ts', 'README.md'],
          [{ kind: 'readme', title: 'README.md', path: 'README.md', body: '# Demo' }],
        ),
      agents: () => [{ id: 'coder', description: 'codes', capabilities: ['code'] }],
    });
    const { orchestrator } = makeHarness({ agents: [testAgent({ id: 'coder', capabilities: ['code'] })], planner });
    return orchestrator.start({ goal: 'add auth', dryRun: true }).done;
  }
  const openai = (): ChatModel =>
    new OpenAiChatModel({ model: 'gpt-4o-mini', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
  const anthropic = (): ChatModel =>
    new AnthropicChatModel({ model: 'claude-sonnet-5', apiKey: server.apiKey, baseURL: server.baseUrl });

  it('asks OpenAI for the plan through response_format json_schema generated from the plan schema', async () => {
    server.enqueue(jsonReply(goodPlan));
    const result = await run(openai());
    assert.equal(result.status, 'planned');
    assert.deepEqual(
      result.state.plan?.tasks.map((t) => t.id),
      ['api', 'tests'],
    );
    const body = server.requests[0]!.body as {
      response_format?: { type: string; json_schema: { schema: { properties: Record<string, unknown> } } };
      messages: Array<{ content: string }>;
    };
    assert.equal(body.response_format?.type, 'json_schema');
    assert.ok(body.response_format?.json_schema.schema.properties.tasks, 'the schema describes tasks');
    assert.match(JSON.stringify(body.messages), /src\/index\.ts/, 'the workspace summary is in the prompt');
    assert.ok(result.state.usage.inputTokens > 0, 'the planner is metered like any agent');
  });

  it('asks Anthropic for the plan through a submit_plan tool call', async () => {
    server.enqueue(toolCallReply('submit_plan', goodPlan));
    const result = await run(anthropic());
    assert.equal(result.status, 'planned');
    const body = server.requests[0]!.body as { tools?: Array<{ name: string; input_schema: unknown }> };
    assert.equal(body.tools?.[0]?.name, 'submit_plan');
  });

  it('sends a malformed or invalid plan back with its problems and accepts the repair', async () => {
    server.enqueue(
      { fault: 'malformedJson' },
      jsonReply({
        tasks: [
          { id: 'a', title: 'A', dependencies: ['b'] },
          { id: 'b', title: 'B', dependencies: ['a'] },
        ],
      }),
      jsonReply(goodPlan),
    );
    const result = await run(openai());
    assert.equal(result.status, 'planned');
    assert.equal(server.requests.length, 3);
    const second = JSON.stringify(server.requests[1]!.body);
    assert.match(second, /not valid JSON/);
    const third = JSON.stringify(server.requests[2]!.body);
    assert.match(third, /dependency cycle: a → b → a/);
  });

  it('refuses clearly when the model never produces a valid plan', async () => {
    server.enqueue(jsonReply({ tasks: [] }), jsonReply({ tasks: [] }));
    const result = await run(openai(), 1);
    assert.equal(result.status, 'failed');
    assert.match(
      result.state.findings[0]!.message,
      /did not produce a valid plan after 1 repair attempts[\s\S]*no tasks/,
    );
    assert.equal(server.requests.length, 2);
  });
});
