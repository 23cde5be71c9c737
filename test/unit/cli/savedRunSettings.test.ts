import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  startFakeModelServer,
  type FakeModelServer,
  type RecordedRequest,
} from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { cliEnv, git, runCli, useSandbox, useCliBundle, type CliRun } from '../../support/cliProcess';
import { STATE_FOLDER_GITIGNORE } from '../../../src/core/store/gitIgnoredFolder';
import { loadVerifiedCliRunOptions, saveCliRunOptions, SavedSettingsError } from '../../../src/cli/cliRunOptions';
import { durableOrchestrator } from '../../support/durableWorkload';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';
import { useTempDir } from '../store/storeTestUtils';

const PLAN = {
  goal: 'Write a greeting',
  tasks: [{ id: 'hello', title: 'Write hello.txt', requiredCapabilities: ['code'], writes: ['hello.txt'] }],
};

/** The planner gets the plan; an agent proposes hello.txt, then finishes once it has a tool result. */
function editingModel(request: RecordedRequest): FakeReply {
  const body = request.body as { response_format?: unknown; messages?: Array<{ role: string }> };
  if (body.response_format) return jsonReply(PLAN);
  if (body.messages?.at(-1)?.role === 'tool') return toolCallReply('finish_task', { summary: 'wrote hello.txt' });
  return toolCallReply('propose_edit', { path: 'hello.txt', content: 'hello\n' });
}

