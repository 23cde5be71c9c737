import assert from 'node:assert/strict';
import { durableOrchestrator } from '../../support/durableWorkload';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';
import { cliEnv, jsonLines, runCli, useSandbox, useCliBundle } from '../../support/cliProcess';

describe('CLI: list and show (real child processes)', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();

  it('lists nothing in an empty state folder, in both formats', async () => {
    const { root, state } = sandbox();
    const [human, json] = await Promise.all([
      runCli(['list', '--state-dir', state], cliEnv(root)),
      runCli(['list', '--state-dir', state, '--json'], cliEnv(root)),
    ]);
    assert.equal(human.code, 0);
    assert.equal(human.stdout, '');
    assert.match(human.stderr, /No runs yet in .*state/);
    assert.equal(json.code, 0);
    assert.equal(json.stdout, '');
    assert.equal(json.stderr, '');
  });

  it('uses the per-user default folder when --state-dir is not given', async () => {
    const { root } = sandbox();
    const r = await runCli(['list'], cliEnv(root));
    assert.equal(r.code, 0);
    assert.match(r.stderr, /No runs yet in .*default-state/, 'AGENT_ORCHESTRATOR_HOME is the default');
  });

  describe('with runs in the state folder', () => {
    let doneId: string;
    let plannedId: string;

    beforeEach(async () => {
      const { state } = sandbox();
      const agent = testAgent({ id: 'worker', capabilities: ['code'], maxLoad: 4 }, async (ctx) => ({
        output: ctx.task.id,
        summary: `did ${ctx.task.id}`,
      }));
      const { orchestrator } = durableOrchestrator(state, agent, 4);
      const done = await orchestrator.start({
        goal: 'Build the widget',
        plan: plan([task('parse'), task('render', { dependencies: ['parse'] })]),
      }).done;
      const planned = await orchestrator.start({
        goal: 'Only plan the gadget',
        plan: plan([task('sketch')]),
        dryRun: true,
      }).done;
      assert.equal(done.status, 'succeeded');
      assert.equal(planned.status, 'planned');
      doneId = done.runId;
      plannedId = planned.runId;
    });

    it('list --json prints one summary per line, newest first', async () => {
      const { root, state } = sandbox();
      const r = await runCli(['list', '--state-dir', state, '--json'], cliEnv(root));
      assert.equal(r.code, 0, r.stderr);
      const runs = jsonLines(r.stdout);
      assert.deepEqual(runs.map((x) => x.runId).sort(), [doneId, plannedId].sort());
      const done = runs.find((x) => x.runId === doneId)!;
      assert.equal(done.status, 'succeeded');
      assert.equal(done.goal, 'Build the widget');
      assert.deepEqual((done.taskCounts as Record<string, number>).succeeded, 2);
      assert.equal(runs.find((x) => x.runId === plannedId)!.status, 'planned');
    });

    it('list prints a table with id, status, age, tasks, tokens, cost and goal', async () => {
      const { root, state } = sandbox();
      const r = await runCli(['list', '--state-dir', state], cliEnv(root));
      assert.equal(r.code, 0, r.stderr);
      const [header, ...rows] = r.stdout.trimEnd().split('\n');
      assert.match(header!, /^ID\s+STATUS\s+AGE\s+TASKS\s+TOKENS\s+COST\s+GOAL$/);
      assert.equal(rows.length, 2);
      assert.ok(
        rows.some((row) =>
          new RegExp(`^${doneId}\\s+succeeded\\s+just now\\s+2/2\\s+0\\s+\\$0\\.00\\s+Build the widget$`).test(row),
        ),
        r.stdout,
      );
      assert.ok(
        rows.some((row) => row.startsWith(plannedId) && /planned/.test(row) && /Only plan the gadget/.test(row)),
        r.stdout,
      );
    });

    it('show prints a summary, the folded state with --json, and Markdown with --markdown', async () => {
      const { root, state } = sandbox();
      const env = cliEnv(root);
      const [human, json, markdown] = await Promise.all([
        runCli(['show', doneId, '--state-dir', state], env),
        runCli(['show', doneId, '--state-dir', state, '--json'], env),
        runCli(['show', doneId, '--state-dir', state, '--markdown'], env),
      ]);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, new RegExp(`^Run ${doneId}: succeeded, phase complete\\nGoal: +Build the widget\\n`));
      assert.match(
        human.stdout,
        /Tasks \(2\):\n\s+ID\s+STATUS\s+AGENT\s+TRIES\s+TOKENS\s+NOTE\n\s+parse\s+succeeded\s+worker\s+1\s+0\s+did parse\n\s+render\s+succeeded/,
      );

      assert.equal(json.code, 0, json.stderr);
      const folded = JSON.parse(json.stdout) as {
        runId: string;
        status: string;
        tasks: Record<string, { status: string }>;
        plan: { tasks: unknown[] };
      };
      assert.equal(folded.runId, doneId);
      assert.equal(folded.status, 'succeeded');
      assert.equal(folded.tasks.render?.status, 'succeeded');
      assert.equal(folded.plan.tasks.length, 2);

      assert.equal(markdown.code, 0, markdown.stderr);
      assert.match(markdown.stdout, /^# Run summary: Build the widget\n/);
      assert.match(markdown.stdout, new RegExp(`\\*\\*Run:\\*\\* \`${doneId}\``));
    });

    it('show of a dry run says so', async () => {
      const { root, state } = sandbox();
      const r = await runCli(['show', plannedId, '--state-dir', state], cliEnv(root));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /: planned \(dry run\)/);
      assert.match(r.stdout, /sketch\s+pending/);
    });
  });
});
