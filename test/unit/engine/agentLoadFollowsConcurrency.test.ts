import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCliEngine } from '../../../src/cli/cliEngine';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine } from '../../../src/core/engine/assembleEngine';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { ApprovalPort } from '../../../src/core/tools/approvalPort';
import { engineSettingsOf } from '../../../src/host/settings/engineSettingsOf';
import { DEFAULT_HOST_SETTINGS } from '../../../src/host/settings/hostSettingsSchema';
import type { FakeModelServer, RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import type { FakeReply } from '../../support/fakeModelServer/fakeReply';
import { isPlannerRequest, scriptedTeam, taskOfRequest, type ScriptedTask } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';

const autoApprove: ApprovalPort = {
  decideEdit: async (p) => (p.protected ? { decision: 'rejected', by: 'auto' } : { decision: 'accepted', by: 'auto' }),
};

/**
 * Holds each task's first model request until `size` of them are waiting, then lets them all go. Once `armAt` are
 * waiting, a timer of `fallbackMs` lets them go anyway, so a limit that holds tasks back makes the test fail, not hang.
 */
function barrier(size: number, fallbackMs: number, armAt = 1): () => Promise<void> {
  let waiting: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  const release = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const go = waiting;
    waiting = [];
    go.forEach((resolve) => resolve());
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length >= size) release();
      else if (waiting.length >= armAt) timer ??= setTimeout(release, fallbackMs);
    });
}

describe('engine: built-in agents run as many tasks at once as the concurrency setting says', function () {
  this.timeout(60_000);
  let dir: string;
  let ws: string;
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-load-')));
    ws = join(dir, 'ws');
    await mkdir(ws);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Runs `tasks` against the fake OpenAI server through the engine as a front end builds it: the CLI with
   * `--concurrency`, or the host's settings mapped by `engineSettingsOf`; both call the one `assembleEngine`.
   */
  async function runTasks(
    frontEnd: 'cli' | 'host',
    tasks: ScriptedTask[],
    concurrency: number,
    gate: () => Promise<void>,
  ): Promise<void> {
    const team = scriptedTeam('Write the parts', tasks);
    const respond = async (request: RecordedRequest): Promise<FakeReply> => {
      if (!isPlannerRequest(request) && taskOfRequest(request) !== undefined && isFirstTurn(request)) await gate();
      return team(request);
    };
    const fake = await startServer({ respond });
    server = fake;
    const models = { provider: 'openai', model: 'gpt-test', baseUrl: fake.openAiBaseUrl };
    const services = () => testEngineServices(dir);
    const engine =
      frontEnd === 'cli'
        ? await createCliEngine({
            workspace: ws,
            stateDir: join(dir, 'state'),
            workspaceLocksDir: join(dir, 'locks'),
            providers: BUILTIN_PROVIDERS,
            models,
            concurrency,
            verify: [],
            approvals: autoApprove,
            env: { OPENAI_API_KEY: fake.apiKey },
            rateLimits: undefined,
            warn: () => undefined,
          })
        : await assembleEngine({
            root: ws,
            workspace: new NodeWorkspace(ws),
            approvals: autoApprove,
            keys: { get: async (p) => (p === 'openai' ? fake.apiKey : undefined) },
            keyHint: (p) => `set ${p.keyEnvVar}`,
            confirmKeyHost: async () => true,
            settings: engineSettingsOf({ ...DEFAULT_HOST_SETTINGS, ...models, maxConcurrency: concurrency }),
            services: services(),
            providers: BUILTIN_PROVIDERS,
            warn: () => undefined,
          });
    try {
      const result = await engine.orchestrator.start({ goal: 'Write the parts' }).done;
      assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    } finally {
      engine.dispose();
    }
  }

  it('16 independent code tasks at concurrency 16 are all with the model at once', async () => {
    const tasks = Array.from({ length: 16 }, (_, i) => ({ id: `part${i}`, title: `Write part ${i}` }));
    await runTasks('cli', tasks, 16, barrier(16, 10_000));
    assert.equal(server!.maxConcurrency(), 16, 'the built-in coder (maxLoad 4 in its definition) took all 16');
  });

  it('the host: 16 tasks at a concurrency setting of 16 are all with the model at once too', async () => {
    const tasks = Array.from({ length: 16 }, (_, i) => ({ id: `part${i}`, title: `Write part ${i}` }));
    await runTasks('host', tasks, 16, barrier(16, 10_000));
    assert.equal(server!.maxConcurrency(), 16);
  });

  it('an agent file that sets maxConcurrent: 2 keeps its own limit at concurrency 16', async () => {
    await mkdir(join(ws, '.orchestrator', 'agents'), { recursive: true });
    await writeFile(
      join(ws, '.orchestrator', 'agents', 'translator.md'),
      '---\nname: translator\ndescription: Translates text files\ncapabilities: [translate]\nmaxConcurrent: 2\n---\nTranslate.\n',
    );
    const tasks = Array.from({ length: 6 }, (_, i) => ({
      id: `text${i}`,
      title: `Translate text ${i}`,
      requiredCapabilities: ['translate'],
    }));
    // Two requests wait for a third that a limit of 2 never lets come; 300 ms later they go on.
    await runTasks('cli', tasks, 16, barrier(3, 300, 2));
    assert.equal(server!.maxConcurrency(), 2);
  });
});

/** Whether the request is a task's first turn (no tool result yet). */
function isFirstTurn(request: RecordedRequest): boolean {
  const messages = (request.body as { messages?: Array<{ role: string }> }).messages ?? [];
  return !messages.some((m) => m.role === 'tool');
}
