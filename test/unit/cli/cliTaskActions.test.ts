import assert from 'node:assert/strict';
import { access, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { cliEnv, git, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { runKillable } from '../../support/killableCli';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { scriptedTeam, taskOfRequest } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const GOAL = 'Write three files';
const TASKS = [
  { id: 'first', title: 'Write first.txt', requiredCapabilities: ['code'], writes: ['first.txt'] },
  {
    id: 'second',
    title: 'Write second.txt',
    requiredCapabilities: ['code'],
    writes: ['second.txt'],
    dependencies: ['first'],
  },
  { id: 'third', title: 'Write third.txt', requiredCapabilities: ['code'], writes: ['third.txt'] },
];

describe('CLI: a skip recorded on resume survives a crash (real child processes, SIGKILL)', function () {
  this.timeout(90_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  beforeEach(async () => {
    server = await startServer({ respond: scriptedTeam(GOAL, TASKS) });
    const { root, ws } = sandbox();
    const env = cliEnv(root);
    await git(ws, env, 'init', '-q', '-b', 'main');
    await git(ws, env, 'commit', '-q', '--allow-empty', '-m', 'initial');
  });

  it('resume --skip is recorded before any task starts; killed there, a plain resume keeps it skipped and runs its dependent', async () => {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const planFile = join(root, 'plan.json');
    await writeFile(planFile, JSON.stringify({ goal: GOAL, tasks: TASKS }));
    const common = ['--json', '--approve', 'auto', '--state-dir', state];
    const paused = await runCli(
      [
        'run',
        '--plan',
        planFile,
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
    assert.equal(server.requests.length, 0, 'the budget refused every request before it was sent');

    const refused = await runCli(['resume', runId, ...common, '--skip', 'nope'], env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /has no task "nope"; its tasks are: first, second, third/);

    // run.resumed, task.action, then run.phase: the kill lands once the phase is printed.
    const killed = await runKillable(
      ['resume', runId, ...common, '--skip', 'first', '--budget-tokens', '200000'],
      env,
      {
        aim: 'random',
        afterEvents: 2,
        delayMs: 0,
        startType: 'run.resumed',
        writeDir: ws,
        runsDir: join(state, 'runs'),
      },
    );
    assert.equal(killed.killed, true, killed.result.stderr);
    const log = join(state, 'runs', runId, 'events.jsonl');
    const before = (await readEventLog(log)).events;
    assert.equal(before.filter((e) => e.type === 'task.action').length, 1, 'the skip was durable before the kill');

    const resumed = await runCli(['resume', runId, ...common], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(jsonLines(resumed.stdout).at(-1)?.status, 'succeeded');
    assert.equal(await readFile(join(ws, 'second.txt'), 'utf8'), 'written by second\n');
    assert.equal(await readFile(join(ws, 'third.txt'), 'utf8'), 'written by third\n');
    await assert.rejects(access(join(ws, 'first.txt')), 'the skipped task never ran');
    assert.equal(server.requests.filter((r) => taskOfRequest(r) === 'first').length, 0);
    const { events } = await readEventLog(log);
    assert.equal(events.filter((e) => e.type === 'task.action').length, 1, 'recorded once, honoured on resume');
    assert.equal(
      events.filter((e) => e.type === 'task.started' && e.taskId === 'first').length,
      1,
      'only the paused attempt',
    );
  });

  it('resume --retry --note on a paused run, killed once recorded: a plain resume runs the task with the note in its brief', async () => {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const planFile = join(root, 'plan.json');
    await writeFile(planFile, JSON.stringify({ goal: GOAL, tasks: TASKS }));
    const common = ['--json', '--approve', 'auto', '--state-dir', state];
    const tiny = ['--budget-tokens', '500'];
    const first = await runCli(
      ['run', '--plan', planFile, ...common, ...tiny, '--workspace', ws, '--base-url', server.openAiBaseUrl],
      env,
    );
    assert.equal(first.code, 3, first.stderr);
    const runId = jsonLines(first.stdout)[0]!.runId as string;
    // Skipped, and still paused at the same budget: a skipped task can be retried while the run is not over.
    const skipped = await runCli(['resume', runId, ...common, ...tiny, '--skip', 'first'], env);
    assert.equal(skipped.code, 3, skipped.stderr);
    const note = 'Mind the v2 API; v1 is gone.';
    const killed = await runKillable(
      ['resume', runId, ...common, '--retry', 'first', '--note', note, '--budget-tokens', '200000'],
      env,
      {
        aim: 'random',
        afterEvents: 2,
        delayMs: 0,
        startType: 'run.resumed',
        writeDir: ws,
        runsDir: join(state, 'runs'),
      },
    );
    assert.equal(killed.killed, true, killed.result.stderr);
    const resumed = await runCli(['resume', runId, ...common], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(jsonLines(resumed.stdout).at(-1)?.status, 'succeeded');
    assert.equal(await readFile(join(ws, 'first.txt'), 'utf8'), 'written by first\n');
    const firstRequests = server.requests.filter((r) => taskOfRequest(r) === 'first');
    assert.ok(firstRequests.length > 0, 'the retried task ran');
    for (const r of firstRequests)
      assert.ok(JSON.stringify(r.body).includes(note), 'every request of the retry carries the note');
    const { events } = await readEventLog(join(state, 'runs', runId, 'events.jsonl'));
    assert.deepEqual(
      events.filter((e) => e.type === 'task.action').map((e) => (e as { action: string }).action),
      ['skip', 'retry'],
    );
  });
});
