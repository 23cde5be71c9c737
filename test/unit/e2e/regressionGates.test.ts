import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEnv, git, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { type FakeModelServer, type RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { isPlannerRequest, scriptedTeam, taskOfRequest, type ScriptedTask } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

type Event = Record<string, unknown> & { type: string };

/** A whole-project check: a line per file and a count, exit 1 until all six files say what they should. */
const PROJECT_CHECK = `
const fs = require('fs');
const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
let present = 0;
for (const id of ids) {
  const file = id + '.txt';
  const ok = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === 'written by ' + id + '\\n';
  if (ok) present++;
  console.log((ok ? '✓ ' : '✗ ') + file + (ok ? '' : ' is missing'));
}
console.log(present + ' of ' + ids.length + ' files present');
process.exit(present === ids.length ? 0 : 1);
`;

/** Passes until a.txt says "bad"; says nothing about which file is wrong. */
const TOTALS_CHECK = `
const fs = require('fs');
const a = fs.existsSync('a.txt') ? fs.readFileSync('a.txt', 'utf8') : '';
if (a.includes('bad')) { console.log('the totals do not add up'); process.exit(1); }
console.log('totals ok');
`;

/** A node:test suite: `adds` passes while src/math.mjs adds; `legacy behaviour` fails before any run. */
const SUITE = {
  'src/math.mjs': 'export const add = (a, b) => a + b;\n',
  'test/math.test.mjs':
    "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.mjs';\ntest('adds', () => assert.equal(add(1, 2), 3));\n",
  'test/legacy.test.mjs':
    "import test from 'node:test';\nimport assert from 'node:assert/strict';\ntest('legacy behaviour', () => assert.equal('old', 'new'));\n",
};

interface WireMessage {
  role: string;
  content?: unknown;
}

/**
 * Agents that write the given file for their task (a different comment each round, so a retry is
 * not a repeated call) and finish once they see a tool result.
 */
function scriptedEditors(
  goal: string,
  tasks: readonly ScriptedTask[],
  edits: Record<string, { path: string; content: string } | { finishAfterMs: number }>,
  seen: (taskId: string, request: RecordedRequest) => void = () => undefined,
): (request: RecordedRequest) => FakeReply {
  const plan = { goal, tasks: tasks.map((t) => ({ requiredCapabilities: ['code'], ...t })) };
  return (request) => {
    if (isPlannerRequest(request)) return jsonReply(plan);
    const taskId = taskOfRequest(request) ?? 'unknown';
    seen(taskId, request);
    const messages = (request.body as { messages?: WireMessage[] }).messages ?? [];
    const edit = edits[taskId] ?? { path: `${taskId}.txt`, content: `written by ${taskId}\n` };
    if ('finishAfterMs' in edit)
      return toolCallReply('finish_task', { summary: `looked at ${taskId}` }, { delayMs: edit.finishAfterMs });
    if (messages.at(-1)?.role === 'tool') return toolCallReply('finish_task', { summary: `edited for ${taskId}` });
    const round = messages.filter((m) => m.role === 'user').length;
    return toolCallReply('propose_edit', { path: edit.path, content: `${edit.content}// round ${round}\n` });
  };
}

describe('end to end: gates judge a task by what it broke', function () {
  this.timeout(120_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  const startServer = useFakeModelServer();

  async function workspace(files: Record<string, string>): Promise<{ root: string; state: string; ws: string }> {
    const box = sandbox();
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(box.ws, path, '..'), { recursive: true });
      await writeFile(join(box.ws, path), content);
    }
    const env = cliEnv(box.root);
    await git(box.ws, env, 'init', '-q', '-b', 'main');
    await git(box.ws, env, 'add', '-A');
    await git(box.ws, env, 'commit', '-q', '-m', 'initial');
    return box;
  }

  async function run(
    goal: string,
    verify: string,
    box: { root: string; state: string; ws: string },
    extra: string[] = [],
  ) {
    const env = cliEnv(box.root, { OPENAI_API_KEY: server.apiKey });
    const started = Date.now();
    const r = await runCli(
      [
        'run',
        goal,
        '--provider',
        'openai',
        '--json',
        '--approve',
        'auto',
        '--verify',
        verify,
        '--workspace',
        box.ws,
        '--state-dir',
        box.state,
        '--base-url',
        server.openAiBaseUrl,
        ...extra,
      ],
      env,
    );
    return { ...r, events: jsonLines(r.stdout) as Event[], wallMs: Date.now() - started };
  }

  it('six tasks and a whole-project check that passes only when all six are done: every task passes its gate, the run succeeds', async () => {
    const tasks: ScriptedTask[] = [
      { id: 'a', title: 'Write a', writes: ['a.txt'] },
      { id: 'b', title: 'Write b', writes: ['b.txt'] },
      { id: 'c', title: 'Write c', writes: ['c.txt'] },
      { id: 'd', title: 'Write d', writes: ['d.txt'], dependencies: ['a'] },
      { id: 'e', title: 'Write e', writes: ['e.txt'], dependencies: ['b'] },
      { id: 'f', title: 'Write f', writes: ['f.txt'], dependencies: ['c'] },
    ];
    server = await startServer({ respond: scriptedTeam('Write six files', tasks, 150) });
    const box = await workspace({ 'check.js': PROJECT_CHECK });
    const r = await run('Write six files', 'node check.js', box, ['--concurrency', '3']);
    assert.equal(r.code, 0, r.stderr);
    const completed = r.events.at(-1);
    assert.equal(completed?.type, 'run.completed');
    assert.equal(completed?.status, 'succeeded');
    assert.deepEqual(completed?.counts, { pending: 0, running: 0, succeeded: 6, failed: 0, skipped: 0, cancelled: 0 });
    const baseline = r.events.find((e) => e.type === 'verification.baseline') as unknown as {
      checks: Array<{ passed: boolean }>;
    };
    assert.equal(baseline.checks[0]?.passed, false, 'the check fails before the run');
    const gates = r.events.filter((e) => e.type === 'verification.completed' && e.taskId !== undefined) as Array<
      Event & { verdict: string; baseline?: { deferred: number } }
    >;
    assert.equal(gates.length, 6, 'every task was gated once');
    assert.ok(
      gates.every((g) => g.verdict === 'pass'),
      JSON.stringify(gates),
    );
    assert.ok(
      gates.some((g) => (g.baseline?.deferred ?? 0) > 0),
      'early tasks left the unfinished goal to the end',
    );
    assert.equal(r.events.filter((e) => e.type === 'task.attempt.failed').length, 0);
    const gate = r.events.filter((e) => e.type === 'run.gate');
    assert.deepEqual(
      gate.map((e) => e.passed),
      [true],
    );
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f'])
      assert.equal(await readFile(join(box.ws, `${id}.txt`), 'utf8'), `written by ${id}\n`);
    console.log(`      six-task whole-project check: ${r.wallMs} ms wall`);
  });

  it('a failing test unrelated to the goal, there before the run: the run succeeds and reports it as pre-existing', async () => {
    const tasks: ScriptedTask[] = [
      { id: 'notes', title: 'Write notes', writes: ['notes.txt'] },
      { id: 'more', title: 'Write more notes', writes: ['more.txt'] },
    ];
    server = await startServer({ respond: scriptedTeam('Write notes', tasks) });
    const box = await workspace(SUITE);
    const r = await run('Write notes', 'node --test test/', box);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.events.at(-1)?.status, 'succeeded');
    const reported = r.events
      .filter((e) => e.type === 'finding.reported')
      .map((e) => e.finding as Record<string, unknown>);
    const legacy = reported.filter((f) => f.key === 'test | legacy behaviour');
    assert.ok(legacy.length > 0 && legacy.every((f) => f.preExisting === true), JSON.stringify(reported));
    assert.ok(
      r.events
        .filter((e) => e.type === 'verification.completed' && e.taskId !== undefined)
        .every((e) => e.verdict === 'pass' && (e.baseline as { preExisting: number }).preExisting === 1),
    );
    assert.match(
      r.stderr,
      /1 failure already there before the run \(pre-existing; not counted\):\n {2}\[pre-existing\] legacy behaviour/,
    );
    console.log(`      pre-existing failing test: ${r.wallMs} ms wall`);
  });

  it('a task that breaks a test that used to pass fails its gate, and its findings name the test', async () => {
    const tasks: ScriptedTask[] = [
      { id: 'math', title: 'Rework add', writes: ['src/math.mjs'] },
      { id: 'notes', title: 'Write notes', writes: ['notes.txt'] },
    ];
    server = await startServer({
      respond: scriptedEditors('Rework add', tasks, {
        math: { path: 'src/math.mjs', content: 'export const add = (a, b) => a - b;\n' },
      }),
    });
    const box = await workspace(SUITE);
    const r = await run('Rework add', 'node --test test/', box, ['--repair-attempts', '0']);
    assert.equal(r.code, 1, r.stderr);
    const failed = r.events.find((e) => e.type === 'task.failed' && e.taskId === 'math');
    assert.ok(failed, 'the task that broke the test failed');
    assert.match(String(failed.message), /still fail verification[\s\S]*adds/);
    const own = r.events
      .filter((e) => e.type === 'finding.reported')
      .map((e) => e.finding as Record<string, unknown>)
      .filter((f) => f.taskId === 'math' && f.category === 'test');
    assert.ok(own.length > 0 && own.every((f) => f.key === 'test | adds'), JSON.stringify(own));
    assert.ok(
      !own.some((f) => f.key === 'test | legacy behaviour'),
      'the pre-existing failure is not laid at its door',
    );
    const notes = r.events.find((e) => e.type === 'task.succeeded' && e.taskId === 'notes');
    assert.ok(notes, 'the task that broke nothing passed its gate');
    console.log(`      broken test: ${r.wallMs} ms wall`);
  });

  it('on resume the failed task runs again, its brief names the broken test, and a model that reads it fixes it', async () => {
    const tasks: ScriptedTask[] = [{ id: 'math', title: 'Rework add', writes: ['src/math.mjs'] }];
    const briefs: string[] = [];
    const plan = { goal: 'Rework add', tasks: tasks.map((t) => ({ requiredCapabilities: ['code'], ...t })) };
    server = await startServer({
      respond: (request) => {
        if (isPlannerRequest(request)) return jsonReply(plan);
        const messages = (request.body as { messages?: WireMessage[] }).messages ?? [];
        const brief = String(messages.find((m) => m.role === 'user')?.content ?? '');
        if (messages.length <= 2) briefs.push(brief);
        if (messages.at(-1)?.role === 'tool') return toolCallReply('finish_task', { summary: 'reworked add' });
        // A model that reads every word: once its brief names the broken test, it gets add right.
        const body = /adds/.test(brief) ? 'a + b' : 'a - b';
        const round = messages.filter((m) => m.role === 'user').length;
        return toolCallReply('propose_edit', {
          path: 'src/math.mjs',
          content: `export const add = (a, b) => ${body};\n// round ${round}\n`,
        });
      },
    });
    const box = await workspace(SUITE);
    const first = await run('Rework add', 'node --test test/', box, ['--repair-attempts', '0']);
    assert.equal(first.code, 1, first.stderr);
    const runId = String(first.events[0]?.runId);
    assert.equal(briefs.length, 1);
    assert.doesNotMatch(briefs[0]!, /adds/, 'the first brief knows nothing of the test');

    const started = Date.now();
    const env = cliEnv(box.root, { OPENAI_API_KEY: server.apiKey });
    const resumed = await runCli(['resume', runId, '--json', '--approve', 'auto', '--state-dir', box.state], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const events = jsonLines(resumed.stdout) as Event[];
    assert.ok(events.some((e) => e.type === 'task.reset' && e.taskId === 'math'));
    assert.equal(events.at(-1)?.status, 'succeeded');
    assert.equal(briefs.length, 2, 'one more attempt');
    assert.match(briefs[1]!, /attempt[\s\S]*adds/i, 'the retry brief names the broken test');
    assert.match(await readFile(join(box.ws, 'src/math.mjs'), 'utf8'), /a \+ b/);
    console.log(`      retry brief naming the broken test, resume: ${Date.now() - started} ms wall`);
  });

  it('a run whose end-of-run gate fails gets one repair task with the failing output and the diff, then succeeds', async () => {
    const tasks: ScriptedTask[] = [
      { id: 'totals', title: 'Change the totals', writes: ['a.txt'] },
      { id: 'review', title: 'Review the totals' },
    ];
    const repairBriefs: string[] = [];
    server = await startServer({
      respond: scriptedEditors(
        'Change the totals',
        tasks,
        {
          totals: { path: 'a.txt', content: 'bad\n' },
          // Still working while the first task's gate runs, so its breakage cannot be laid at its door.
          review: { finishAfterMs: 2500 },
          'repair-1': { path: 'a.txt', content: 'good\n' },
        },
        (taskId, request) => {
          const first = (request.body as { messages?: WireMessage[] }).messages?.find((m) => m.role === 'user');
          if (taskId === 'repair-1' && typeof first?.content === 'string') repairBriefs.push(first.content);
        },
      ),
    });
    const box = await workspace({ 'check.js': TOTALS_CHECK });
    const r = await run('Change the totals', 'node check.js', box);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.events.at(-1)?.status, 'succeeded');
    const added = r.events.filter((e) => e.type === 'plan.task.added');
    assert.equal(added.length, 1, 'one repair task');
    assert.equal((added[0]?.task as { agent?: string }).agent, 'coder');
    assert.ok(r.events.some((e) => e.type === 'task.started' && e.taskId === 'repair-1' && e.agentId === 'coder'));
    assert.ok(
      r.events.some((e) => e.type === 'checkpoint.taken' && e.taskId === 'repair-1'),
      'its own checkpoint',
    );
    assert.deepEqual(
      r.events.filter((e) => e.type === 'run.gate').map((e) => e.passed),
      [false, true],
    );
    assert.ok(repairBriefs.length > 0);
    assert.match(repairBriefs[0]!, /the totals do not add up/);
    assert.match(repairBriefs[0]!, /Files the run changed \(1\): a\.txt/);
    assert.match(repairBriefs[0]!, /```diff\n[\s\S]*\+bad[\s\S]*```/);
    assert.match(await readFile(join(box.ws, 'a.txt'), 'utf8'), /^good\n/);
    console.log(`      repair: ${r.wallMs} ms wall`);
  });
});
