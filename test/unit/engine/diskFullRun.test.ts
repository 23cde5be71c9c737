import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { type FakeModelServer, type RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';

const PLAN = {
  goal: 'Write two notes',
  tasks: [
    { id: 'one', title: 'Write one.txt', requiredCapabilities: ['code'], writes: ['one.txt'] },
    { id: 'two', title: 'Write two.txt', requiredCapabilities: ['code'], writes: ['two.txt'] },
  ],
};

/** The planner gets the plan; each agent writes `<task>.txt`, then finishes once it has a tool result. */
function scriptedModel(request: RecordedRequest): FakeReply {
  const body = request.body as { response_format?: unknown; messages?: Array<{ role: string; content?: unknown }> };
  if (body.response_format) return jsonReply(PLAN);
  const messages = body.messages ?? [];
  const taskId = /^Task (\S+):/.exec(String(messages.find((m) => m.role === 'user')?.content ?? ''))?.[1] ?? 'x';
  if (messages.at(-1)?.role === 'tool') return toolCallReply('finish_task', { summary: `wrote ${taskId}.txt` });
  return toolCallReply('propose_edit', { path: `${taskId}.txt`, content: `note ${taskId}\n` });
}

/** The CLI's workspace port on a disk that is full: every write fails as the OS fails it. */
class FullDiskWorkspace extends NodeWorkspace {
  override async writeFile(requested: string): Promise<void> {
    throw Object.assign(new Error(`ENOSPC: no space left on device, write '${requested}'`), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
  }
}

describe('checklist 33: a run whose every edit hits a full disk ends failed, not succeeded (engine, fake model server)', function () {
  this.timeout(30_000);
  let dir: string;
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-disk-full-')));
    server = await startServer({ respond: scriptedModel });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('each task fails with an ENOSPC finding naming its file; the run status is failed; nothing is written', async () => {
    const ws = join(dir, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'README.md'), '# Notes\n');
    const warnings: string[] = [];
    const engine = await assembleEngine({
      root: ws,
      workspace: new FullDiskWorkspace(ws),
      approvals: { decideEdit: async () => ({ decision: 'accepted', by: 'auto' }) },
      keys: { get: async (p) => (p === 'openai' ? server.apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'openai', baseUrl: server.openAiBaseUrl } },
      services: testEngineServices(dir, (m) => warnings.push(m)),
      warn: (m) => warnings.push(m),
    });
    try {
      const handle = engine.orchestrator.start({ goal: PLAN.goal });
      const events: RunEvent[] = [];
      handle.onEvent((e) => events.push(e));
      const result = await handle.done;
      assert.equal(result.status, 'failed', warnings.join('\n'));
      assert.equal(result.state.tasks.one?.status, 'failed');
      assert.equal(result.state.tasks.two?.status, 'failed');
      const located = result.state.findings.filter((f) => f.location !== undefined);
      assert.deepEqual(located.map((f) => [f.taskId, f.location, f.key]).sort(), [
        ['one', 'one.txt', 'write-failed:one.txt:ENOSPC'],
        ['two', 'two.txt', 'write-failed:two.txt:ENOSPC'],
      ]);
      for (const f of located) assert.match(f.message, /\(ENOSPC: disk full\); nothing was changed\. Free disk space/);
      assert.equal(events.filter((e) => e.type === 'edit.applied').length, 0);
      assert.deepEqual(await readdir(ws), ['README.md'], 'no file and no temp file was left');
    } finally {
      engine.dispose();
    }
  });
});
