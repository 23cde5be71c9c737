import assert from 'node:assert/strict';
import { join } from 'node:path';
import { systemClock } from '../../../src/core/common/clock';
import { assembleEngine, type Engine } from '../../../src/core/engine/assembleEngine';
import { createEngineServices } from '../../../src/core/engine/engineServices';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply } from '../../support/fakeModelServer/fakeReply';
import {
  countingWorkspace,
  tempWorkspace,
  type CountingWorkspace,
  type TempWorkspace,
} from '../../support/tempWorkspace';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const PLAN = {
  goal: 'Add JWT auth',
  tasks: [{ id: 'auth', title: 'Check the token', requiredCapabilities: ['code'], writes: ['src/auth/jwt.ts'] }],
};

describe('the planner’s first request carries the ranked workspace (engine, CLI adapters, fake OpenAI server)', function () {
  this.timeout(30_000);
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  let t: TempWorkspace;
  let port: CountingWorkspace;
  let engine: Engine;

  beforeEach(async () => {
    server = await startServer();
    t = await tempWorkspace({
      'README.md': '# Shop API\n',
      'package.json': '{ "name": "shop-api" }\n',
      '.gitignore': 'generated/\n',
      'src/auth/jwt.ts': [
        'import { createHmac } from "node:crypto";',
        '',
        '// Verifies the JWT bearer token of an API request.',
        'export function verifyJwt(token: string, secret: string): boolean {',
        '  const [head, body, signature] = token.split(".");',
        '  return createHmac("sha256", secret).update(`${head}.${body}`).digest("base64url") === signature;',
        '}',
      ].join('\n'),
      'src/orders/orders.ts': 'export function listOrders() { return []; }\n',
      'src/db/pool.ts': 'export const pool = { size: 4 };\n',
      'generated/jwtClient.ts': '// JWT JWT JWT bearer token verify api jwt\n',
    });
    port = countingWorkspace(t.workspace);
    engine = await assembleEngine({
      root: t.root,
      workspace: port,
      approvals: { decideEdit: async () => ({ decision: 'rejected', by: 'auto' }) },
      keys: { get: async (p) => (p === 'openai' ? server.apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'openai', baseUrl: server.openAiBaseUrl } },
      services: createEngineServices({
        storeDir: join(t.root, '..', 'state'),
        workspaceLocksDir: join(t.root, '..', 'locks'),
        clock: systemClock,
        rateLimits: () => undefined,
        warn: () => undefined,
      }),
      warn: () => undefined,
    });
  });
  afterEach(async () => {
    engine?.dispose();
    await t?.cleanup();
  });

  function firstPrompt(requestIndex: number): string {
    const body = server.requests[requestIndex]!.body as { messages: Array<{ role: string; content: string }> };
    return body.messages.find((m) => m.role === 'user')!.content;
  }

  it('names the best file first and shows its matching lines; ignored files stay out', async () => {
    server.enqueue(jsonReply(PLAN));
    const result = await engine.orchestrator.start({ goal: 'Verify the JWT token of API requests', dryRun: true }).done;
    assert.equal(result.status, 'planned');
    const prompt = firstPrompt(0);
    assert.match(prompt, /Files most relevant to the goal, best first:\n1\. src\/auth\/jwt\.ts\n/);
    assert.match(
      prompt,
      /Excerpt of src\/auth\/jwt\.ts:\n[\s\S]*3\| \/\/ Verifies the JWT bearer token of an API request\./,
    );
    assert.match(prompt, /README\.md:\n# Shop API/);
    assert.doesNotMatch(prompt, /generated/, 'a .gitignored file is neither listed nor ranked');
  });

  it('keeps the index for the engine’s lifetime: the next plan reads only what changed and what it shows', async () => {
    server.enqueue(jsonReply(PLAN), jsonReply(PLAN));
    await engine.orchestrator.start({ goal: 'Verify the JWT token', dryRun: true }).done;
    port.reset();
    await t.put('src/orders/orders.ts', 'export function listOrders() { return ["paid"]; }\n');
    await engine.orchestrator.start({ goal: 'Verify the JWT token', dryRun: true }).done;
    assert.ok(port.reads.includes('src/orders/orders.ts'), 'the changed file is read again');
    assert.ok(!port.reads.includes('src/db/pool.ts'), 'an unchanged file that is not shown is not');
    assert.match(firstPrompt(1), /1\. src\/auth\/jwt\.ts/);
  });
});
