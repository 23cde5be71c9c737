import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../support/scriptedTeam';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitUntil } from './support/poll';
import { nodeStatus, runPanelFrame } from './support/runPanelFrame';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Rewrite the alpha note and the beta note';

describe('workbench: the run panel', function () {
  const fx = useWorkbenchFixture();

  it('opens from the progress notification during a fake-model run, draws its tasks, and recolours them as they run and succeed', async function () {
    // Each agent waits before proposing, so the panel sees the tasks running.
    const server = (fx.server = await startFakeModelServer({
      respond: scriptedTeam(
        GOAL,
        [
          { id: 'alpha', title: 'Rewrite the alpha note' },
          { id: 'beta', title: 'Rewrite the beta note' },
        ],
        6000,
      ),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'run panel',
      files: { 'README.md': '# Notes\n', 'alpha.txt': 'alpha: first draft\n', 'beta.txt': 'beta: first draft\n' },
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
    }));
    const { workbench } = session;

    await orchestrateGoal(workbench, GOAL);
    // The progress notification links to the panel: one click opens it on this run.
    const progress = await workbench.waitForNotification(/Orchestrating/, 30_000);
    await progress.locator('a', { hasText: 'Open Run Panel' }).click();

    const panel = await runPanelFrame(workbench);
    const statusOf = (id: string): Promise<string | null> => nodeStatus(panel, id);

    const running = await waitUntil(
      'a task drawn as running',
      async () => {
        const states = [await statusOf('alpha'), await statusOf('beta')];
        return states.includes('running') ? states : undefined;
      },
      { timeoutMs: 30_000 },
    );
    await workbench.screenshot('run panel with running tasks');
    assert.ok(running.includes('running'));

    const done = await waitUntil(
      'both tasks drawn as succeeded',
      async () => {
        const states = [await statusOf('alpha'), await statusOf('beta')];
        return states.every((s) => s === 'succeeded') ? states : undefined;
      },
      { timeoutMs: 60_000, describe: async () => `${await statusOf('alpha')}, ${await statusOf('beta')}` },
    );
    assert.deepEqual(done, ['succeeded', 'succeeded']);
    await workbench.screenshot('run panel after the run');
    assert.equal(readFileSync(join(session.workspace, 'alpha.txt'), 'utf8'), 'written by alpha\n');
  });
});
