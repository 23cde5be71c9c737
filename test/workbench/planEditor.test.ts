import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { isPlannerRequest, scriptedTeam } from '../support/scriptedTeam';
import { Editors } from './support/editors';
import { initGitRepo } from './support/gitRepo';
import { enterGoal } from './support/goalFlow';
import { waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { storedEvents, storedRunIds } from './support/runJournal';
import { escapeRegExp, RunsView, type RunsTreeRow } from './support/runsView';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Write the two notes';
const ALPHA = 'Draft the alpha note';
const BETA = 'Draft the beta note';
/** The title the user gives the alpha task in the plan document. */
const EDITED = 'Polish the alpha note';
const FILES = { 'README.md': '# Notes\n', 'alpha.txt': 'alpha: first draft\n', 'beta.txt': 'beta: first draft\n' };

const isRun = (status: RegExp) => (row: RunsTreeRow) =>
  row.level === 1 && new RegExp(`^Run ${escapeRegExp(GOAL)}, ${status.source}`).test(row.label);

/** The fields of the journal's events this test reads. */
interface StoredEvent {
  type: string;
  status?: string;
  origin?: { source: string; fromRun?: string; edited?: boolean };
  plan?: { goal: string; tasks: Array<{ id: string; title: string }> };
}

describe('workbench: plan a goal, review the plan, run it', function () {
  const fx = useWorkbenchFixture();

  it('plans from the palette, opens the plan with schema checks, refuses an invalid edit, runs the edited plan without planning again', async function () {
    const server = (fx.server = await startFakeModelServer({
      // Each agent waits a moment before proposing, so the run's progress notification is seen.
      respond: scriptedTeam(
        GOAL,
        [
          { id: 'alpha', title: ALPHA },
          { id: 'beta', title: BETA },
        ],
        1000,
      ),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'plan editor',
      files: FILES,
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
      // Tall enough that the whole plan document is rendered.
      viewport: { width: 1440, height: 1300 },
    }));
    const { workbench } = session;
    const runs = new RunsView(workbench);
    const editors = new Editors(workbench);
    const runIds = (): string[] => storedRunIds(session);
    const eventsOf = (runId: string): StoredEvent[] => storedEvents<StoredEvent>(session, runId);
    await runs.show();

    // Plan Goal…: the goal box, then a dry run with progress.
    await workbench.runCommand('Orchestrator: Plan Goal…');
    await enterGoal(workbench, 'Plan Goal', GOAL);

    // The plan opens for review in the Run panel; "Open as JSON" opens it as a JSON document named
    // after its dry run, with both tasks.
    const planReady = await waitForToast(workbench, /Plan ready: 2 tasks for "Write the two notes"/, 45_000);
    await planReady.locator('.monaco-button', { hasText: 'Open as JSON' }).click();
    const planTab = editors.tab(/^run-.*\.agent-plan\.json/);
    await planTab.first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(runIds().length, 1, 'one dry run');
    const dryRun = runIds()[0]!;
    const planFile = join(session.globalStorageDir(), 'plans', `${dryRun}.agent-plan.json`);
    assert.ok(existsSync(planFile), `the plan was written to ${planFile}`);
    const written = JSON.parse(readFileSync(planFile, 'utf8')) as { fromRun: string; goal: string; tasks: unknown[] };
    assert.deepEqual(Object.keys(written), ['fromRun', 'goal', 'tasks']);
    assert.equal(written.fromRun, dryRun);
    assert.equal(written.goal, GOAL);
    const shown = await waitUntil(
      'the plan document to show both tasks',
      async () => {
        const text = await editors.visibleText();
        return text.includes(`"title": "${ALPHA}"`) && text.includes(`"title": "${BETA}"`) ? text : undefined;
      },
      { timeoutMs: 20_000, describe: () => editors.visibleText() },
    );
    assert.match(shown, new RegExp(`"fromRun": "${escapeRegExp(dryRun)}"`));
    await runs.waitForRow('the dry run, planned', isRun(/planned/), 20_000);
    // Run This Plan sits in the editor title of a plan document.
    await editors.titleAction('Run This Plan').first().waitFor({ state: 'visible', timeout: 20_000 });
    await workbench.screenshot('plan document open');

    // The JSON schema is applied: a priority out of range gets a squiggle as soon as it is typed…
    await editors.replaceAll('"priority": 50', '"priority": 500');
    const squiggle = editors.activeEditor().locator('.squiggly-warning, .squiggly-error');
    await squiggle.first().waitFor({ state: 'visible', timeout: 30_000 });
    await workbench.screenshot('schema squiggle');

    // …and Run This Plan refuses the plan with every problem, starting nothing.
    const requestsBefore = server.requests.length;
    await workbench.runCommand('Orchestrator: Run This Plan');
    const refusal = await waitForToast(workbench, /The plan cannot run/, 30_000);
    const refusalText = (await refusal.innerText()).replace(/\s+/g, ' ');
    assert.match(refusalText, /2 problems: tasks\[0\]\.priority: .*tasks\[1\]\.priority: /);
    assert.match(refusalText, /Nothing was started/);
    await refusal
      .locator('.monaco-button', { hasText: 'Show Problems' })
      .waitFor({ state: 'visible', timeout: 10_000 });
    await workbench.screenshot('invalid plan refused');
    await refusal.locator('.monaco-button', { hasText: 'Show Problems' }).click();
    await workbench.page
      .locator('.part.panel .view-lines', { hasText: 'cannot run:' })
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    await workbench.screenshot('problems in the log');
    assert.deepEqual(runIds(), [dryRun], 'no run was started');
    assert.equal(server.requests.length, requestsBefore, 'no model was asked');

    // Put the priorities back, and give the alpha task a new title; the document stays unsaved.
    await editors.activate(/\.agent-plan\.json/);
    await editors.replaceAll('"priority": 500', '"priority": 50');
    await editors.replaceAll(ALPHA, EDITED);
    await waitUntil(
      'the edited title in the document',
      async () => {
        const text = await editors.visibleText();
        return text.includes(`"title": "${EDITED}"`) && !text.includes(ALPHA) && !text.includes('500');
      },
      { timeoutMs: 20_000, describe: () => editors.visibleText() },
    );
    await squiggle.first().waitFor({ state: 'detached', timeout: 30_000 });
    assert.match(
      readFileSync(planFile, 'utf8'),
      new RegExp(ALPHA),
      'the file on disk is unchanged: the edit is unsaved',
    );
    await workbench.screenshot('plan edited');

    // Run This Plan: the run starts from the document as it stands, and succeeds.
    await workbench.runCommand('Orchestrator: Run This Plan');
    await workbench.waitForNotification(/Running the plan/, 30_000);
    const ended = await runs.waitForRow('the run of the plan to end', isRun(/(succeeded|failed|paused)/), 60_000);
    assert.ok(isRun(/succeeded/)(ended), `the run succeeded; the tree shows: ${ended.label}`);
    await waitForToast(workbench, /Run succeeded: .*\(2 tasks\)/, 20_000);
    await workbench.screenshot('plan run succeeded');
    assert.equal(readFileSync(join(session.workspace, 'alpha.txt'), 'utf8'), 'written by alpha\n');
    assert.equal(readFileSync(join(session.workspace, 'beta.txt'), 'utf8'), 'written by beta\n');

    // The journal: the plan as edited, from the editor, marked edited, from the dry run.
    const run = runIds().find((id) => id !== dryRun);
    assert.ok(run, `a second run folder beside the dry run: ${runIds().join(', ')}`);
    const events = await waitUntil(
      'the run to be completed in its journal',
      () => {
        const all = eventsOf(run);
        return all.some((e) => e.type === 'run.completed') ? all : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const ready = events.find((e) => e.type === 'plan.ready');
    assert.deepEqual(ready?.origin, { source: 'editor', fromRun: dryRun, edited: true });
    assert.deepEqual(
      ready?.plan?.tasks.map((t) => t.title),
      [EDITED, BETA],
    );
    assert.equal(events.filter((e) => e.type === 'run.completed').at(-1)?.status, 'succeeded');

    // The model server was asked for a plan once, by the dry run; the agents saw the edited title.
    const planners = server.requests.filter(isPlannerRequest);
    assert.equal(planners.length, 1, 'no second planner request');
    assert.ok(
      server.requests.some((r) => !isPlannerRequest(r) && JSON.stringify(r.body).includes(EDITED)),
      'an agent was briefed with the edited title',
    );
  });
});
