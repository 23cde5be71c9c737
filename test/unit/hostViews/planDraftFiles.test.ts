import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanSchema, type Plan } from '../../../src/core/model/planSchema';
import type { PlanFile } from '../../../src/core/plan/planFile';
import { validatePlan, type PlanLimits } from '../../../src/core/plan/validatePlan';
import { PlanDraftFiles } from '../../../src/host/panel/planDraftFiles';
import { PlanReviews } from '../../../src/host/panel/planReviews';
import type { HostMessage } from '../../../src/protocol/messages';
import type { PlanEditOp } from '../../../src/protocol/planReview';
import { plan, task } from '../../support/planBuilders';

const DRY_RUN = 'run-1700000000000-dry1';

const LIMITS: PlanLimits = {
  maxTasks: 50,
  knownAgents: new Set(['coder']),
  knownCapabilities: new Set(['code']),
  agentCapabilities: new Map([['coder', ['code']]]),
};

function dryRunPlan(): Plan {
  return PlanSchema.parse(plan([task('a'), task('b', { dependencies: ['a'] })], 'Add JWT auth'));
}

/** One window: a PlanReviews saving to `dir`, a panel that records what it was sent, and the runs started. */
function windowOn(dir: string) {
  const posted: HostMessage[] = [];
  const warnings: string[] = [];
  const ran: PlanFile[] = [];
  const files = new PlanDraftFiles(dir, (m) => void warnings.push(m));
  const reviews = new PlanReviews(
    {
      validate: async (_runId, input) => validatePlan(input, LIMITS),
      run: async (_runId, input) => (ran.push(input), { kind: 'started', runId: 'run-1700000000001-edit' }),
      openJson: async () => undefined,
    },
    (text) => text,
    (m) => void warnings.push(m),
    files,
  );
  const panel = { post: async (m: HostMessage) => void posted.push(m), showRun: async () => undefined };
  const edit = (e: PlanEditOp) => reviews.handle({ type: 'planEdit', runId: DRY_RUN, edit: e }, panel);
  const lastReview = () => posted.filter((m) => m.type === 'planReview').at(-1);
  return { reviews, panel, posted, warnings, ran, edit, lastReview, files };
}

describe('plans under review survive a window reload', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ao-plan-drafts-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('a new window shows the review with every edit and its version, and Run starts the edited plan', async () => {
    const before = windowOn(dir);
    await before.reviews.open(DRY_RUN, dryRunPlan(), ['coder']);
    await before.edit({ op: 'setTitle', taskId: 'a', title: 'Parse tokens' });
    await before.edit({ op: 'removeEdge', taskId: 'b', dependsOn: 'a' });

    const after = windowOn(dir);
    assert.equal(after.reviews.has(DRY_RUN), false, 'nothing in memory yet');
    await after.reviews.resync(DRY_RUN, after.panel);
    const shown = after.lastReview();
    assert.ok(shown?.type === 'planReview', 'the restored panel gets the review');
    assert.equal(shown.review.version, 2);
    assert.equal(shown.review.tasks[0]!.title, 'Parse tokens');
    assert.deepEqual(shown.review.tasks[1]!.deps, []);
    assert.deepEqual(after.warnings, []);

    // The page still holds version 2: Run starts exactly that plan, and the saved review is gone.
    await after.reviews.handle({ type: 'planRun', runId: DRY_RUN, version: 2 }, after.panel);
    assert.equal(after.ran.length, 1);
    assert.equal(after.ran[0]!.tasks[0]!.title, 'Parse tokens');
    await after.files.load(DRY_RUN); // waits for the queued removal
    assert.deepEqual(await readdir(dir), []);
    const third = windowOn(dir);
    await third.reviews.resync(DRY_RUN, third.panel);
    assert.equal(third.posted.length, 0, 'a started plan is no longer under review');
  });

  it('an edit that arrives first after the reload (no resync yet) applies to the saved review', async () => {
    const before = windowOn(dir);
    await before.reviews.open(DRY_RUN, dryRunPlan(), ['coder']);
    await before.edit({ op: 'setTitle', taskId: 'a', title: 'One' });
    const after = windowOn(dir);
    await after.edit({ op: 'setTitle', taskId: 'b', title: 'Two' });
    const review = after.lastReview();
    assert.ok(review?.type === 'planReview');
    assert.equal(review.review.version, 2);
    assert.deepEqual(
      review.review.tasks.map((t) => t.title),
      ['One', 'Two'],
    );
  });

  it('Discard forgets the saved review too', async () => {
    const before = windowOn(dir);
    await before.reviews.open(DRY_RUN, dryRunPlan(), ['coder']);
    await before.reviews.handle({ type: 'planDiscard', runId: DRY_RUN }, before.panel);
    await before.files.load(DRY_RUN);
    const after = windowOn(dir);
    await after.edit({ op: 'setTitle', taskId: 'a', title: 'x' });
    assert.deepEqual(after.posted.at(-1), { type: 'planReviewEnded', runId: DRY_RUN });
  });

  it('a corrupt or tampered saved review is quarantined with a warning, never shown or run', async () => {
    await writeFile(join(dir, `${DRY_RUN}.json`), '{"plan":{"goal":"x","tasks":[]},"version":-1,"agents":[]}');
    const after = windowOn(dir);
    await after.reviews.resync(DRY_RUN, after.panel);
    assert.equal(after.posted.length, 0);
    assert.equal(after.warnings.length, 1);
    assert.match(
      after.warnings[0]!,
      /saved review of plan .* was unusable .*moved it to .*quarantine.*"Plan Goal…" again/,
    );
    assert.deepEqual(await readdir(dir), ['quarantine']);
  });

  it('the last edit is the one on disk, however quickly edits follow each other', async () => {
    const before = windowOn(dir);
    await before.reviews.open(DRY_RUN, dryRunPlan(), ['coder']);
    await Promise.all(
      ['t1', 't2', 't3', 't4', 't5'].map((title) => before.edit({ op: 'setTitle', taskId: 'a', title })),
    );
    await before.files.load(DRY_RUN);
    const saved = JSON.parse(await readFile(join(dir, `${DRY_RUN}.json`), 'utf8')) as { version: number; plan: Plan };
    assert.equal(saved.version, 5);
    assert.equal(saved.plan.tasks[0]!.title, 't5');
  });

  it('a name that is not a run id never becomes a path', async () => {
    const files = new PlanDraftFiles(dir, () => undefined);
    await assert.rejects(files.load('../escape'), /"..\/escape" is not a run id/);
    const warnings: string[] = [];
    await new PlanDraftFiles(dir, (m) => void warnings.push(m)).save('../escape', {
      plan: dryRunPlan(),
      version: 0,
      agents: [],
    });
    assert.match(warnings[0] ?? '', /could not be saved \("..\/escape" is not a run id\)/);
    assert.deepEqual(await readdir(dir), []);
  });
});
