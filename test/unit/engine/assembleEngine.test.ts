import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/cliMain';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine, type EnginePorts } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/engine/engineSettings';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { ProviderEntry } from '../../../src/core/llm/providerTable';
import type { RunEvent } from '../../../src/core/model/runEvents';
import type { ApprovalPort } from '../../../src/core/tools/approvalPort';
import { DemoModelServer } from '../../../src/demo/demoModelServer';
import { demoProvider } from '../../../src/demo/demoProvider';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply } from '../../support/fakeModelServer/fakeReply';
import { memoryCliIo } from '../../support/memoryCliIo';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';

const autoApprove: ApprovalPort = {
  decideEdit: async (p) => (p.protected ? { decision: 'rejected', by: 'auto' } : { decision: 'accepted', by: 'auto' }),
};

describe('assembleEngine: the one engine the CLI and the host build', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  let demo: DemoModelServer | undefined;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-engine-')));
    ws = join(dir, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'README.md'), '# Demo workspace\n');
  });
  afterEach(async () => {
    await demo?.close();
    demo = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** The ports the host brings, minus VS Code: the offline demo as an extra provider. */
  async function demoPorts(settings: Partial<EngineSettings>, warnings: string[] = []): Promise<EnginePorts> {
    demo = await DemoModelServer.start({ editDelayMs: 20, answerDelayMs: 5, chunkDelayMs: 0 });
    const token = demo.token;
    return {
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: autoApprove,
      keys: { get: async (p) => (p === 'demo' ? token : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => false,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'demo' }, ...settings },
      services: testEngineServices(dir, (m) => warnings.push(m)),
      providers: BUILTIN_PROVIDERS.with(demoProvider(demo)),
      warn: (m) => warnings.push(m),
    };
  }

  it('runs a whole goal: three tasks, the summary after both notes, every file labelled as the demo', async () => {
    const engine = await assembleEngine(
      await demoPorts({ verification: { tasks: [], commands: ['node -e "process.exit(0)"'] } }),
    );
    try {
      assert.equal(engine.models.scripted, true);
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
      const verified = events.filter((e) => e.type === 'verification.completed' && e.taskId !== undefined);
      assert.ok(verified.length > 0, 'the configured command gated the tasks');
    } finally {
      engine.dispose();
    }
  });

  describe('checklist 27: the engine records configured package scripts when it is built', () => {
    it('allows the configured `npm test` until its package.json entry changes, then asks', async () => {
      await writeFile(join(ws, 'package.json'), JSON.stringify({ scripts: { test: 'mocha', build: 'tsc' } }));
      const engine = await assembleEngine(await demoPorts({ verification: { tasks: [], commands: ['npm test'] } }));
      try {
        const decide = (command: string) => engine.policy.evaluate({ kind: 'command', tool: 'run_command', command });
        assert.equal((await decide('npm test')).decision, 'allow');
        assert.notEqual((await decide('npm run build')).decision, 'allow', 'only configured scripts');
        assert.notEqual((await decide('npm run env')).decision, 'allow');
        await writeFile(join(ws, 'package.json'), JSON.stringify({ scripts: { test: 'env', build: 'tsc' } }));
        const changed = await decide('npm test');
        assert.equal(changed.decision, 'ask');
        assert.match(changed.reason, /changed since the run started/);
      } finally {
        engine.dispose();
      }
    });
  });

  it('maps the settings onto the orchestrator and the policy, and wires extra agents like its own', async () => {
    const engine = await assembleEngine(
      await demoPorts({
        maxConcurrency: 2,
        protectedPaths: ['secrets/**'],
        verification: { tasks: ['npm: test'], commands: ['npm test', 'npm run a && npm run b'] },
      }),
    );
    try {
      assert.ok(engine.policy.protectedPaths.includes('secrets/**'));
      for (const agent of engine.registry.list()) {
        assert.equal(
          agent.definition.maxLoad,
          2,
          `${agent.definition.id} may run as many tasks as the run's concurrency`,
        );
      }
      const decide = (command: string) =>
        engine.policy.evaluate({ kind: 'command', tool: 'run_verification', command });
      assert.equal((await decide('npm test')).decision, 'allow', 'a configured single command becomes an allow rule');
      assert.notEqual((await decide('npm run a && npm run b')).decision, 'allow', 'a chain never does');
      const write = await engine.policy.evaluate({ kind: 'write', tool: 'propose_edit', path: 'secrets/key.txt' });
      assert.equal(write.requiresFreshApproval, true);
      assert.deepEqual(
        engine.registry
          .list()
          .map((a) => a.definition.id)
          .sort(),
        ['coder', 'planner', 'researcher', 'reviewer', 'tester'],
      );
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
    }
  });

  it('loads custom agents from the workspace and skips a bad file with a warning', async () => {
    await mkdir(join(ws, '.orchestrator', 'agents'), { recursive: true });
    await writeFile(
      join(ws, '.orchestrator', 'agents', 'docs.md'),
      '---\nname: docs\ndescription: Writes docs\ncapabilities: [docs]\n---\nYou write documentation.\n',
    );
    await writeFile(join(ws, '.orchestrator', 'agents', 'broken.md'), 'no frontmatter here\n');
    const warnings: string[] = [];
    const engine = await assembleEngine(await demoPorts({}, warnings));
    try {
      assert.ok(engine.registry.get('docs'), 'the custom agent is registered');
      assert.match(warnings.join('\n'), /Custom agent skipped: .*broken\.md/);
    } finally {
      engine.dispose();
    }
  });
});

