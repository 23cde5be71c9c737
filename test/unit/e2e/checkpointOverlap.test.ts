import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliEnv, collect, git, jsonLines, runCli, spawnCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { useFakeModelServer } from '../../support/useFakeModelServer';
import { scriptedTeam, taskOfRequest, type ScriptedTask } from '../../support/scriptedTeam';

type Event = Record<string, unknown> & { type: string; taskId?: string; key?: string };

const GOAL = 'Write a, b and c';
/** a and b at once, then c after a. */
const TASKS: ScriptedTask[] = [
  { id: 'a', title: 'Write a' },
  { id: 'b', title: 'Write b' },
  { id: 'c', title: 'Write c', dependencies: ['a'] },
];

/** Polls `check` every 20 ms until it holds; false after `maxMs` (only so a broken run cannot hang the test). */
async function until(check: () => Promise<boolean>, maxMs = 15_000): Promise<boolean> {
  for (let waited = 0; waited < maxMs; waited += 20) {
    if (await check()) return true;
    await sleep(20);
  }
  return false;
}

/** The events the run has made durable so far (every run folder under the state folder). */
async function durableEvents(stateDir: string): Promise<Event[]> {
  const runs = await readdir(join(stateDir, 'runs')).catch(() => [] as string[]);
  const events: Event[] = [];
  for (const run of runs) {
    const log = await readFile(join(stateDir, 'runs', run, 'events.jsonl'), 'utf8').catch(() => '');
    for (const line of log.split('\n')) if (line.trim() !== '') events.push(JSON.parse(line) as Event);
  }
  return events;
}

describe('checklist 18: the pre-edit checkpoint runs during the first model turn and is durable before the first edit', function () {
  this.timeout(120_000);
  useCliBundle();
  const sandbox = useSandbox();
  const fakeServer = useFakeModelServer();

  it("each task's first answer is held until its checkpoint is in the log; every edit is applied once, after it", async () => {
    const box = sandbox();
    const team = scriptedTeam(GOAL, TASKS);
    /** Per task: whether its checkpoint was durable while its first request still waited for the model. */
    const tookWhileWaiting = new Map<string, boolean>();
    const server = await fakeServer({
      respond: async (request) => {
        const reply = team(request);
        const taskId = taskOfRequest(request);
        if (taskId === undefined || tookWhileWaiting.has(taskId)) return reply;
        tookWhileWaiting.set(taskId, false);
        // Had the checkpoint waited for the first edit (which needs this answer), it would never show.
        const taken = await until(async () =>
          (await durableEvents(box.state)).some((e) => e.type === 'checkpoint.taken' && e.taskId === taskId),
        );
        tookWhileWaiting.set(taskId, taken);
        return reply;
      },
    });
    const env = cliEnv(box.root, { OPENAI_API_KEY: server.apiKey });
    await git(box.ws, env, 'init', '-q', '-b', 'main');
    await git(box.ws, env, 'add', '-A');
    await git(box.ws, env, 'commit', '-q', '-m', 'initial');
    const r = await runCli(
      [
        'run',
        GOAL,
        '--json',
        '--approve',
        'auto',
        '--concurrency',
        '2',
        '--workspace',
        box.ws,
        '--state-dir',
        box.state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLines(r.stdout).at(-1)?.status, 'succeeded');
    assert.deepEqual(
      [...tookWhileWaiting].sort(),
      [
        ['a', true],
        ['b', true],
        ['c', true],
      ],
      'every checkpoint was taken while its task waited for its first answer',
    );

    const log = await durableEvents(box.state);
    for (const { id } of TASKS) {
      const index = (match: (e: Event) => boolean): number => log.findIndex((e) => e.taskId === id && match(e));
      const checkpointDone = index((e) => e.type === 'task.step.completed' && e.key === 'checkpoint');
      const firstApply = index((e) => e.type === 'task.step.started' && String(e.key).startsWith('apply:'));
      const applied = log.filter((e) => e.taskId === id && e.type === 'edit.applied');
      assert.ok(checkpointDone >= 0 && firstApply > checkpointDone, `${id}: the checkpoint step completed first`);
      assert.ok(index((e) => e.type === 'checkpoint.taken') < firstApply, `${id}: checkpoint.taken precedes the edit`);
      assert.equal(applied.length, 1, `${id}: its edit was applied exactly once`);
      assert.equal(
        log.filter((e) => e.taskId === id && e.type === 'task.step.started' && e.key === 'checkpoint').length,
        1,
        `${id}: one checkpoint step`,
      );
    }
    const refs = await git(box.ws, env, 'for-each-ref', '--format=%(refname)', 'refs/agent-orchestrator/checkpoints/');
    assert.equal(refs.trim().split('\n').length, 3, 'one checkpoint ref per task');
  });

  it('killed while tasks wait for their first answer, checkpoints durable: resume takes none again and edits once', async () => {
    const box = sandbox();
    const team = scriptedTeam(GOAL, TASKS);
    let answer = false;
    const server = await fakeServer({
      respond: async (request) => {
        // Until the kill, tasks' requests wait: the run dies with a and b between checkpoint and edit.
        if (taskOfRequest(request) !== undefined) await until(async () => answer, 60_000);
        return team(request);
      },
    });
    const env = cliEnv(box.root, { OPENAI_API_KEY: server.apiKey });
    await git(box.ws, env, 'init', '-q', '-b', 'main');
    await git(box.ws, env, 'add', '-A');
    await git(box.ws, env, 'commit', '-q', '-m', 'initial');
    const args = ['--json', '--approve', 'auto', '--workspace', box.ws, '--state-dir', box.state];
    const child = spawnCli(['run', GOAL, ...args, '--concurrency', '2', '--base-url', server.openAiBaseUrl], env);
    child.stdin?.end();
    const output = collect(child);
    const bothTaken = await until(async () => {
      const taken = (await durableEvents(box.state)).filter(
        (e) => e.type === 'task.step.completed' && e.key === 'checkpoint',
      );
      return taken.length === 2;
    }, 60_000);
    child.kill('SIGKILL');
    const first = await output;
    answer = true;
    assert.ok(bothTaken, `a's and b's checkpoints were durable before the kill: ${first.stderr}`);
    const before = await durableEvents(box.state);
    assert.deepEqual(
      before.filter((e) => e.type === 'edit.applied'),
      [],
      'no edit was made before the kill',
    );
    const runId = String(before[0]?.runId);

    const resumed = await runCli(['resume', runId, ...args], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(jsonLines(resumed.stdout).at(-1)?.status, 'succeeded');
    const log = await durableEvents(box.state);
    for (const { id } of TASKS) {
      const ofTask = (type: string, key?: string): Event[] =>
        log.filter((e) => e.taskId === id && e.type === type && (key === undefined || e.key === key));
      assert.equal(ofTask('task.step.started', 'checkpoint').length, 1, `${id}: its checkpoint step ran once`);
      assert.equal(ofTask('checkpoint.taken').length, 1, `${id}: one checkpoint`);
      assert.equal(ofTask('edit.applied').length, 1, `${id}: its edit was applied once`);
      assert.equal(await readFile(join(box.ws, `${id}.txt`), 'utf8'), `written by ${id}\n`);
    }
    const refs = await git(box.ws, env, 'for-each-ref', '--format=%(refname)', 'refs/agent-orchestrator/checkpoints/');
    assert.equal(refs.trim().split('\n').length, 3, 'one checkpoint ref per task, none taken again on resume');
  });
});
