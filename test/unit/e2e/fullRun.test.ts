import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEnv, git, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { type FakeModelServer, type RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { scriptedTeam, taskOfRequest } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const TASKS = [
  { id: 'api', title: 'Write the API file' },
  { id: 'docs', title: 'Write the docs file' },
  { id: 'summary', title: 'Summarise both', dependencies: ['api', 'docs'] },
];

/** The first model request of a task: the turn in which it proposes its edit. */
function firstTurn(requests: readonly RecordedRequest[], taskId: string): RecordedRequest {
  const r = requests.find((x) => taskOfRequest(x) === taskId);
  assert.ok(r, `no request for ${taskId}`);
  return r;
}

describe('end to end: a goal becomes a plan, agents edit a git workspace in parallel, verification gates, the run succeeds', function () {
  this.timeout(90_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  const startServer = useFakeModelServer();

  async function gitWorkspace(): Promise<{ root: string; state: string; ws: string }> {
    const box = sandbox();
    const env = cliEnv(box.root);
    await writeFile(
      join(box.ws, 'check.js'),
      "const fs = require('fs');\nprocess.exit(fs.readdirSync('.').some((f) => f.endsWith('.txt')) ? 0 : 1);\n",
    );
    await git(box.ws, env, 'init', '-q', '-b', 'main');
    await git(box.ws, env, 'add', '-A');
    await git(box.ws, env, 'commit', '-q', '-m', 'initial');
    return box;
  }

  for (const provider of ['openai', 'anthropic'] as const) {
    it(`through ${provider}: parallel branches overlap at the server, the dependent task waits, exit 0`, async () => {
      server = await startServer({ respond: scriptedTeam('Write the files', TASKS, 300) });
      const { root, state, ws } = await gitWorkspace();
      const env = cliEnv(
        root,
        provider === 'openai' ? { OPENAI_API_KEY: server.apiKey } : { ANTHROPIC_API_KEY: server.apiKey },
      );
      const baseUrl = provider === 'openai' ? server.openAiBaseUrl : server.baseUrl;
      const r = await runCli(
        [
          'run',
          'Write the files',
          '--provider',
          provider,
          '--json',
          '--approve',
          'auto',
          '--verify',
          'node check.js',
          '--workspace',
          ws,
          '--state-dir',
          state,
          '--base-url',
          baseUrl,
        ],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      for (const id of ['api', 'docs', 'summary'])
        assert.equal(await readFile(join(ws, `${id}.txt`), 'utf8'), `written by ${id}\n`);
      const events = jsonLines(r.stdout);
      assert.equal(events.at(-1)?.type, 'run.completed');
      assert.equal(events.at(-1)?.status, 'succeeded');
      const verifications = events.filter((e) => e.type === 'verification.completed');
      const isBaseline = (e: Record<string, unknown>): boolean => String(e.key ?? '').startsWith('baseline:');
      assert.deepEqual(
        verifications.filter(isBaseline).map((e) => e.verdict),
        ['fail'],
        'before the first task there is no .txt file, so the baseline fails',
      );
      assert.ok(verifications.filter((e) => !isBaseline(e)).every((e) => e.verdict === 'pass'));
      assert.ok(
        verifications.some((e) => !isBaseline(e)),
        'verification ran',
      );

      const api = firstTurn(server.requests, 'api');
      const docs = firstTurn(server.requests, 'docs');
      const overlap = Math.min(api.finishedAt!, docs.finishedAt!) - Math.max(api.receivedAt, docs.receivedAt);
      assert.ok(overlap > 100, `the independent tasks' requests overlapped at the server by ${overlap} ms`);
      const summary = firstTurn(server.requests, 'summary');
      const lastDependency = Math.max(
        ...server.requests
          .filter((x) => ['api', 'docs'].includes(taskOfRequest(x) ?? ''))
          .map((x) => x.finishedAt ?? Infinity),
      );
      assert.ok(summary.receivedAt >= lastDependency, 'the dependent task started after both dependencies finished');
    });
  }

  it('with 20% of requests failing (429 with retry-after, 500, 529, resets, broken streams) the run still succeeds', async () => {
    const tasks = ['a', 'b', 'c', 'd'].map((id) => ({ id, title: `Write ${id}` }));
    server = await startServer({
      respond: scriptedTeam('Write four files', tasks),
      randomFaults: { rate: 0.2, seed: 3 },
    });
    const { root, state, ws } = await gitWorkspace();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const r = await runCli(
      [
        'run',
        'Write four files',
        '--json',
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
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      server.injectedFaultCount >= 2,
      `faults were injected (${server.injectedFaultCount} of ${server.requests.length} requests)`,
    );
    for (const t of tasks) assert.equal(await readFile(join(ws, `${t.id}.txt`), 'utf8'), `written by ${t.id}\n`);
    const failed = jsonLines(r.stdout).filter((e) => e.type === 'task.attempt.failed');
    assert.ok(
      failed.every((e) => e.failureClass === 'retryable'),
      'every injected fault was classed retryable',
    );
  });
});