describe('a provider added through the provider table alone', function () {
  this.timeout(30_000);
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  let dir: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-provider-')));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is offered by the CLI flags and help, reads its key from its own variable, and plans a run', async () => {
    server = await startServer({
      replies: [
        jsonReply({
          goal: 'Say hello',
          tasks: [{ id: 'hello', title: 'Write hello.txt', requiredCapabilities: ['code'], writes: ['hello.txt'] }],
        }),
      ],
    });
    const base = server.openAiBaseUrl;
    const acme: ProviderEntry = {
      id: 'acme',
      displayName: 'Acme Models',
      keyEnvVar: 'ACME_API_KEY',
      defaultModel: 'acme-large',
      commonModels: ['acme-large'],
      ownHosts: [new URL(base).hostname],
      acceptsBaseUrl: false,
      strictStructuredOutput: true,
      planOutput: 'response_format',
      prices: { 'acme-large': { input: 1, output: 2 } },
      createClient: ({ model, apiKey }) =>
        new OpenAiChatModel({ model, apiKey, baseURL: base, provider: 'acme', apiKeyEnvVar: 'ACME_API_KEY' }),
    };
    const providers = BUILTIN_PROVIDERS.with(acme);
    const ws = join(dir, 'ws');
    await mkdir(ws);

    const help = memoryCliIo(dir, {});
    assert.equal(await runCli(['run', '--help'], help.io, providers), 0);
    assert.ok(
      help.stdout().includes(`--provider NAME        ${[...BUILTIN_PROVIDERS.ids(), 'acme'].join(' | ')} (`),
      help.stdout(),
    );
    assert.match(help.stdout(), /ACME_API_KEY/);

    const missing = memoryCliIo(dir, {});
    assert.equal(await runCli(['run', 'g', '--provider', 'acme', '--workspace', ws], missing.io, providers), 2);
    assert.match(missing.stderr(), /No Acme Models API key is set: export ACME_API_KEY/);

    const run = memoryCliIo(dir, { ACME_API_KEY: server.apiKey });
    const state = join(dir, 'state');
    const args = ['run', 'Say hello', '--provider', 'acme', '--dry-run', '--json', '--workspace', ws];
    const code = await runCli([...args, '--state-dir', state], run.io, providers);
    assert.equal(code, 0, run.stderr());
    const events = run
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent);
    assert.ok(events.some((e) => e.type === 'plan.ready'));
    const saved = JSON.parse(await readFile(join(state, 'cli-runs', `${events[0]!.runId}.json`), 'utf8')) as {
      provider: string;
      model: string;
    };
    assert.deepEqual([saved.provider, saved.model], ['acme', 'acme-large'], 'resume will use the same provider');
    assert.equal(server.requests.length, 1);
    // The fake server answers 401 to any other key, so this request carried ACME_API_KEY.
    assert.equal(server.requests[0]!.status, 200);
    assert.ok(
      (await runCli(['run', 'g', '--provider', 'acme'], memoryCliIo(dir, {}).io)) === 2,
      'unknown without the entry',
    );
  });
});
