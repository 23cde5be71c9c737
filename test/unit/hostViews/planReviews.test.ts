import assert from 'node:assert/strict';
import { PlanSchema, type Plan } from '../../../src/core/model/planSchema';
import type { PlanFile } from '../../../src/core/plan/planFile';
import { validatePlan, type PlanLimits } from '../../../src/core/plan/validatePlan';
import { PanelMessageRouter, type PanelActions } from '../../../src/host/panel/runPanelMessages';
import { PlanReviews, type PlanRunOutcome } from '../../../src/host/panel/planReviews';
import type { HostMessage } from '../../../src/protocol/messages';
import type { PlanEditOp, PlanReviewView } from '../../../src/protocol/planReview';
import { plan, task } from '../../support/planBuilders';

const DRY_RUN = 'run-1700000000000-dry1';

/** The limits an engine with a coder and a tester checks plans against. */
const LIMITS: PlanLimits = {
  maxTasks: 50,
  knownAgents: new Set(['coder', 'tester']),
  knownCapabilities: new Set(['code', 'test']),
  agentCapabilities: new Map([
    ['coder', ['code']],
    ['tester', ['test']],
  ]),
};

/** a ← b ← c (c depends on b, b on a); t needs the tester. */
function dryRunPlan(): Plan {
  return PlanSchema.parse(
    plan(
      [
        task('a'),
        task('b', { dependencies: ['a'] }),
        task('c', { dependencies: ['b'] }),
        task('t', { requiredCapabilities: ['test'], dependencies: ['c'] }),
      ],
      'Add JWT auth',
    ),
  );
}

/** PlanReviews with a host that validates with the core rules and records what it was asked to run. */
function setup(runOutcome?: (plan: PlanFile) => PlanRunOutcome) {
  const posted: HostMessage[] = [];
  const logged: string[] = [];
  const ran: PlanFile[] = [];
  const opened: PlanFile[] = [];
  const shown: string[] = [];
  let releaseRun: (() => void) | undefined;
  let holdRun = false;
  const reviews = new PlanReviews(
    {
      validate: async (_runId, input) => validatePlan(input, LIMITS),
      run: async (_runId, input) => {
        // Exactly what "Run This Plan" does first: the engine's validation; nothing starts when it refuses.
        const validation = validatePlan(input, LIMITS);
        if (!validation.ok) return { kind: 'refused', issues: validation.issues };
        if (holdRun) await new Promise<void>((done) => (releaseRun = done));
        ran.push(structuredClone(input));
        return runOutcome?.(input) ?? { kind: 'started', runId: 'run-1700000000001-edit' };
      },
      openJson: async (_runId, input) => void opened.push(input),
    },
    (text) => text.replaceAll('sk-secret', '[redacted]'),
    (message) => void logged.push(message),
  );
  const panel = {
    post: async (m: HostMessage) => void posted.push(m),
    showRun: async (id: string) => void shown.push(id),
  };
  const editMsg = (edit: PlanEditOp) => reviews.handle({ type: 'planEdit', runId: DRY_RUN, edit }, panel);
  const last = <T extends HostMessage['type']>(type: T): Extract<HostMessage, { type: T }> | undefined =>
    posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type).at(-1);
  const review = (): PlanReviewView => last('planReview')!.review;
  return {
    reviews,
    panel,
    posted,
    logged,
    ran,
    opened,
    shown,
    edit: editMsg,
    last,
    review,
    hold: () => (holdRun = true),
    release: () => releaseRun?.(),
  };
}

