import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentStatsBook } from '../../../src/core/agents/agentStats';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import { systemClock } from '../../../src/core/common/clock';
import { RateLimitScheduler } from '../../../src/core/quota/rateLimitScheduler';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { PathLockTable } from '../../../src/core/schedule/pathLocks';
import { FileAgentStatsStore } from '../../../src/core/store/agentStatsFile';
import { RunStore } from '../../../src/core/store/runStore';
import type { ApprovalPort } from '../../../src/core/tools/approvalPort';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { DemoModelServer } from '../../../src/demo/demoModelServer';
import { assembleHostEngine, orchestratorSettingsOf } from '../../../src/host/engine/assembleHostEngine';
import { resolveHostModels } from '../../../src/host/engine/hostModels';
import { DEFAULT_HOST_SETTINGS, type HostSettings } from '../../../src/host/settings/hostSettingsSchema';

const autoApprove: ApprovalPort = {
  decideEdit: async (p) => (p.protected ? { decision: 'rejected', by: 'auto' } : { decision: 'accepted', by: 'auto' }),
};

describe('assembleHostEngine with the offline demo model (the engine the host builds, minus VS Code)', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-host-engine-')));
    ws = join(dir, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'README.md'), '# Demo workspace\n');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function build(settings: Partial<HostSettings>, warnings: string[] = []) {
    const full = { ...DEFAULT_HOST_SETTINGS, ...settings };
    const models = await resolveHostModels({
      settings: full,
      keys: { get: async () => undefined },
      confirmKeyHost: async () => false,
      startDemo: () => DemoModelServer.start({ editDelayMs: 20, answerDelayMs: 5, chunkDelayMs: 0 }),
      warn: (m) => warnings.push(m),
    });
    const engine = await assembleHostEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      runner: new ChildProcessRunner(),
      models,
      settings: full,
      approvals: autoApprove,
      store: new RunStore({ root: join(dir, 'state') }),
      statsStore: new FileAgentStatsStore({ root: join(dir, 'state') }),
      stats: new AgentStatsBook({}),
      rateLimits: new RateLimitScheduler(systemClock, () => undefined),
      locks: new PathLockTable(),
      warn: (m) => warnings.push(m),
      openCheckpoints: async (root) => new NoCheckpoints(root),
    });
    return { engine, models };
  }

  it('runs a whole goal: three tasks, the summary after both notes, every file labelled as the demo', async () => {
    const { engine, models } = await build({
      provider: 'demo',
      verification: { tasks: [], commands: ['node -e "process.exit(0)"'] },
    });
    try {
      const handle = engine.orchestrator.start({ goal: 'Add JWT auth to the API' });
      const events: RunEvent[] = [];
      handle.onEvent((e) => events.push(e));
      const result = await handle.done;
      assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
      for (const kind of ['plan', 'checklist', 'summary']) {
        const text = await readFile(join(ws, 'notes', `add-jwt-auth-to-the-api-${kind}.md`), 'utf8');
        assert.match(text, /offline demo model/);
      }
      const started = (id: string): number => events.findIndex((e) => e.type === 'task.started' && e.taskId === id);
      const succeeded = (id: string): number => events.findIndex((e) => e.type === 'task.succeeded' && e.taskId === id);
      assert.ok(
        started('summary') > succeeded('plan') && started('summary') > succeeded('checklist'),
        'the summary waited for both notes',
      );
      assert.ok(
        events.some((e) => e.type === 'verification.completed'),
        'the configured command gated the run',
      );
    } finally {
      engine.dispose();
      await models.dispose();
    }
  });

  it('maps the settings onto the orchestrator and the policy', async () => {
    assert.deepEqual(
      {
        ...orchestratorSettingsOf({
          ...DEFAULT_HOST_SETTINGS,
          maxConcurrency: 2,
          maxTasksPerPlan: 7,
          taskTimeoutSeconds: 30,
        }),
        retry: undefined,
      },
      { maxConcurrency: 2, maxTasksPerPlan: 7, taskTimeoutMs: 30_000, logLevel: 'info', retry: undefined },
    );
    const { engine, models } = await build({
      provider: 'demo',
      protectedPaths: ['secrets/**'],
      verification: { tasks: ['npm: test'], commands: ['npm test', 'npm run a && npm run b'] },
    });
    try {
      assert.ok(engine.policy.protectedPaths.includes('secrets/**'));
      const decide = (command: string) =>
        engine.policy.evaluate({ kind: 'command', tool: 'run_verification', command });
      assert.equal((await decide('npm test')).decision, 'allow');
      assert.notEqual((await decide('npm run a && npm run b')).decision, 'allow');
      const write = await engine.policy.evaluate({ kind: 'write', tool: 'propose_edit', path: 'secrets/key.txt' });
      assert.equal(write.requiresFreshApproval, true);
      const extra = engine.createPromptAgent(
        { id: 'docs-writer', capabilities: ['docs'], tools: ['read_file', 'finish_task'] },
        'Write docs.',
      );
      const registration = engine.registry.register(extra);
      assert.ok(engine.registry.get('docs-writer'));
      registration.dispose();
      assert.equal(engine.registry.get('docs-writer'), undefined);
    } finally {
      engine.dispose();
      await models.dispose();
    }
  });
});
