import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliEnv, git, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { startFakeModelServer, type FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { scriptedTeam, taskOfRequest, type ScriptedTask } from '../../support/scriptedTeam';

type Event = Record<string, unknown> & { type: string; taskId?: string; key?: string };

const GOAL = 'Write a, b and c';
/** a and b at once, then c after a. */
const TASKS: ScriptedTask[] = [
  { id: 'a', title: 'Write a' },
  { id: 'b', title: 'Write b' },
  { id: 'c', title: 'Write c', dependencies: ['a'] },
];

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
  let server: FakeModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("each task's first answer is held until its checkpoint is in the log; every edit is applied once, after it", async () => {
    const box = sandbox();
    const team = scriptedTeam(GOAL, TASKS);
    /** Per task: whether its checkpoint was durable while its first request still waited for the model. */
    const tookWhileWaiting = new Map<string, boolean>();
    server = await startFakeModelServer({
      respond: async (request) => {
        const reply = team(request);
        const taskId = taskOfRequest(request);
        if (taskId === undefined || tookWhileWaiting.has(taskId)) return reply;
        tookWhileWaiting.set(taskId, false);
        // Had the checkpoint waited for the first edit (which needs this answer), it would never show: stop after 15 s.
        for (let waited = 0; waited < 15_000; waited += 20) {
          const events = await durableEvents(box.state);
          if (events.some((e) => e.type === 'checkpoint.taken' && e.taskId === taskId)) {
            tookWhileWaiting.set(taskId, true);
            break;
          }
          await sleep(20);
        }
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
});
