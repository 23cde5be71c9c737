import assert from 'node:assert/strict';
import { z } from 'zod';
import { AgentRegistry } from '../../../src/core/agents/agentRegistry';
import { LlmAgent } from '../../../src/core/agents/llmAgent';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { ChatModel, ChatRequest } from '../../../src/core/llm/chatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { Agent } from '../../../src/core/task/agent';
import { defineTool } from '../../../src/core/tools/toolDefinition';
import { ToolBus } from '../../../src/core/tools/toolBus';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { toolCallReply } from '../../support/fakeModelServer/fakeReply';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const SYSTEM = 'You are a test agent.';

/** A tool bus with two built-in tools and an MCP-like listed source that records being asked. */
function toolBus(): { tools: ToolBus<ToolContext>; listedAsks: () => number } {
  let asks = 0;
  const builtIn = (name: string) =>
    defineTool({
      name,
      description: `The ${name} tool.`,
      parameters: z.object({ summary: z.string() }),
      run: async () => ({ content: 'ok' }),
    });
  const tools = new ToolBus<ToolContext>([builtIn('finish_task'), builtIn('echo')], {
    toolsFor: async () => {
      asks++;
      return [];
    },
  });
  return { tools, listedAsks: () => asks };
}

/** A real OpenAI client against the fake server, recording what it is asked to prepare and to send. */
function recordingModel(server: FakeModelServer): {
  model: ChatModel;
  prepared: Array<Pick<ChatRequest, 'system' | 'tools'>>;
  sent: ChatRequest[];
} {
  const real = new OpenAiChatModel({ model: 'gpt-4o-mini', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
  const prepared: Array<Pick<ChatRequest, 'system' | 'tools'>> = [];
  const sent: ChatRequest[] = [];
  const model: ChatModel = {
    provider: real.provider,
    model: real.model,
    complete: (request, options) => (sent.push(request), real.complete(request, options)),
    prepareCount: (parts) => prepared.push(parts),
  };
  return { model, prepared, sent };
}

function agentWith(model: ChatModel, tools: ToolBus<ToolContext>): LlmAgent {
  return new LlmAgent({ id: 'coder', capabilities: ['code'], tools: ['finish_task', 'echo', 'mcp__docs__*'] }, SYSTEM, {
    models: () => [model],
    prices: BUILTIN_PROVIDERS.priceTable(),
    tools,
    toolContext: (ctx) =>
      ({ task: ctx, checkpoints: new NoCheckpoints('/not-a-repository') }) as unknown as ToolContext,
  });
}

describe('Agent.prepare: what every task of an agent starts with, done while the planner waits', () => {
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    server = await startServer();
  });

  it('has the model count the system prompt and the very tool definitions the first turn sends; MCP servers are not asked', async () => {
    const { tools, listedAsks } = toolBus();
    const { model, prepared, sent } = recordingModel(server);
    const agent = agentWith(model, tools);
    agent.prepare();
    assert.equal(prepared.length, 1);
    assert.equal(prepared[0]!.system, SYSTEM);
    assert.deepEqual(
      prepared[0]!.tools!.map((t) => t.name),
      ['finish_task', 'echo'],
    );
    assert.equal(listedAsks(), 0, 'listing MCP tools starts their servers: only a task may');
    server.enqueue(toolCallReply('finish_task', { summary: 'done' }));
    const { orchestrator } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    const first = sent[0]!;
    for (const [i, spec] of prepared[0]!.tools!.entries())
      assert.equal(first.tools![i], spec, `tool ${spec.name}: the same object, so its counted text is found again`);
  });

  it('is handed on by the registry (register and swap), and absent for an agent without one', () => {
    const registry = new AgentRegistry();
    let prepares = 0;
    const preparing = (id: string): Agent => ({
      definition: { id, capabilities: ['code'] },
      run: async () => ({ summary: 'ok' }),
      prepare: () => void prepares++,
    });
    registry.register(preparing('one'));
    registry.swap([], [preparing('two')]);
    registry.register({ definition: { id: 'plain', capabilities: ['code'] }, run: async () => ({ summary: 'ok' }) });
    for (const agent of registry.list()) agent.prepare?.();
    assert.equal(prepares, 2);
    assert.equal(registry.get('plain')!.prepare, undefined);
  });
});

describe('Orchestrator: agents are prepared while the planner waits for its model', () => {
  /** An agent that counts its `prepare` calls, and may throw from it. */
  function countingAgent(throws = false): { agent: Agent; prepares: () => number } {
    let prepares = 0;
    const agent: Agent = {
      definition: { id: 'coder', capabilities: ['code'] },
      run: async () => ({ summary: 'done' }),
      prepare: () => {
        prepares++;
        if (throws) throw new Error('tool schema broken');
      },
    };
    return { agent, prepares: () => prepares };
  }

  /** A planner that answers only once `release` is called, and says when it was asked. */
  function heldPlanner(): { planner: { plan(): Promise<unknown> }; asked: Promise<void>; release(): void } {
    let release!: () => void;
    let markAsked!: () => void;
    const asked = new Promise<void>((resolve) => (markAsked = resolve));
    const answered = new Promise<void>((resolve) => (release = resolve));
    return {
      planner: {
        plan: async () => {
          markAsked();
          await answered;
          return plan([task('a')]);
        },
      },
      asked,
      release,
    };
  }

  const idleWhile = async (held: { asked: Promise<void> }, until: () => boolean): Promise<void> => {
    await held.asked;
    for (let i = 0; i < 200 && !until(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('prepares each agent once while the planner waits; a throwing prepare does not stop the run', async () => {
    for (const throws of [false, true]) {
      const { agent, prepares } = countingAgent(throws);
      const held = heldPlanner();
      const { orchestrator } = makeHarness({ agents: [agent], planner: held.planner });
      const run = orchestrator.start({ goal: 'g' });
      await idleWhile(held, () => prepares() > 0);
      assert.equal(prepares(), 1, 'prepared while the planner waited');
      held.release();
      assert.equal((await run.done).status, 'succeeded');
      assert.equal(prepares(), 1, 'once');
    }
  });

  it('prepares nothing for a dry run (no task will start) or when the planner has answered first', async () => {
    const dry = countingAgent();
    const held = heldPlanner();
    const dryRun = makeHarness({ agents: [dry.agent], planner: held.planner }).orchestrator.start({
      goal: 'g',
      dryRun: true,
    });
    await held.asked;
    await new Promise((resolve) => setTimeout(resolve, 100));
    held.release();
    assert.equal((await dryRun.done).status, 'planned');
    assert.equal(dry.prepares(), 0);

    const quick = countingAgent();
    const { orchestrator } = makeHarness({ agents: [quick.agent], planner: { plan: async () => plan([task('a')]) } });
    assert.equal((await orchestrator.start({ goal: 'g' }).done).status, 'succeeded');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(quick.prepares(), 0, 'the wait is cancelled once the plan is in');
  });
});