describe('plan review in the host: edits on the host copy, checked by the core rules', () => {
  it('applies title, description and agent edits, bumps the version, and runs exactly the edited plan', async () => {
    const s = setup();
    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder', 'tester']);
    await s.edit({ op: 'setTitle', taskId: 'a', title: '  Write the token parser ' });
    await s.edit({ op: 'setDescription', taskId: 'a', description: 'Parse JWTs.\nReject expired ones.' });
    await s.edit({ op: 'setAgent', taskId: 't', agentId: 'tester' });
    const view = s.review();
    assert.equal(view.version, 3);
    assert.equal(view.tasks[0]!.title, 'Write the token parser');
    assert.equal(view.tasks[0]!.description, 'Parse JWTs.\nReject expired ones.');
    assert.equal(view.tasks[3]!.agentId, 'tester');
    assert.deepEqual(s.last('planIssues'), {
      type: 'planIssues',
      runId: DRY_RUN,
      version: 3,
      kind: 'validation',
      issues: [],
    });

    await s.reviews.handle({ type: 'planRun', runId: DRY_RUN, version: 3 }, s.panel);
    assert.equal(s.ran.length, 1);
    const expected = dryRunPlan();
    expected.tasks[0]!.title = 'Write the token parser';
    expected.tasks[0]!.description = 'Parse JWTs.\nReject expired ones.';
    expected.tasks[3]!.agent = 'tester';
    assert.deepEqual(s.ran[0], { fromRun: DRY_RUN, ...expected }, 'the run gets the edited plan, every field kept');
    assert.deepEqual(s.last('planReviewEnded'), {
      type: 'planReviewEnded',
      runId: DRY_RUN,
      startedRunId: 'run-1700000000001-edit',
    });
    assert.deepEqual(s.shown, ['run-1700000000001-edit'], 'the panel shows the run it started');
    assert.equal(s.reviews.has(DRY_RUN), false, 'the review is over');
  });

  it('refuses an unknown task id, in an edit and as a dependency, changing nothing', async () => {
    const s = setup();
    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder', 'tester']);
    await s.reviews.resync(DRY_RUN, s.panel);
    const before = s.review();
    const reasons: string[] = [];
    for (const edit of [
      { op: 'setTitle', taskId: 'zz', title: 'x' },
      { op: 'deleteTask', taskId: 'zz' },
      { op: 'addEdge', taskId: 'a', dependsOn: 'zz' },
      { op: 'removeEdge', taskId: 'b', dependsOn: 'c' },
    ] as const) {
      await s.edit(edit);
      const refusal = s.last('planIssues')!;
      assert.equal(refusal.kind, 'edit', `${edit.op} was refused`);
      assert.equal(refusal.version, 0);
      reasons.push(refusal.issues[0]!.message);
    }
    assert.deepEqual(reasons, [
      'There is no task "zz" in this plan; it may have been deleted. Nothing was changed.',
      'There is no task "zz" in this plan; it may have been deleted. Nothing was changed.',
      'There is no task "zz" in this plan to depend on. Nothing was changed.',
      '"b" does not depend on "c"; nothing to remove.',
    ]);
    await s.reviews.resync(DRY_RUN, s.panel);
    assert.deepEqual(s.review(), before, 'the plan is as it was');
    assert.equal(s.logged.filter((l) => /refused/.test(l)).length, 4, 'each refusal is logged');
  });

  it('refuses an edge that would close a cycle, saying through which tasks', async () => {
    const s = setup();
    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder']);
    await s.edit({ op: 'addEdge', taskId: 'a', dependsOn: 'c' });
    assert.deepEqual(s.last('planIssues')?.issues, [
      {
        taskId: 'a',
        field: 'deps',
        message: '"c" already depends on "a" through "b", so "a" cannot depend on "c" (that would be a cycle).',
      },
    ]);
    assert.equal(s.last('planReview'), undefined, 'no new plan was sent');
    await s.edit({ op: 'addEdge', taskId: 't', dependsOn: 'a' });
    assert.deepEqual(s.review().tasks[3]!.deps, ['c', 'a'], 'a legal edge is added');
  });

  it('refuses over-long or multi-line text and an unregistered agent even past the parser', async () => {
    const s = setup();
    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder', 'tester']);
    await s.edit({ op: 'setTitle', taskId: 'a', title: 'x'.repeat(201) });
    assert.match(JSON.stringify(s.last('planIssues')), /at most 200/);
    await s.edit({ op: 'setTitle', taskId: 'a', title: 'two\nlines' });
    assert.match(JSON.stringify(s.last('planIssues')), /one line/);
    await s.edit({ op: 'setDescription', taskId: 'a', description: 'y'.repeat(4001) });
    assert.match(JSON.stringify(s.last('planIssues')), /at most 4,000/);
    await s.edit({ op: 'setAgent', taskId: 'a', agentId: 'researcher' });
    assert.match(
      JSON.stringify(s.last('planIssues')),
      /Agent \\"researcher\\" is not registered\. Choose one of: coder, tester/,
    );
    assert.equal(s.last('planReview'), undefined, 'nothing was applied');
  });

  it('deletes a task with its edges and says which tasks no longer wait for it', async () => {
    const s = setup();
    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder']);
    await s.edit({ op: 'deleteTask', taskId: 'b' });
    const message = s.last('planReview')!;
    assert.deepEqual(
      message.review.tasks.map((t) => [t.id, t.deps]),
      [
        ['a', []],
        ['c', []],
        ['t', ['c']],
      ],
    );
    assert.equal(message.notice, 'Deleted "b"; "c" no longer waits for it (that dependency went with it).');
  });

  it('checks each version with the core validator and pins every issue to its task and field; a refused Run starts nothing', async () => {
    const s = setup();
    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder', 'tester']);
    // The coder lacks "test", which t needs: the core rule `agent-lacks-capability`.
    await s.edit({ op: 'setAgent', taskId: 't', agentId: 'coder' });
    const issues = s.last('planIssues')!;
    assert.equal(issues.kind, 'validation');
    assert.equal(issues.version, 1);
    assert.equal(issues.issues.length, 1);
    assert.equal(issues.issues[0]!.taskId, 't');
    assert.equal(issues.issues[0]!.field, 'agent');
    assert.match(
      issues.issues[0]!.message,
      /tasks\[3\]\.agent: task "t" is assigned to agent "coder", which lacks "test"/,
    );

    s.posted.length = 0;
    await s.reviews.handle({ type: 'planRun', runId: DRY_RUN, version: 1 }, s.panel);
    assert.equal(s.ran.length, 0, 'nothing ran');
    assert.deepEqual(
      s.posted.map((m) => m.type),
      ['planIssues'],
    );
    assert.equal(s.last('planIssues')!.issues[0]!.field, 'agent');
    assert.equal(s.reviews.has(DRY_RUN), true, 'the review stays, edits and all');

    // Every task deleted: the plan-wide rule, not pinned to a task.
    for (const id of ['a', 'b', 'c', 't']) await s.edit({ op: 'deleteTask', taskId: id });
    assert.deepEqual(s.last('planIssues')!.issues, [
      { field: 'plan', message: 'tasks: the plan has no tasks. A plan needs at least one task.' },
    ]);
  });

  it('resyncs a shown-again or reloaded page with the edits and the current issues', async () => {
    const s = setup();
    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder', 'tester']);
    await s.edit({ op: 'setTitle', taskId: 'c', title: 'Edited c (sk-secret)' });
    await s.edit({ op: 'setAgent', taskId: 't', agentId: 'coder' });
    s.posted.length = 0;
    await s.reviews.resync(DRY_RUN, s.panel);
    assert.deepEqual(
      s.posted.map((m) => m.type),
      ['planReview', 'planIssues'],
    );
    assert.equal(s.review().version, 2);
    assert.equal(s.review().tasks[2]!.title, 'Edited c ([redacted])', 'text is scrubbed on the way out');
    assert.equal(s.last('planIssues')!.issues[0]!.taskId, 't');
    await s.reviews.handle({ type: 'planOpenJson', runId: DRY_RUN }, s.panel);
    assert.equal(s.opened[0]!.tasks[2]!.title, 'Edited c (sk-secret)', 'the JSON gets the plan itself');
  });

  it('refuses Run of a version the page no longer shows, and a second Run while the first starts', async () => {
    const s = setup();
    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder', 'tester']);
    await s.edit({ op: 'setTitle', taskId: 'a', title: 'New a' });
    await s.reviews.handle({ type: 'planRun', runId: DRY_RUN, version: 0 }, s.panel);
    assert.equal(s.ran.length, 0, 'nothing ran');
    assert.match(JSON.stringify(s.last('planIssues')), /changed since this page showed it/);

    s.hold();
    const first = s.reviews.handle({ type: 'planRun', runId: DRY_RUN, version: 1 }, s.panel);
    await new Promise((done) => setImmediate(done));
    await s.reviews.handle({ type: 'planRun', runId: DRY_RUN, version: 1 }, s.panel);
    await s.edit({ op: 'setTitle', taskId: 'a', title: 'Too late' });
    assert.match(JSON.stringify(s.last('planIssues')), /starting; it can no longer be edited/);
    s.release();
    await first;
    assert.equal(s.ran.length, 1, 'one run');
    assert.equal(s.ran[0]!.tasks[0]!.title, 'New a');
  });

  it('ignores and logs messages about a run not under review, and forgets a discarded review', async () => {
    const s = setup();
    await s.reviews.handle({ type: 'planRun', runId: 'run-other', version: 0 }, s.panel);
    assert.equal(s.ran.length, 0, 'nothing ran');
    assert.match(s.logged.join('\n'), /no plan of run-other is under review; planRun ignored/);
    assert.deepEqual(s.last('planReviewEnded'), { type: 'planReviewEnded', runId: 'run-other' });

    await s.reviews.open(DRY_RUN, dryRunPlan(), ['coder']);
    await s.reviews.handle({ type: 'planDiscard', runId: DRY_RUN }, s.panel);
    assert.equal(s.reviews.has(DRY_RUN), false);
    await s.reviews.handle({ type: 'planRun', runId: DRY_RUN, version: 0 }, s.panel);
    assert.equal(s.ran.length, 0, 'a discarded plan never runs');
  });

  it('routes the four review messages of the panel to the plan reviews', async () => {
    const routed: string[] = [];
    const actions = { planReview: async (m) => void routed.push(m.type), log: () => undefined } as Pick<
      PanelActions,
      'planReview' | 'log'
    >;
    const router = new PanelMessageRouter(actions as PanelActions);
    await router.handle({ type: 'planEdit', runId: DRY_RUN, edit: { op: 'deleteTask', taskId: 'a' } });
    await router.handle({ type: 'planRun', runId: DRY_RUN, version: 0 });
    await router.handle({ type: 'planDiscard', runId: DRY_RUN });
    await router.handle({ type: 'planOpenJson', runId: DRY_RUN });
    assert.deepEqual(routed, ['planEdit', 'planRun', 'planDiscard', 'planOpenJson']);
  });
});
