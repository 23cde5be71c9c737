import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { assembleEngine, type Engine } from '../../../src/core/engine/assembleEngine';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../../src/core/engine/engineSettings';
import { RunStore } from '../../../src/core/store/runStore';
import {
  type FakeApi,
  type FakeModelServer,
  type RecordedRequest,
} from '../../support/fakeModelServer/fakeModelServer';
import { httpError, jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { isPlannerRequest, taskOfRequest } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { testEngineServices } from '../../support/testEngineServices';
import { BILLED, GOAL, INVALID_PLAN, VALID_PLAN } from './responseCachePlans';

interface WireBody {
  messages?: Array<{ role: string; content?: unknown }>;
  temperature?: number;
}

const turns = (r: RecordedRequest): number =>
  ((r.body as WireBody).messages ?? []).filter((m) => m.role !== 'system').length;
const endsWithToolResult = (r: RecordedRequest): boolean => {
  const last = (r.body as WireBody).messages?.at(-1);
  if (last?.role === 'tool') return true;
  return Array.isArray(last?.content) && last.content.some((b) => (b as { type?: string }).type === 'tool_result');
};

/**
 * The planner's first request gets an invalid plan (always the same answer, as a deterministic
 * model would give); its repair request fails with a 500 the first `repairFailures` times, then
 * gets a valid plan. The agent writes one.txt and finishes.
 */
function scripted(api: FakeApi, options: { repairFailures?: number; firstBilled?: typeof BILLED } = {}) {
  let repairFailures = options.repairFailures ?? 0;
  const plan = (value: unknown, usage = BILLED): FakeReply =>
    api === 'anthropic' ? toolCallReply('submit_plan', value, { usage }) : jsonReply(value, { usage });
  return (r: RecordedRequest): FakeReply => {
    if (isPlannerRequest(r)) {
      if (turns(r) === 1) return plan(INVALID_PLAN, options.firstBilled);
      if (repairFailures-- > 0) return httpError(500, { message: 'upstream hiccup' });
      return plan(VALID_PLAN);
    }
    if (endsWithToolResult(r)) return toolCallReply('finish_task', { summary: 'wrote one.txt' }, { usage: BILLED });
    return toolCallReply('propose_edit', { path: 'one.txt', content: 'note\n' }, { usage: BILLED });
  };
}

describe('the response cache in a whole run (engine, real SDKs, fake model server)', function () {
  this.timeout(30_000);
  let dir: string;
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();
  let engine: Engine | undefined;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-response-cache-')));
    await mkdir(join(dir, 'ws'));
    await writeFile(join(dir, 'ws', 'README.md'), '# Notes\n');
  });
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function start(
    api: FakeApi,
    respond: (r: RecordedRequest) => FakeReply,
    settings: Partial<EngineSettings> = {},
  ): Promise<Engine> {
    server = await startServer({ respond });
    const provider = api === 'anthropic' ? 'anthropic' : 'openai';
    const baseUrl = api === 'anthropic' ? server.baseUrl : server.openAiBaseUrl;
    const apiKey = server.apiKey;
    const ws = join(dir, 'ws');
    engine = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: { decideEdit: async () => ({ decision: 'accepted', by: 'auto' }) },
      keys: { get: async (p) => (p === provider ? apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: {
        ...DEFAULT_ENGINE_SETTINGS,
        models: { provider, baseUrl },
        retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 4 },
        ...settings,
      },
      services: testEngineServices(dir),
      warn: () => undefined,
    });
    return engine;
  }

  const plannerRequests = (s: FakeModelServer): RecordedRequest[] => s.requests.filter(isPlannerRequest);

  for (const api of ['openai', 'anthropic'] as const) {
    it(`a planning request repeated after a 500 is answered from the cache, a different one is sent (${api})`, async () => {
      const e = await start(api, scripted(api, { repairFailures: 1 }));
      const result = await e.orchestrator.start({ goal: GOAL }).done;
      assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
      const planner = plannerRequests(server!);
      // First ask, the repair that failed, the retry's repair: the retry's first ask never reached the server.
      assert.deepEqual(
        planner.map(turns),
        [1, 3, 3],
        'the identical first ask was answered locally; the repair was sent',
      );
      assert.equal(result.state.usage.cacheHits, 1);
      const answered = server!.requests.filter((r) => r.outcome === 'answered').length;
      assert.equal(result.state.usage.inputTokens, answered * BILLED.inputTokens, 'the hit cost no tokens');
      assert.equal(result.state.usage.outputTokens, answered * BILLED.outputTokens);
      const agentTurns = server!.requests.filter((r) => taskOfRequest(r) === 'one');
      assert.equal(agentTurns.length, 2);
      for (const r of [...agentTurns, ...planner])
        assert.equal((r.body as WireBody).temperature, api === 'openai' ? 0 : undefined, 'temperature 0 on the wire');
    });
  }

  it('with responseCache off every request is sent, and no hit is recorded', async () => {
    const e = await start('openai', scripted('openai', { repairFailures: 1 }), { responseCache: false });
    const result = await e.orchestrator.start({ goal: GOAL }).done;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    assert.deepEqual(plannerRequests(server!).map(turns), [1, 3, 1, 3]);
    assert.equal(result.state.usage.cacheHits, undefined);
  });

  it('across a budget pause and resume: the replanning ask is a hit, journaled with 0 tokens and read back so', async () => {
    // The first answer bills nearly the whole budget, so the repair is refused before it is sent: the run pauses.
    const firstBilled = { inputTokens: 199_000, outputTokens: 10 };
    const e = await start('openai', scripted('openai', { firstBilled }));
    const paused = await e.orchestrator.start({ goal: GOAL, budget: { maxTokens: 200_000 } }).done;
    assert.equal(paused.status, 'paused', JSON.stringify(paused.state.findings));
    assert.equal(plannerRequests(server!).length, 1);

    const resumed = await (await e.orchestrator.resume(paused.state.runId, { budget: { maxTokens: 10_000_000 } })).done;
    assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.state.findings));
    assert.deepEqual(plannerRequests(server!).map(turns), [1, 3], 'resume planned again: only the repair was sent');

    const spentInput = firstBilled.inputTokens + (server!.requests.length - 1) * BILLED.inputTokens;
    const reread = (await new RunStore({ root: join(dir, 'state') }).load(paused.state.runId)).state;
    for (const state of [resumed.state, reread]) {
      assert.equal(state.usage.cacheHits, 1);
      assert.equal(state.usage.inputTokens, spentInput, 'the hit added no tokens');
      const byModel = Object.values(state.usageByModel);
      assert.equal(
        byModel.reduce((n, u) => n + (u.cacheHits ?? 0), 0),
        1,
        'the hit is counted against its model',
      );
    }
  });
});
