import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine, type Engine } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { spanRecords } from '../../../src/core/observe/spanRecords';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { httpError, jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';

type Ended = Extract<RunEvent, { type: 'span.ended' }>;

/** One span as the run log tells it: its start and (when it ended) its end. */
interface SpanView {
  id: string;
  name: string;
  parentId: string | undefined;
  attributes: Record<string, unknown>;
  status: Ended['status'] | undefined;
}

function spansOf(events: readonly RunEvent[]): SpanView[] {
  const started = new Set<string>();
  for (const e of events) {
    if (e.type === 'span.started') started.add(e.spanId);
    if (e.type === 'span.ended')
      assert.ok(started.has(e.spanId), `span.ended for ${e.spanId} follows its span.started`);
  }
  // Task spans are told by task events (task.started opens, the outcome ends): the product's fold reads both.
  return spanRecords(events).map((s) => ({
    id: s.spanId,
    name: s.name,
    parentId: s.parentId,
    attributes: s.attributes,
    status: s.status,
  }));
}

const PROMPT_SECRET = 'Zebra-Quokka-7731';
const PLAN = {
  goal: `Look around ${PROMPT_SECRET}`,
  tasks: [{ id: 'look', title: `Read the README ${PROMPT_SECRET}`, requiredCapabilities: ['code'] }],
};

describe('model-call and tool-call spans (real SDKs against the fake server)', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  let engine: Engine | undefined;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-spans-')));
    ws = join(dir, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'README.md'), `# Demo ${PROMPT_SECRET}\n`);
  });
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(provider: 'openai' | 'anthropic', replies: FakeReply[]): Promise<Engine> {
    server = await startServer({ replies });
    const key = server.apiKey;
    engine = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: { decideEdit: async () => ({ decision: 'rejected', by: 'auto' }) },
      keys: { get: async () => key },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: {
        ...DEFAULT_ENGINE_SETTINGS,
        models: { provider, baseUrl: provider === 'openai' ? server.openAiBaseUrl : server.baseUrl },
      },
      services: testEngineServices(dir),
      providers: BUILTIN_PROVIDERS,
      warn: () => undefined,
    });
    return engine;
  }

  for (const provider of ['openai', 'anthropic'] as const) {
    it(`${provider}: the planner's and the agent's calls are chat spans, tool calls execute_tool spans, under the right parents`, async () => {
      const e = await start(provider, [
        jsonReply(PLAN, { usage: { inputTokens: 300, outputTokens: 40 } }),
        toolCallReply('read_file', { path: 'README.md' }, { usage: { inputTokens: 120, outputTokens: 7 } }),
        toolCallReply('finish_task', { summary: 'Read it.' }, { usage: { inputTokens: 150, outputTokens: 9 } }),
      ]);
      const handle = e.orchestrator.start({ goal: `Look around ${PROMPT_SECRET}` });
      const events: RunEvent[] = [];
      handle.onEvent((ev) => events.push(ev));
      const result = await handle.done;
      assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
      const spans = spansOf(events);
      const byId = new Map(spans.map((s) => [s.id, s]));
      const chats = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
      assert.equal(chats.length, 3, 'one span per model call');
      const model = chats[0]!.attributes['gen_ai.request.model'] as string;
      for (const chat of chats) {
        assert.equal(chat.name, `chat ${model}`);
        assert.equal(chat.status, 'ok');
        assert.equal(chat.attributes['gen_ai.provider.name'], provider);
        assert.equal(chat.attributes['gen_ai.system'], provider);
        assert.equal(typeof chat.attributes['gen_ai.request.max_tokens'], 'number');
        assert.equal(typeof chat.attributes['gen_ai.response.id'], 'string', 'the provider sent an id');
        assert.equal(chat.attributes['gen_ai.response.model'], model);
        assert.ok(Array.isArray(chat.attributes['gen_ai.response.finish_reasons']));
      }
      const [plan, read, finish] = chats;
      assert.equal(byId.get(plan!.parentId!)?.name, 'plan', "the planner's call is a child of the plan span");
      assert.deepEqual(
        [plan!.attributes['gen_ai.usage.input_tokens'], plan!.attributes['gen_ai.usage.output_tokens']],
        [300, 40],
      );
      assert.equal(read!.attributes['gen_ai.usage.output_tokens'], 7);
      assert.equal(finish!.attributes['gen_ai.usage.output_tokens'], 9);
      const task = byId.get(read!.parentId!);
      assert.equal(task?.name, 'task', "the agent's call is a child of its task span");
      assert.equal(task.attributes['taskId'], 'look');
      assert.equal(finish!.parentId, task.id);
      assert.deepEqual(read!.attributes['gen_ai.response.finish_reasons'], [
        provider === 'openai' ? 'tool_calls' : 'tool_use',
      ]);

      const tools = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
      assert.deepEqual(
        tools.map((t) => t.name),
        ['execute_tool read_file', 'execute_tool finish_task'],
        'every tool call, finish_task (answered by the agent loop itself) included',
      );
      assert.equal(tools[1]!.parentId, task.id);
      assert.equal(tools[0]!.attributes['gen_ai.tool.name'], 'read_file');
      assert.equal(typeof tools[0]!.attributes['gen_ai.tool.call.id'], 'string');
      assert.equal(tools[0]!.parentId, task.id);
      assert.equal(tools[0]!.status, 'ok');

      const spanText = JSON.stringify(events.filter((ev) => ev.type === 'span.started' || ev.type === 'span.ended'));
      assert.ok(!spanText.includes(PROMPT_SECRET), 'no prompt, file or answer text in any span');
    });
  }

  it('a failed model call ends its span as error with error.type; the tool error outcome is recorded', async () => {
    const e = await start('openai', [
      jsonReply(PLAN),
      toolCallReply('read_file', { path: 'missing.md' }),
      httpError(400, { message: 'bad request' }),
    ]);
    const handle = e.orchestrator.start({ goal: 'Look around' });
    const events: RunEvent[] = [];
    handle.onEvent((ev) => events.push(ev));
    const result = await handle.done;
    assert.notEqual(result.status, 'succeeded');
    const spans = spansOf(events);
    const failed = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat' && s.status === 'error');
    assert.ok(failed.length >= 1, JSON.stringify(spans));
    assert.match(String(failed[0]!.attributes['error.type']), /^TaskFailure\./);
    const tool = spans.find((s) => s.name === 'execute_tool read_file');
    assert.equal(tool?.status, 'error');
    assert.equal(tool.attributes['error.type'], 'tool_error');
  });

  it('a model call in flight when the run is cancelled ends its span as cancelled', async () => {
    const e = await start('anthropic', [jsonReply(PLAN), { fault: 'hang' }]);
    const handle = e.orchestrator.start({ goal: 'Look around' });
    const events: RunEvent[] = [];
    handle.onEvent((ev) => {
      events.push(ev);
      if (ev.type === 'span.started' && ev.name.startsWith('chat ') && events.some((x) => x.type === 'task.started'))
        setImmediate(() => handle.cancel());
    });
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
    const chats = spansOf(events).filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    assert.equal(chats.length, 2);
    assert.equal(chats[1]!.status, 'cancelled');
    assert.equal(chats[1]!.attributes['gen_ai.usage.input_tokens'], undefined, 'no usage for an unanswered call');
  });
});
