import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { isPlannerRequest, scriptedTeam } from '../../support/scriptedTeam';
import { cliEnv, git, jsonLines, runCli, useSandbox, useCliBundle } from '../../support/cliProcess';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const GOAL = 'Write two greetings';
const TASKS = [
  { id: 'hello', title: 'Write hello.txt', requiredCapabilities: ['code'], writes: ['hello.txt'] },
  { id: 'bye', title: 'Write bye.txt', requiredCapabilities: ['code'], writes: ['bye.txt'], dependencies: ['hello'] },
];

describe('CLI: plan --out, then run --plan (a plan a person can review)', function () {
  this.timeout(60_000);
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

  function common(): { env: NodeJS.ProcessEnv; args: string[]; ws: string; root: string } {
    const { root, state, ws } = sandbox();
    return {
      root,
      ws,
      env: cliEnv(root, { OPENAI_API_KEY: server.apiKey }),
      args: ['--workspace', ws, '--state-dir', state, '--base-url', server.openAiBaseUrl],
    };
  }

  it('plan --out writes the validated plan; run --plan runs it without a planner call, like run alone', async () => {
    const { env, args, ws, root } = common();
    const planned = await runCli(['plan', GOAL, '--out', join(root, 'plan.json'), ...args], env);
    assert.equal(planned.code, 0, planned.stderr);
    const file = JSON.parse(await readFile(join(root, 'plan.json'), 'utf8')) as {
      fromRun: string;
      goal: string;
      tasks: Array<{ id: string; dependencies: string[] }>;
    };
    assert.equal(file.goal, GOAL);
    assert.deepEqual(
      file.tasks.map((t) => [t.id, t.dependencies]),
      [
        ['hello', []],
        ['bye', ['hello']],
      ],
    );
    assert.match(file.fromRun, /^run-/);
    assert.match(planned.stderr, /run it with: agent-orchestrator run --plan/);
    const plannerCalls = server.requests.filter(isPlannerRequest).length;
    assert.equal(plannerCalls, 1);

    const ran = await runCli(['run', '--plan', join(root, 'plan.json'), '--json', '--approve', 'auto', ...args], env);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(server.requests.filter(isPlannerRequest).length, plannerCalls, 'no second planner call');
    const events = jsonLines(ran.stdout);
    const ready = events.find((e) => e.type === 'plan.ready') as { origin?: unknown } | undefined;
    assert.deepEqual(ready?.origin, { source: 'file', fromRun: file.fromRun, edited: false });
    assert.equal(events.at(-1)?.status, 'succeeded');
    assert.equal(await readFile(join(ws, 'hello.txt'), 'utf8'), 'written by hello\n');
    assert.equal(await readFile(join(ws, 'bye.txt'), 'utf8'), 'written by bye\n');
    const order = events
      .filter((e) => e.type === 'task.succeeded')
      .map((e) => e.taskId)
      .join(',');
    assert.equal(order, 'hello,bye', 'the dependency held, as in run alone');
  });

  it('a hand-edited plan records that it was edited; one naming an unknown agent is refused with exit 2', async () => {
    const { env, args, root } = common();
    const planned = await runCli(['plan', GOAL, ...args], env);
    assert.equal(planned.code, 0, planned.stderr);
    const plan = JSON.parse(planned.stdout) as { tasks: Array<{ title: string; agent?: string }> };
    assert.match(planned.stderr, /^Run run-/m, 'the run id goes to stderr when the plan is printed');

    plan.tasks[0]!.title = 'Write hello.txt, politely';
    await writeFile(join(root, 'edited.json'), JSON.stringify(plan));
    const ran = await runCli(['run', '--plan', join(root, 'edited.json'), '--json', '--approve', 'auto', ...args], env);
    assert.equal(ran.code, 0, ran.stderr);
    const ready = jsonLines(ran.stdout).find((e) => e.type === 'plan.ready') as { origin?: { edited?: boolean } };
    assert.equal(ready.origin?.edited, true);

    plan.tasks[0]!.agent = 'nobody';
    await writeFile(join(root, 'bad.json'), JSON.stringify(plan));
    const before = server.requests.length;
    const refused = await runCli(['run', '--plan', join(root, 'bad.json'), ...args], env);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /cannot run; fix it and run it again:\n {2}- tasks\[0\]\.agent: .*"nobody".*Allowed values: coder, planner, researcher, reviewer, tester/,
    );
    assert.equal(server.requests.length, before, 'nothing was sent to a model');
  });

  it('refuses a missing or malformed plan file, and --plan with --dry-run', async () => {
    const { env, args, root } = common();
    const missing = await runCli(['run', '--plan', join(root, 'nope.json'), ...args], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /The plan .*nope\.json cannot be read/);
    await writeFile(join(root, 'broken.json'), '{ "tasks": [');
    const broken = await runCli(['run', '--plan', join(root, 'broken.json'), ...args], env);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /is not valid JSON/);
    const both = await runCli(['run', 'g', '--plan', join(root, 'broken.json'), '--dry-run', ...args], env);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--plan runs a plan that exists already/);
  });
});
