import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine, type Engine } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import type { ApprovalDecision, ApprovalPort, CommandProposal } from '../../../src/core/tools/approvalPort';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply } from '../../support/fakeModelServer/fakeReply';
import { isPlannerRequest } from '../../support/scriptedTeam';
import { becomesGone } from '../tools/commandTestKit';
import { callsIn, stdioDemoServer } from './mcpKit';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';

const AGENT = [
  '---',
  'name: echoer',
  'description: Echoes things through the demo MCP server',
  'capabilities: [echo]',
  'tools: [mcp__demo__echo, finish_task]',
  '---',
  'You echo the text you are given with the demo server.',
  '',
].join('\n');

describe('MCP tools in a whole run (real engine, real OpenAI SDK, fake model server, real stdio server)', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  let engine: Engine | undefined;
  const toolMessages: string[] = [];
  beforeEach(async () => {
    toolMessages.length = 0;
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-mcprun-')));
    ws = join(dir, 'ws');
    await mkdir(join(ws, '.orchestrator', 'agents'), { recursive: true });
    await writeFile(join(ws, '.orchestrator', 'agents', 'echoer.md'), AGENT);
    server = await startServer({
      respond: (request) => {
        if (isPlannerRequest(request)) {
          const plan = {
            goal: 'Echo',
            tasks: [{ id: 'echo', title: 'Echo hello', requiredCapabilities: ['echo'], writes: [] }],
          };
          const body = request.body as { response_format?: unknown };
          return body.response_format !== undefined ? jsonReply(plan) : toolCallReply('submit_plan', plan);
        }
        const messages = (request.body as { messages?: Array<{ role: string; content?: unknown }> }).messages ?? [];
        const last = messages.at(-1);
        if (last?.role === 'tool') {
          toolMessages.push(String(last.content));
          return toolCallReply('finish_task', { summary: 'echoed' });
        }
        return toolCallReply('mcp__demo__echo', { text: 'hello' });
      },
    });
  });
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (
    decide: (p: CommandProposal, signal: AbortSignal) => ApprovalDecision | Promise<ApprovalDecision>,
    trusted = true,
  ): Promise<Engine> => {
    const approvals: ApprovalPort = {
      decideEdit: async () => ({ decision: 'rejected', by: 'user' }),
      decideCommand: async (proposal, signal) => decide(proposal, signal),
    };
    engine = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals,
      keys: { get: async (p) => (p === 'openai' ? server?.apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'openai', baseUrl: server!.openAiBaseUrl } },
      services: testEngineServices(dir),
      mcp: { servers: [stdioDemoServer('demo', { MCP_DEMO_CALLS: join(dir, 'calls.txt') })], trusted },
      warn: () => undefined,
    });
    return engine;
  };

  it('the agent calls mcp__demo__echo: asked, approved, it reaches the server, its result reaches the next request, and the server stops with the run', async () => {
    const asked: CommandProposal[] = [];
    const e = await start((p) => {
      asked.push(p);
      return { decision: 'accepted', by: 'user' };
    });
    let pid: number | undefined;
    const handle = e.orchestrator.start({ goal: 'Echo' });
    handle.onEvent((ev) => {
      if (ev.type === 'approval.decided') void e.mcp?.pidOf('demo').then((p) => (pid ??= p));
    });
    const result = await handle.done;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    assert.equal(asked.length, 1);
    assert.match(asked[0]!.command, /^mcp__demo__echo \{"text":"hello"\}$/);
    // Every prompt names the server and tool from `mcp`, then gives the policy's reason.
    assert.equal(asked[0]!.mcp?.server, 'demo');
    assert.equal(asked[0]!.mcp?.tool, 'echo');
    assert.match(asked[0]!.reason, /^No rule matched/);
    assert.deepEqual(await callsIn(join(dir, 'calls.txt')), ['hello']);
    assert.deepEqual(toolMessages, ['echo: hello']);
    assert.ok(pid !== undefined, 'the server was running while the run was');
    assert.ok(await becomesGone(pid), `the server ${pid} outlived the run`);
  });

  it('cancel while the call waits for approval: the run is cancelled, the call never reaches the server, the server stops', async () => {
    let cancel: () => void = () => undefined;
    let pid: number | undefined;
    // The person never answers: the question waits until the cancel aborts it.
    const e = await start(
      (_p, signal) =>
        new Promise<ApprovalDecision>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
        ),
    );
    const handle = e.orchestrator.start({ goal: 'Echo' });
    cancel = () => handle.cancel();
    handle.onEvent((ev) => {
      if (ev.type === 'approval.requested')
        void e.mcp?.pidOf('demo').then((p) => {
          pid = p;
          cancel();
        });
    });
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(await callsIn(join(dir, 'calls.txt')), []);
    assert.ok(pid !== undefined, 'the server was running while the call waited');
    assert.ok(await becomesGone(pid), `the server ${pid} outlived the cancelled run`);
  });

  it('a rejected call never reaches the server, and an untrusted workspace never starts it', async () => {
    const e = await start(() => ({ decision: 'rejected', by: 'user', reason: 'no' }));
    const result = await e.orchestrator.start({ goal: 'Echo' }).done;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    assert.match(toolMessages[0] ?? '', /was not approved \(rejected by the user, who wrote: "no"\)/);
    assert.deepEqual(await callsIn(join(dir, 'calls.txt')), []);
    e.dispose();

    toolMessages.length = 0;
    const untrusted = await start(() => ({ decision: 'accepted', by: 'user' }), false);
    const second = await untrusted.orchestrator.start({ goal: 'Echo' }).done;
    assert.equal(await untrusted.mcp?.pidOf('demo'), undefined);
    assert.deepEqual(await callsIn(join(dir, 'calls.txt')), []);
    assert.match(toolMessages[0] ?? '', /no tool "mcp__demo__echo"|untrusted/);
    assert.ok(['succeeded', 'failed'].includes(second.status));
  });
});
