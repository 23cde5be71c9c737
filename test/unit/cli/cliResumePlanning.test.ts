import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { cliEnv, git, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { isPlannerRequest, scriptedTeam } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

describe('CLI: a run paused by its budget while planning resumes and plans (real child processes)', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    server = await startServer({
      respond: scriptedTeam('Write one file', [{ id: 'one', title: 'Write one' }]),
    });
    const { root, ws } = sandbox();
    const env = cliEnv(root);
    await git(ws, env, 'init', '-q', '-b', 'main');
    await git(ws, env, 'add', '-A');
    await git(ws, env, 'commit', '-q', '-m', 'initial');
  });

  it('the planner request that would cross the budget is never sent; resume --budget-tokens plans and runs', async () => {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const common = ['--json', '--approve', 'auto', '--state-dir', state];
    // The planner's worst case (its prompt plus its maximum output) is thousands of tokens.
    const paused = await runCli(
      [
        'run',
        'Write one file',
        ...common,
        '--budget-tokens',
        '500',
        '--workspace',
        ws,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    assert.equal(paused.code, 3, paused.stderr);
    const runId = jsonLines(paused.stdout)[0]!.runId as string;
    assert.equal(server.requests.length, 0, 'the planner request would cross the budget, so it was not sent');
    assert.match(paused.stderr, /token budget of 500 tokens would be exceeded/);
    assert.match(paused.stderr, /resume/);

    const resumed = await runCli(['resume', runId, ...common, '--budget-tokens', '200000'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = jsonLines(resumed.stdout);
    assert.equal(after.at(-1)?.status, 'succeeded');
    assert.equal(server.requests.filter(isPlannerRequest).length, 1, 'the planner was asked once, after the resume');
    assert.equal(await readFile(join(ws, 'one.txt'), 'utf8'), 'written by one\n');
    const { events } = await readEventLog(join(state, 'runs', runId, 'events.jsonl'));
    assert.deepEqual(
      events.filter((e) => e.type === 'run.completed').map((e) => (e as { status: string }).status),
      ['paused', 'succeeded'],
    );
    assert.equal(events.filter((e) => e.type === 'plan.ready').length, 1);
  });

  it('resume without a larger budget pauses again before sending, with the same advice', async () => {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const common = ['--json', '--approve', 'auto', '--state-dir', state];
    const paused = await runCli(
      [
        'run',
        'Write one file',
        ...common,
        '--budget-tokens',
        '500',
        '--workspace',
        ws,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    assert.equal(paused.code, 3, paused.stderr);
    const runId = jsonLines(paused.stdout)[0]!.runId as string;
    const again = await runCli(['resume', runId, ...common], env);
    assert.equal(again.code, 3, again.stderr);
    assert.match(again.stderr, /Raise the token budget and resume/);
    assert.equal(server.requests.length, 0);
  });
});
