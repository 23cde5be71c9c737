import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEnv, git, jsonLines, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import { type FakeModelServer, type RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { fillSchema, requestedSchema } from '../../support/fakeModelServer/schemaFiller';
import { jsonReply, toolCallReply, type FakeReply } from '../../support/fakeModelServer/fakeReply';
import { isPlannerRequest, scriptedTeam, taskOfRequest, type ScriptedTask } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

type Event = Record<string, unknown> & { type: string };

/**
 * The project's check, like a test suite before a feature is finished: it passes only when six
 * different files each say who wrote them. It does not know the task ids, so it works for any plan.
 */
const PROJECT_CHECK = `
const fs = require('fs');
const done = fs.readdirSync('.').filter((f) => f.endsWith('.txt') && /^written by /.test(fs.readFileSync(f, 'utf8')));
console.log(done.length + ' of 6 parts written: ' + done.join(', '));
process.exit(done.length >= 6 ? 0 : 1);
`;

/** Agents that do what their brief names: write `<task>.txt`, then finish once they see the tool result. */
function briefReadingAgent(request: RecordedRequest, delayMs: number): FakeReply {
  const taskId = taskOfRequest(request) ?? 'unknown';
  const messages = (request.body as { messages?: Array<{ role: string }> }).messages ?? [];
  if (messages.at(-1)?.role === 'tool') return toolCallReply('finish_task', { summary: `wrote ${taskId}.txt` });
  return toolCallReply('propose_edit', { path: `${taskId}.txt`, content: `written by ${taskId}\n` }, { delayMs });
}

/**
 * A planner that never reads the prompt: it answers with whatever the request's schema allows —
 * enums take their first value, free values the least they may be — with six tasks.
 */
function schemaFillingPlanner(request: RecordedRequest): FakeReply {
  const found = requestedSchema(request.body);
  assert.ok(found, 'the planner request carries a schema');
  const plan = fillSchema(found.schema, { items: (ctx) => (ctx.path.join('.') === 'tasks' ? 6 : 1) });
  return found.kind === 'tool' ? toolCallReply(found.name, plan) : jsonReply(plan);
}

describe('end to end (issue 9): a six-part goal with a whole-project check runs to success', function () {
  this.timeout(120_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer | undefined;
  const startServer = useFakeModelServer();

  async function runGoal(respond: (request: RecordedRequest) => FakeReply): Promise<{
    code: number | null;
    stderr: string;
    events: Event[];
    wallMs: number;
    ws: string;
  }> {
    server = await startServer({ respond });
    const box = sandbox();
    await writeFile(join(box.ws, 'check.js'), PROJECT_CHECK);
    const env = cliEnv(box.root, { OPENAI_API_KEY: server.apiKey });
    await git(box.ws, env, 'init', '-q', '-b', 'main');
    await git(box.ws, env, 'add', '-A');
    await git(box.ws, env, 'commit', '-q', '-m', 'initial');
    const started = Date.now();
    const r = await runCli(
      [
        'run',
        'Write the six parts of the project',
        '--json',
        '--approve',
        'auto',
        '--concurrency',
        '3',
        '--verify',
        'node check.js',
        '--workspace',
        box.ws,
        '--state-dir',
        box.state,
        '--base-url',
        server.openAiBaseUrl,
      ],
      env,
    );
    return {
      code: r.code,
      stderr: r.stderr,
      events: jsonLines(r.stdout) as Event[],
      wallMs: Date.now() - started,
      ws: box.ws,
    };
  }

  /** Every claim of the first "done when" line, for any plan of six tasks. */
  function assertSixPartSuccess(
    r: { code: number | null; stderr: string; events: Event[] },
    firstWave: readonly string[],
  ): void {
    assert.equal(r.code, 0, r.stderr);
    const ready = r.events.find((e) => e.type === 'plan.ready') as { plan: { tasks: unknown[] } } | undefined;
    assert.equal(ready?.plan.tasks.length, 6, 'the first plan the model gave was valid: six tasks');
    assert.equal(r.events.filter((e) => e.type === 'plan.rejected').length, 0);
    const baseline = r.events.find((e) => e.type === 'verification.baseline') as unknown as {
      checks: Array<{ passed: boolean }>;
    };
    assert.equal(baseline.checks[0]?.passed, false, 'the check fails before the run starts');
    const completed = r.events.at(-1) as { type: string; status: string; counts: Record<string, number> };
    assert.deepEqual([completed.type, completed.status, completed.counts.succeeded], ['run.completed', 'succeeded', 6]);
    assert.equal(r.events.filter((e) => e.type === 'task.attempt.failed').length, 0, 'no task failed its gate');
    const gates = r.events.filter((e) => e.type === 'verification.completed' && e.taskId !== undefined);
    assert.ok(gates.length >= 6 && gates.every((g) => g.verdict === 'pass'), JSON.stringify(gates));
    assert.deepEqual(
      r.events.filter((e) => e.type === 'run.gate').map((e) => e.passed),
      [true],
      'the whole-project check passed at the end',
    );
    // The first three independent tasks ran at once: each one's first request reached the model
    // before any of the three had finished its work.
    const requests = server!.requests.filter((q) => !isPlannerRequest(q));
    const firstOf = (id: string): RecordedRequest | undefined => requests.find((q) => taskOfRequest(q) === id);
    const starts = firstWave.map((id) => firstOf(id)?.receivedAt ?? Number.POSITIVE_INFINITY);
    const firstDone = Math.min(
      ...firstWave.map((id) => {
        const last = requests.filter((q) => taskOfRequest(q) === id).at(-1);
        return last?.finishedAt ?? Number.POSITIVE_INFINITY;
      }),
    );
    assert.ok(
      Math.max(...starts) < firstDone,
      `the first three tasks overlapped (last start ${Math.max(...starts)}, first finish ${firstDone})`,
    );
  }

  it('with a model that reads the prompt: a, b, c at once, then d, e, f after their dependencies', async () => {
    const tasks: ScriptedTask[] = [
      { id: 'a', title: 'Write part a' },
      { id: 'b', title: 'Write part b' },
      { id: 'c', title: 'Write part c' },
      { id: 'd', title: 'Write part d', dependencies: ['a'] },
      { id: 'e', title: 'Write part e', dependencies: ['b'] },
      { id: 'f', title: 'Write part f', dependencies: ['c'] },
    ];
    const r = await runGoal(scriptedTeam('Write the six parts of the project', tasks, 200));
    assertSixPartSuccess(r, ['a', 'b', 'c']);
    const started = (id: string): number => r.events.findIndex((e) => e.type === 'task.started' && e.taskId === id);
    const succeeded = (id: string): number => r.events.findIndex((e) => e.type === 'task.succeeded' && e.taskId === id);
    for (const [dependent, dependency] of [
      ['d', 'a'],
      ['e', 'b'],
      ['f', 'c'],
    ] as const) {
      assert.ok(started(dependent) > succeeded(dependency), `${dependent} waited for ${dependency}`);
    }
    console.log(`      prompt-reading model: ${r.wallMs} ms wall`);
  });

  it('with a model that only fills the schema it is given and never reads the prompt', async () => {
    const r = await runGoal((request) =>
      isPlannerRequest(request) ? schemaFillingPlanner(request) : briefReadingAgent(request, 200),
    );
    const ready = r.events.find((e) => e.type === 'plan.ready') as unknown as {
      plan: { tasks: Array<{ id: string }> };
    };
    const ids = ready.plan.tasks.map((t) => t.id);
    assertSixPartSuccess(r, ids.slice(0, 3));
    console.log(`      schema-filling model: ${r.wallMs} ms wall (tasks ${ids.join(', ')})`);
  });
});
