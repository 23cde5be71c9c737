import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import type { RunEvent } from '../../../src/core/model/runEvents';
import type { ApprovalPort, CommandProposal } from '../../../src/core/tools/approvalPort';
import { approvalViewsOf } from '../../../src/host/panel/runGraphOf';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply } from '../../support/fakeModelServer/fakeReply';
import { isPlannerRequest } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';

describe('run_command in a whole run (real engine, real journal, fake model server)', function () {
  this.timeout(30_000);
  let dir: string;
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-runcmd-')));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the coder asks to run inline code, a person approves it while the approval is listed, and it runs once', async () => {
    const ws = join(dir, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'README.md'), '# ws\n');
    const command = `node -e "require('fs').appendFileSync('marker.txt', 'ran\\n'); console.log('hello from the command')"`;
    server = await startServer({
      respond: (request) => {
        if (isPlannerRequest(request)) {
          const plan = {
            goal: 'Run it',
            tasks: [{ id: 'run', title: 'Run the command', requiredCapabilities: ['code'], writes: [] }],
          };
          const body = request.body as { response_format?: unknown };
          return body.response_format !== undefined ? jsonReply(plan) : toolCallReply('submit_plan', plan);
        }
        const messages = (request.body as { messages?: Array<{ role: string }> }).messages ?? [];
        return messages.at(-1)?.role === 'tool'
          ? toolCallReply('finish_task', { summary: 'ran it' })
          : toolCallReply('run_command', { command });
      },
    });
    const events: RunEvent[] = [];
    const asked: CommandProposal[] = [];
    let listedWhileAsked: ReturnType<typeof approvalViewsOf> = [];
    let runState: (() => Parameters<typeof approvalViewsOf>[0]) | undefined;
    const approvals: ApprovalPort = {
      decideEdit: async () => ({ decision: 'rejected', by: 'user' }),
      decideCommand: async (proposal) => {
        asked.push(proposal);
        const state = runState?.();
        if (state) listedWhileAsked = approvalViewsOf(state, (t) => t);
        return { decision: 'accepted', by: 'user' };
      },
    };
    const engine = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals,
      keys: { get: async (p) => (p === 'openai' ? server?.apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'openai', baseUrl: server.openAiBaseUrl } },
      services: testEngineServices(dir),
      warn: () => undefined,
    });
    try {
      const handle = engine.orchestrator.start({ goal: 'Run it' });
      handle.onEvent((e) => events.push(e));
      runState = () => handle.state;
      const result = await handle.done;
      assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
      assert.equal(asked.length, 1);
      assert.match(asked[0]!.reason, /no rule can allow it/);
      assert.equal(await readFile(join(ws, 'marker.txt'), 'utf8'), 'ran\n');
      const requested = events.filter((e) => e.type === 'approval.requested');
      assert.deepEqual(
        requested.map((e) => e.type === 'approval.requested' && [e.kind, e.command]),
        [['command', command]],
      );
      const approval = Object.values(result.state.approvals)[0];
      assert.equal(approval?.status, 'accepted');
      const started = events.findIndex((e) => e.type === 'task.step.started' && e.key.startsWith('command:'));
      const decided = events.findIndex((e) => e.type === 'approval.decided');
      assert.ok(decided >= 0 && started > decided, 'the decision is recorded before the command starts');
      assert.ok(
        events.some((e) => e.type === 'log' && e.message === 'hello from the command'),
        'the output reached the task log',
      );
      assert.deepEqual(
        listedWhileAsked.map((a) => [a.kind, a.command]),
        [['command', command]],
        'the run panel lists the command while it waits',
      );
    } finally {
      engine.dispose();
    }
  });
});
