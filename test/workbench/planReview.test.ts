import assert from 'node:assert/strict';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { isPlannerRequest, scriptedTeam } from '../support/scriptedTeam';
import { initGitRepo } from './support/gitRepo';
import { enterGoal } from './support/goalFlow';
import { waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { storedEvents, storedRunIds } from './support/runJournal';
import { runPanelFrame } from './support/runPanelFrame';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Write the two notes';
const ALPHA = 'Draft the alpha note';
const BETA = 'Draft the beta note';
/** The title the person gives the alpha task in the Run panel. */
const EDITED = 'Polish the alpha note';

/** The fields of the journal's events this test reads. */
interface StoredEvent {
  type: string;
  status?: string;
  origin?: { source: string; fromRun?: string; edited?: boolean };
  plan?: { tasks: Array<{ id: string; title: string; dependencies: string[] }> };
}

describe('workbench: Plan Goal opens the plan for review in the Run panel', function () {
  const fx = useWorkbenchFixture();

  it('edits a title in the panel, refuses a cycle there, and runs exactly the edited plan with Run', async function () {
    const server = (fx.server = await startFakeModelServer({
      respond: scriptedTeam(
        GOAL,
        [
          { id: 'alpha', title: ALPHA },
          { id: 'beta', title: BETA, dependencies: ['alpha'] },
        ],
        500,
      ),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'plan review',
      files: { 'README.md': '# Notes\n', 'alpha.txt': 'alpha: first draft\n', 'beta.txt': 'beta: first draft\n' },
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
    }));
    const { workbench } = session;
    const runIds = (): string[] => storedRunIds(session);
    const eventsOf = (runId: string): StoredEvent[] => storedEvents<StoredEvent>(session, runId);

    await workbench.runCommand('Orchestrator: Plan Goal…');
    await enterGoal(workbench, 'Plan Goal', GOAL);
    await waitForToast(
      workbench,
      /Plan ready: 2 tasks for "Write the two notes"\. Review or edit it in the Run panel/,
      45_000,
    );

    const panel = await runPanelFrame(workbench, 30_000, '[data-testid=plan-review] [data-task-id=beta]');
    assert.deepEqual(runIds().length, 1, 'only the dry run so far');
    const dryRun = runIds()[0]!;
    await workbench.screenshot('plan review in the run panel');

    // Open alpha's editor and give it a new title; the host answers with the edited plan.
    await panel.locator('[data-task-id=alpha]').click();
    await panel.locator('[data-task-id=alpha]').dblclick();
    const title = panel.locator('[data-testid=plan-title]');
    await title.fill(EDITED);
    await title.press('Enter');
    await panel.locator(`[data-task-id=alpha][aria-label^="${EDITED}"]`).waitFor({ timeout: 20_000 });

    // beta waits for alpha, so alpha waiting for beta is refused in the page, before anything is posted.
    await panel.locator('[data-testid=plan-dep-select]').selectOption('beta');
    await panel.locator('[data-testid=plan-add-dep]').click();
    await panel
      .locator('[data-testid=plan-edit-error]', { hasText: '"beta" already depends on "alpha"' })
      .waitFor({ timeout: 10_000 });
    await workbench.screenshot('plan review with an edited title');

    // Run: the host checks the plan and starts it; the panel shows the new run.
    await panel.locator('[data-testid=plan-run]').click();
    await workbench.waitForNotification(/Running the plan/, 30_000);
    const run = await waitUntil('a second run folder', () => runIds().find((id) => id !== dryRun), {
      timeoutMs: 30_000,
    });
    await panel.locator('[data-testid=plan-review]').waitFor({ state: 'detached', timeout: 20_000 });
    await panel.locator('[data-task-id=alpha][data-status=succeeded]').waitFor({ timeout: 60_000 });
    await workbench.screenshot('the reviewed plan ran');

    const events = await waitUntil(
      'the run to be completed in its journal',
      () => {
        const all = eventsOf(run);
        return all.some((e) => e.type === 'run.completed') ? all : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const ready = events.find((e) => e.type === 'plan.ready');
    assert.deepEqual(ready?.origin, { source: 'editor', fromRun: dryRun, edited: true });
    assert.deepEqual(
      ready?.plan?.tasks.map((t) => [t.title, t.dependencies]),
      [
        [EDITED, []],
        [BETA, ['alpha']],
      ],
      'the edited title, and no edge from the refused cycle',
    );
    assert.equal(events.filter((e) => e.type === 'run.completed').at(-1)?.status, 'succeeded');
    assert.equal(server.requests.filter(isPlannerRequest).length, 1, 'the plan was not made again');
    assert.ok(
      server.requests.some((r) => !isPlannerRequest(r) && JSON.stringify(r.body).includes(EDITED)),
      'an agent was briefed with the edited title',
    );
  });
});
