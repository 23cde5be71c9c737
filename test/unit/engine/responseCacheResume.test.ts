import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import { systemClock } from '../../../src/core/common/clock';
import { assembleEngine, type Engine } from '../../../src/core/engine/assembleEngine';
import { createEngineServices } from '../../../src/core/engine/engineServices';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import type { ChatResponse } from '../../../src/core/llm/chatModel';
import { ResponseCacheFile, RESPONSE_CACHE_FILE } from '../../../src/core/store/responseCacheFile';
import { runLayout } from '../../../src/core/store/runLayout';
import type { FakeModelServer, RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { isPlannerRequest } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { BILLED, GOAL, INVALID_PLAN, VALID_PLAN } from './responseCachePlans';

/** The first answer bills nearly the whole budget, so the repair is refused before it is sent: the run pauses. */
const FIRST_BILLED = { inputTokens: 199_000, outputTokens: 10 };

const turns = (r: RecordedRequest): number =>
  ((r.body as { messages?: Array<{ role: string }> }).messages ?? []).filter((m) => m.role !== 'system').length;

function respond(r: RecordedRequest): FakeReply {
  if (isPlannerRequest(r))
    return turns(r) === 1 ? jsonReply(INVALID_PLAN, { usage: FIRST_BILLED }) : jsonReply(VALID_PLAN, { usage: BILLED });
  const last = (r.body as { messages?: Array<{ role: string }> }).messages?.at(-1);
  if (last?.role === 'tool') return toolCallReply('finish_task', { summary: 'wrote one.txt' }, { usage: BILLED });
  return toolCallReply('propose_edit', { path: 'one.txt', content: 'note\n' }, { usage: BILLED });
}

describe('the response cache across a resume in a new engine (a new process): real openai client, fake model server', function () {
  this.timeout(30_000);
  let dir: string;
  let server: FakeModelServer;
  const engines: Engine[] = [];
  const warnings: string[] = [];
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-cache-resume-')));
    await mkdir(join(dir, 'ws'));
    await writeFile(join(dir, 'ws', 'README.md'), '# Notes\n');
    server = await startServer({ respond });
    warnings.length = 0;
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) e.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  const cacheWarnings = (): string[] => warnings.filter((w) => /response cache/.test(w));

  /** A new engine over the same store folder, with services of its own, as a new CLI process builds. */
  async function engine(): Promise<Engine> {
    const ws = join(dir, 'ws');
    const e = await assembleEngine({
      root: ws,
      workspace: new NodeWorkspace(ws),
      approvals: { decideEdit: async () => ({ decision: 'accepted', by: 'auto' }) },
      keys: { get: async (p) => (p === 'openai' ? server.apiKey : undefined) },
      keyHint: (p) => `set ${p.keyEnvVar}`,
      confirmKeyHost: async () => true,
      settings: { ...DEFAULT_ENGINE_SETTINGS, models: { provider: 'openai', baseUrl: server.openAiBaseUrl } },
      services: createEngineServices({
        storeDir: join(dir, 'state'),
        workspaceLocksDir: join(dir, 'locks'),
        clock: systemClock,
        rateLimits: () => undefined,
        warn: (m) => void warnings.push(m),
      }),
      warn: (m) => void warnings.push(m),
    });
    engines.push(e);
    return e;
  }

  /** Pauses a run after its first model answer (the budget refuses the next request); returns its id and cache file. */
  async function pausedRun(): Promise<{ runId: string; file: string }> {
    const first = await engine();
    const paused = await first.orchestrator.start({ goal: GOAL, budget: { maxTokens: 200_000 } }).done;
    assert.equal(paused.status, 'paused', JSON.stringify(paused.state.findings));
    assert.equal(server.requests.length, 1);
    engines.pop()?.dispose();
    const file = join(runLayout(join(dir, 'state'), paused.state.runId).dir, RESPONSE_CACHE_FILE);
    return { runId: paused.state.runId, file };
  }

  it('a resume in a new engine sends none of the answered requests again; the file holds only hashes and answers', async () => {
    const { runId, file } = await pausedRun();
    const text = await readFile(file, 'utf8');
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 1);
    const [key, answer] = JSON.parse(lines[0]!) as [string, ChatResponse];
    assert.match(key, /^[0-9a-f]{64}$/, 'the key is a hash of the request');
    assert.deepEqual(JSON.parse(answer.text), INVALID_PLAN, 'the value is the model’s answer');
    assert.ok(!text.includes(server.apiKey), 'no key in the file (checklist 8)');
    assert.ok(!text.includes('README'), 'no request text (the prompt names the workspace files)');

    const second = await engine();
    const resumed = await (await second.orchestrator.resume(runId, { budget: { maxTokens: 10_000_000 } })).done;
    assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.state.findings));
    assert.deepEqual(
      server.requests.filter(isPlannerRequest).map(turns),
      [1, 3],
      'the first planning ask was answered from the run’s file; only the repair was sent',
    );
    assert.equal(resumed.state.usage.cacheHits, 1);
    assert.deepEqual(cacheWarnings(), []);
  });

  it('a damaged file is ignored with a warning: the request is sent again and the run goes on', async () => {
    const { runId, file } = await pausedRun();
    await writeFile(file, '{"not": "a cache line"\n');
    const second = await engine();
    const resumed = await (await second.orchestrator.resume(runId, { budget: { maxTokens: 10_000_000 } })).done;
    assert.equal(resumed.status, 'succeeded', JSON.stringify(resumed.state.findings));
    assert.deepEqual(server.requests.filter(isPlannerRequest).map(turns), [1, 1, 3]);
    assert.equal(cacheWarnings().length, 1, warnings.join('\n'));
    assert.match(cacheWarnings()[0]!, /response-cache\.jsonl had 1 unreadable line\(s\) .* they were ignored/);
  });
});

describe('ResponseCacheFile: bounded, append-only, crash-tolerant', () => {
  let root: string;
  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'ao-cache-file-')));
    await mkdir(runLayout(root, 'r1').dir, { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const answer = (text: string): ChatResponse => ({
    text,
    toolCalls: [],
    stopReason: 'end',
    usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
  });
  const key = (n: number): string => n.toString(16).padStart(64, '0');

  it('stays under its byte cap by keeping the newest answers, and skips a torn last line with a warning', async () => {
    const warnings: string[] = [];
    const store = new ResponseCacheFile({ root, warn: (m) => void warnings.push(m), maxBytes: 4000 });
    for (let n = 0; n < 60; n++) await store.append('r1', [key(n), answer(`answer ${n} ${'x'.repeat(50)}`)]);
    const file = store.pathOf('r1');
    const size = Buffer.byteLength(await readFile(file, 'utf8'));
    assert.ok(size <= 4000, `the file is ${size} bytes`);
    await writeFile(file, `${await readFile(file, 'utf8')}["${key(99)}", {"text": "cut sho`);
    const loaded = await new ResponseCacheFile({ root, warn: (m) => void warnings.push(m) }).load('r1');
    assert.equal(loaded.at(-1)?.[0], key(59), 'the newest answer is kept');
    assert.ok(loaded.length >= 5 && loaded.length < 60, `${loaded.length} answers kept`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /1 unreadable line/);
  });

  it('reads nothing and warns for a file far larger than it is ever written', async () => {
    const warnings: string[] = [];
    const store = new ResponseCacheFile({ root, warn: (m) => void warnings.push(m), maxBytes: 100 });
    await writeFile(store.pathOf('r1'), 'x'.repeat(1000));
    assert.deepEqual(await store.load('r1'), []);
    assert.match(warnings[0] ?? '', /more than it is ever written; it was ignored/);
  });
});