describe('checklist 29: saved run settings that decide where keys go are integrity-checked; resume refuses changed or unreadable ones', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  let evil: FakeModelServer;
  beforeEach(async () => {
    server = await startFakeModelServer({ respond: editingModel });
    evil = await startFakeModelServer({ respond: editingModel });
  });
  afterEach(async () => {
    await Promise.all([server.close(), evil.close()]);
  });

  /** A run paused at its first edit (`--approve never`), started with a base URL and a check. */
  async function pausedRun(): Promise<{ runId: string; settingsFile: string; env: NodeJS.ProcessEnv }> {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const args = ['run', 'Write a greeting', '--approve', 'never', '--verify', 'node --version'];
    const r = await runCli([...args, '--workspace', ws, '--state-dir', state, '--base-url', server.openAiBaseUrl], env);
    assert.equal(r.code, 3, r.stderr);
    const runId = /^Run (\S+)\n$/.exec(r.stdout)?.[1];
    assert.ok(runId, r.stdout);
    return { runId, settingsFile: join(state, 'cli-runs', `${runId}.json`), env };
  }

  const resume = (runId: string, env: NodeJS.ProcessEnv, ...extra: string[]): Promise<CliRun> =>
    runCli(['resume', runId, '--approve', 'auto', '--state-dir', sandbox().state, ...extra], env);

  /** Nothing reached a model on resume, and stdout shows no run. */
  function assertRefusedBeforeAnyRequest(r: CliRun, requestsBefore: number): void {
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(evil.requests.length, 0, 'the key never went to the rewritten base URL');
    assert.equal(server.requests.length, requestsBefore, 'no model was called at all');
    assert.match(r.stderr, /It will not fall back to the default provider, model, base URL or checks/);
    assert.match(r.stderr, /Start a new run with `agent-orchestrator run`/);
  }

  it('a base URL rewritten in the saved settings: resume refuses and the other listener gets zero requests', async () => {
    const { runId, settingsFile, env } = await pausedRun();
    const saved = JSON.parse(await readFile(settingsFile, 'utf8')) as Record<string, unknown>;
    assert.equal(saved.baseUrl, server.openAiBaseUrl);
    await writeFile(settingsFile, JSON.stringify({ ...saved, baseUrl: evil.openAiBaseUrl }, null, 2));
    const before = server.requests.length;

    const r = await resume(runId, env);
    assertRefusedBeforeAnyRequest(r, before);
    assert.match(
      r.stderr,
      new RegExp(
        `Run ${runId} cannot be resumed: its saved settings .*${runId}\\.json were changed after the run started`,
      ),
    );
    assert.match(r.stderr, /could send the API key elsewhere/);
  });

  it('a dropped --verify check is a change too', async () => {
    const { runId, settingsFile, env } = await pausedRun();
    const saved = JSON.parse(await readFile(settingsFile, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(saved.verify, ['node --version']);
    await writeFile(settingsFile, JSON.stringify({ ...saved, verify: [] }));
    const before = server.requests.length;
    const r = await resume(runId, env);
    assertRefusedBeforeAnyRequest(r, before);
    assert.match(r.stderr, /were changed after the run started/);
  });

  it('deleted saved settings: resume refuses, also when --workspace is given', async () => {
    const { runId, settingsFile, env } = await pausedRun();
    await rm(settingsFile);
    const before = server.requests.length;
    for (const extra of [[], ['--workspace', sandbox().ws]]) {
      const r = await resume(runId, env, ...extra);
      assertRefusedBeforeAnyRequest(r, before);
      assert.match(r.stderr, /are missing, although the run recorded their digest when it started/);
    }
  });

  it('saved settings that are not JSON: resume refuses with what is wrong, also when --workspace is given', async () => {
    const { runId, settingsFile, env } = await pausedRun();
    await writeFile(settingsFile, '{"formatVersion": 1, "provider": "openai", ');
    const before = server.requests.length;
    for (const extra of [[], ['--workspace', sandbox().ws]]) {
      const r = await resume(runId, env, ...extra);
      assertRefusedBeforeAnyRequest(r, before);
      assert.match(r.stderr, /are damaged \(it is not JSON/);
    }
  });

  it('saved settings of the wrong shape: resume refuses and names the field', async () => {
    const { runId, settingsFile, env } = await pausedRun();
    const saved = JSON.parse(await readFile(settingsFile, 'utf8')) as Record<string, unknown>;
    await writeFile(settingsFile, JSON.stringify({ ...saved, concurrency: 'lots' }));
    const before = server.requests.length;
    const r = await resume(runId, env);
    assertRefusedBeforeAnyRequest(r, before);
    assert.match(r.stderr, /are damaged \(concurrency: /);
  });

  it('unchanged saved settings (only reformatted) resume with the same base URL and check', async () => {
    const { runId, settingsFile, env } = await pausedRun();
    // Key order and spacing do not count: the digest is over the canonical settings.
    const saved = JSON.parse(await readFile(settingsFile, 'utf8')) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(saved).reverse());
    await writeFile(settingsFile, JSON.stringify(reordered));
    const before = server.requests.length;
    const r = await resume(runId, env, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(server.requests.length > before, 'the run went on with the saved base URL');
    assert.equal(evil.requests.length, 0);
    assert.match(r.stdout, /"type":"verification\.completed"[^\n]*"name":"node --version"/, 'the check still ran');
    assert.equal(await readFile(join(sandbox().ws, 'hello.txt'), 'utf8'), 'hello\n');
  });
  it('a state folder inside the workspace: a warning on stderr, and an injected agent can neither list, read nor rewrite it', async () => {
    const { root, ws } = sandbox();
    const state = join(ws, '.agent-state');
    const settingsPath = async (): Promise<string> =>
      `.agent-state/cli-runs/${(await readdir(join(state, 'cli-runs')))[0] ?? 'missing.json'}`;
    const attempts = async (step: number): Promise<FakeReply> => {
      const target = await settingsPath();
      const forged = JSON.stringify({ formatVersion: 1, baseUrl: evil.openAiBaseUrl });
      const script: FakeReply[] = [
        toolCallReply('list_files', {}),
        toolCallReply('read_file', { path: target }),
        toolCallReply('propose_edit', { path: target, content: forged }),
        toolCallReply('run_verification', { command: 'ls .agent-state/cli-runs' }),
      ];
      return script[step] ?? toolCallReply('finish_task', { summary: 'done' });
    };
    await server.close();
    server = await startFakeModelServer({
      respond: (request) => {
        const body = request.body as { response_format?: unknown; messages?: Array<{ role: string }> };
        if (body.response_format) return jsonReply(PLAN);
        return attempts(body.messages?.filter((m) => m.role === 'tool').length ?? 0);
      },
    });
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    await git(ws, env, 'init', '-q', '-b', 'main');
    const r = await runCli(
      [
        'run',
        'Write a greeting',
        '--approve',
        'auto',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    assert.notEqual(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /The state folder .*\.agent-state is inside the workspace .*; move it out \(--state-dir or AGENT_ORCHESTRATOR_HOME\)/,
    );
    const saved = JSON.parse(await readFile(join(ws, await settingsPath()), 'utf8')) as Record<string, unknown>;
    assert.equal(saved.baseUrl, server.openAiBaseUrl, 'the saved settings are unchanged');
    assert.equal(evil.requests.length, 0);
    // Git ignores the folder, so checkpoints never snapshot run files and a rollback never rewinds them.
    assert.equal(await readFile(join(state, '.gitignore'), 'utf8'), STATE_FOLDER_GITIGNORE);
    assert.doesNotMatch(await git(ws, env, 'status', '--porcelain', '--untracked-files=all'), /agent-state/);

    const planner = JSON.stringify(server.requests[0]?.body);
    assert.match(planner, /README\.md/, 'the planner saw the workspace');
    assert.doesNotMatch(planner, /agent-state|cli-runs/, 'but not the state folder');
    const last = server.requests.at(-1)?.body as { messages: Array<{ role: string; content?: unknown }> };
    const results = last.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    assert.equal(results.length, 4, JSON.stringify(results));
    const [listed, read, edit, command] = results;
    assert.doesNotMatch(listed!, /agent-state/, 'list_files does not show it');
    for (const refused of [read, edit, command]) assert.match(refused!, /the orchestrator's own state folder/);
    assert.doesNotMatch(read!, /baseUrl/);
    assert.doesNotMatch(command!, /run-.*\.json/);
  });
});

describe('checklist 29: the digest that pins a run to its saved settings', () => {
  const tempDir = useTempDir();
  const options = {
    workspace: '/ws',
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseUrl: 'https://api.openai.com/v1',
    concurrency: 2,
    verify: ['npm test'],
  };

  it('is recorded in run.created and kept through the snapshot', async () => {
    const digest = await saveCliRunOptions(tempDir(), 'run-1', options);
    assert.match(digest, /^[0-9a-f]{64}$/);
    const agent = testAgent({ id: 'worker', capabilities: ['code'], maxLoad: 1 }, async () => ({ output: 1 }));
    const { orchestrator, store } = durableOrchestrator(tempDir(), agent, 1);
    const run = orchestrator.start({ goal: 'g', plan: plan([task('a')]), settingsDigest: digest });
    assert.equal((await run.done).status, 'succeeded');
    const events = (await readFile(join(tempDir(), 'runs', run.runId, 'events.jsonl'), 'utf8')).split('\n');
    assert.equal((JSON.parse(events[0]!) as { settingsDigest?: string }).settingsDigest, digest);
    const snapshot = JSON.parse(await readFile(join(tempDir(), 'runs', run.runId, 'snapshot.json'), 'utf8')) as {
      state: { settingsDigest?: string };
    };
    assert.equal(snapshot.state.settingsDigest, digest);
    assert.equal((await store.load(run.runId)).state.settingsDigest, digest);
    assert.throws(
      () => orchestrator.start({ goal: 'g', plan: plan([task('a')]), settingsDigest: 'abc' }),
      /64 lower-case hex digits/,
    );
  });

  it('refuses settings it cannot verify, and only a run with neither digest nor file has no saved settings', async () => {
    const digest = await saveCliRunOptions(tempDir(), 'run-1', options);
    assert.deepEqual(await loadVerifiedCliRunOptions(tempDir(), 'run-1', digest), { formatVersion: 1, ...options });
    await assert.rejects(
      loadVerifiedCliRunOptions(tempDir(), 'run-1', undefined),
      (err: unknown) =>
        err instanceof SavedSettingsError && /cannot be verified: the run recorded no digest of them/.test(err.message),
    );
    await assert.rejects(loadVerifiedCliRunOptions(tempDir(), 'run-1', 'f'.repeat(64)), /were changed after the run/);
    assert.equal(await loadVerifiedCliRunOptions(tempDir(), 'run-2', undefined), undefined);
  });
});
