import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import assert from 'node:assert/strict';
import { AnthropicChatModel } from '../../../src/core/llm/anthropicChatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { ChatModel } from '../../../src/core/llm/chatModel';
import { LlmPlanner } from '../../../src/core/plan/llmPlanner';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply } from '../../support/fakeModelServer/fakeReply';
import { makeHarness } from '../../support/orchestratorHarness';
import { testAgent } from '../../support/testAgents';
import { AgentRegistry } from '../../../src/core/agents/agentRegistry';
import type { RunEvent } from '../../../src/core/model/runEvents';
import type { RunResult } from '../../../src/core/run/runSession';
import type { Agent } from '../../../src/core/task/agent';
import { workspaceSummaryOf } from '../../support/workspaceSummaries';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const goodPlan = {
  goal: 'add auth',
  tasks: [
    { id: 'api', title: 'Add the auth middleware', requiredCapabilities: ['code'], writes: ['src/auth.ts'] },
    { id: 'tests', title: 'Test the middleware', requiredCapabilities: ['code'], dependencies: ['api'] },
  ],
};

describe('LlmPlanner (real SDKs against the fake model server)', () => {
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => (server = await startServer()));

  const team = (): Agent[] => [
    testAgent({
      id: 'coder',
      capabilities: ['code', 'refactor'],
      synonyms: ['code_generation', 'implementation', 'coding'],
    }),
    testAgent({ id: 'tester', capabilities: ['test'], synonyms: ['testing'] }),
  ];

  /** A dry run of the planner against the fake server; the planner sees the harness's registry. */
  async function runWith(
    model: ChatModel,
    options: { maxRepairs?: number; strict?: boolean; structuredOutput?: 'tool' | 'response_format' } = {},
  ): Promise<{ result: RunResult; events: RunEvent[] }> {
    const registry = new AgentRegistry();
    const planner = new LlmPlanner({
      model,
      prices: BUILTIN_PROVIDERS.priceTable(),
      maxRepairs: options.maxRepairs ?? 2,
      ...(options.strict === undefined ? {} : { strict: options.strict }),
      ...(options.structuredOutput === undefined ? {} : { structuredOutput: options.structuredOutput }),
      summarise: async () =>
        workspaceSummaryOf(
          ['src/index.ts', 'README.md'],
          [{ kind: 'readme', title: 'README.md', path: 'README.md', body: '# Demo' }],
        ),
      agents: () =>
        registry.list().map((a) => ({
          id: a.definition.id,
          description: a.definition.description,
          capabilities: a.definition.capabilities,
          synonyms: a.definition.synonyms,
        })),
    });
    const harness = makeHarness({ registry, agents: team(), planner });
    const result = await harness.orchestrator.start({ goal: 'add auth', dryRun: true }).done;
    return { result, events: harness.events };
  }

  async function run(model: ChatModel, maxRepairs = 2): Promise<RunResult> {
    return (await runWith(model, { maxRepairs })).result;
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

  describe('plans limited to the registered agents', () => {
    type Body = {
      response_format?: { json_schema: { strict?: boolean; schema: Record<string, unknown> } };
      tools?: Array<{ function?: { strict?: boolean; parameters: Record<string, unknown> } }>;
      messages: Array<{ role: string; content: unknown }>;
    };
    const taskProperties = (schema: Record<string, unknown>): Record<string, Record<string, unknown>> =>
      (schema['properties'] as { tasks: { items: { properties: Record<string, Record<string, unknown>> } } }).tasks
        .items.properties;

    it('sends OpenAI a strict submit_plan tool whose enums are the registered capabilities and agent ids', async () => {
      server.enqueue(toolCallReply('submit_plan', goodPlan));
      const { result } = await runWith(openai(), { strict: true, structuredOutput: 'tool' });
      assert.equal(result.status, 'planned');
      const tool = (server.requests[0]!.body as Body).tools?.[0]?.function;
      assert.equal(tool?.strict, true);
      const props = taskProperties(tool!.parameters);
      assert.deepEqual((props['requiredCapabilities']!['items'] as { enum: string[] }).enum, [
        'code',
        'refactor',
        'test',
      ]);
      assert.deepEqual((props['agent']!['anyOf'] as Array<{ enum?: string[] }>)[0]?.enum, ['coder', 'tester']);
    });

    it("normalises a non-strict server's near-misses without a repair round, with a warning for each", async () => {
      server.enqueue(
        jsonReply({
          goal: null,
          tasks: [
            { id: 'a', title: 'A', requiredCapabilities: ['Code_Generation'], dependencies: null, agent: null },
            { id: 'b', title: 'B', requiredCapabilities: ['tester'], dependencies: ['a'] },
            { id: 'c', title: 'C', requiredCapabilities: ['implementation', 'Test'] },
            { id: 'd', title: 'D', requiredCapabilities: ['CODE'], agent: 'Coder' },
          ],
        }),
      );
      const { result, events } = await runWith(openai(), { strict: false });
      assert.equal(result.status, 'planned', JSON.stringify(result.state.findings));
      assert.equal(server.requests.length, 1, 'no repair round');
      assert.equal((server.requests[0]!.body as Body).response_format?.json_schema.strict, false);
      const tasks = result.state.plan!.tasks;
      assert.deepEqual(
        tasks.map((t) => t.requiredCapabilities),
        [['code', 'refactor'], ['test'], ['code', 'refactor', 'test'], ['code']],
      );
      assert.equal(tasks[3]!.agent, 'coder');
      assert.equal(tasks[0]!.agent, undefined, 'a null optional field is left out, as if unset');
      const warnings = events.flatMap((e) => (e.type === 'log' && e.level === 'warn' ? [e] : []));
      assert.deepEqual(
        warnings.map((w) => w.fields?.['field']),
        [
          'tasks[0].requiredCapabilities[0]',
          'tasks[1].requiredCapabilities[0]',
          'tasks[2].requiredCapabilities[0]',
          'tasks[2].requiredCapabilities[1]',
          'tasks[3].requiredCapabilities[0]',
          'tasks[3].agent',
        ],
      );
      assert.match(
        warnings[0]!.message,
        /"Code_Generation".*taken as "code", "refactor" \(a synonym of agent "coder"\)/,
      );
    });

    for (const [name, model] of [
      ['OpenAI', () => openai()],
      ['Anthropic', () => anthropic()],
    ] as const) {
      it(`names the field, the value and the allowed values in the repair prompt and the final error (${name})`, async () => {
        const bad = { tasks: [{ id: 'ship', title: 'Ship it', requiredCapabilities: ['deployment'] }] };
        const reply = name === 'OpenAI' ? () => jsonReply(bad) : () => toolCallReply('submit_plan', bad);
        server.enqueue(reply(), reply());
        const { result } = await runWith(model(), { maxRepairs: 1, strict: true });
        assert.equal(result.status, 'failed');
        assert.equal(server.requests.length, 2);
        const repair = JSON.stringify((server.requests[1]!.body as Body).messages.at(-1));
        const named =
          /tasks\[0\]\.requiredCapabilities\[0\]: task \\?"ship\\?" needs capability \\?"deployment\\?", which no registered agent has\. Allowed values: code, refactor, test\./;
        assert.match(repair, named);
        assert.match(result.state.findings[0]!.message, named);
        assert.match(result.state.findings[0]!.message, /did not produce a valid plan after 1 repair attempts/);
      });
    }
  });
});
