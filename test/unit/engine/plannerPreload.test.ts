import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCliEngine } from '../../../src/cli/cliEngine';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import type { ChatCallOptions, ChatRequest, ChatResponse } from '../../../src/core/llm/chatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { ProviderEntry } from '../../../src/core/llm/providerTable';
import type { ApprovalPort } from '../../../src/core/tools/approvalPort';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply } from '../../support/fakeModelServer/fakeReply';
import { testEngineServices } from '../../support/testEngineServices';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const neverAsked: ApprovalPort = { decideEdit: async () => ({ decision: 'rejected', by: 'auto' }) };
const PLAN = { goal: 'Say hello', tasks: [{ id: 'hello', title: 'Write hello.txt', requiredCapabilities: ['code'] }] };

/** What the models of one engine were asked to do, in order: `preload` or `complete`, with the model's number. */
interface ModelLog {
  calls: Array<{ call: 'preload' | 'complete'; model: number; requestsSentBefore: number }>;
}

/** A provider whose OpenAI-compatible models record their preloads and calls (the real SDK underneath). */
function recordingProvider(server: FakeModelServer, log: ModelLog): ProviderEntry {
  let made = 0;
  class RecordingModel extends OpenAiChatModel {
    private readonly number = ++made;
    override preload(): void {
      log.calls.push({ call: 'preload', model: this.number, requestsSentBefore: server.requests.length });
      super.preload();
    }
    override complete(request: ChatRequest, options: ChatCallOptions): Promise<ChatResponse> {
      log.calls.push({ call: 'complete', model: this.number, requestsSentBefore: server.requests.length });
      return super.complete(request, options);
    }
  }
  return {
    id: 'acme',
    displayName: 'Acme Models',
    keyEnvVar: 'ACME_API_KEY',
    defaultModel: 'acme-large',
    commonModels: ['acme-large'],
    ownHosts: [new URL(server.openAiBaseUrl).hostname],
    acceptsBaseUrl: false,
    strictStructuredOutput: true,
    planOutput: 'response_format',
    prices: { 'acme-large': { input: 1, output: 2 } },
    createClient: ({ model, apiKey }) =>
      new RecordingModel({
        model,
        apiKey,
        baseURL: server.openAiBaseUrl,
        provider: 'acme',
        apiKeyEnvVar: 'ACME_API_KEY',
      }),
  };
}

describe('the planner model preloads while the engine waits on git', function () {
  this.timeout(30_000);
  const startServer = useFakeModelServer();
  let dir: string;
  let ws: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-preload-')));
    ws = join(dir, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'README.md'), '# Preload\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the CLI preloads the model the planner then asks, once and before any request, and the plan still comes back', async () => {
    const server = await startServer({ replies: [jsonReply(PLAN)] });
    const log: ModelLog = { calls: [] };
    const engine = await createCliEngine({
      workspace: ws,
      stateDir: join(dir, 'state'),
      providers: BUILTIN_PROVIDERS.with(recordingProvider(server, log)),
      models: { provider: 'acme' },
      concurrency: 2,
      verify: [],
      approvals: neverAsked,
      env: { ACME_API_KEY: server.apiKey },
      rateLimits: undefined,
      warn: () => undefined,
    });
    try {
      const preloads = log.calls.filter((c) => c.call === 'preload');
      assert.equal(preloads.length, 1, JSON.stringify(log.calls));
      assert.equal(preloads[0]!.requestsSentBefore, 0);
      const result = await engine.orchestrator.start({ goal: 'Say hello', dryRun: true }).done;
      assert.equal(result.status, 'planned', JSON.stringify(result.state.findings));
      assert.deepEqual(
        result.state.plan?.tasks.map((t) => t.id),
        ['hello'],
      );
      const firstCall = log.calls.find((c) => c.call === 'complete');
      assert.equal(firstCall?.model, preloads[0]!.model, 'the preloaded model is the one the planner asked');
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0]!.status, 200);
    } finally {
      engine.dispose();
    }
  });

  it('an engine built without asking for it (the host) loads nothing before the first call', async () => {
    const server = await startServer({ replies: [jsonReply(PLAN)] });
    const log: ModelLog = { calls: [] };
    const engine = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: neverAsked,
      keys: { get: async (id) => (id === 'acme' ? server.apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => false,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'acme' } },
      services: testEngineServices(dir, () => undefined),
      providers: BUILTIN_PROVIDERS.with(recordingProvider(server, log)),
      warn: () => undefined,
    });
    try {
      assert.equal(log.calls.length, 0, JSON.stringify(log.calls));
      const result = await engine.orchestrator.start({ goal: 'Say hello', dryRun: true }).done;
      assert.equal(result.status, 'planned', JSON.stringify(result.state.findings));
      assert.deepEqual(
        log.calls.map((c) => c.call),
        ['complete'],
      );
    } finally {
      engine.dispose();
    }
  });

  it('a preloaded model answers like one that loads on its first call, and preloading again is harmless', async () => {
    const server = await startServer({ replies: [jsonReply({ ok: true })] });
    const model = new OpenAiChatModel({ model: 'gpt-4o-mini', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
    model.preload();
    model.preload();
    assert.equal(server.requests.length, 0, 'preloading sends nothing');
    const reply = await model.complete(
      { messages: [{ role: 'user', content: 'Answer in JSON.' }], maxOutputTokens: 100 },
      { signal: new AbortController().signal },
    );
    assert.deepEqual(JSON.parse(reply.text), { ok: true });
    assert.equal(server.requests.length, 1);
  });
});
