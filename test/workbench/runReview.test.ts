import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../support/scriptedTeam';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitUntil } from './support/poll';
import { runPanelFrame } from './support/runPanelFrame';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Rewrite two lines of the alpha note';
const BEFORE = 'one\ntwo\nthree\nfour\nfive\nsix\n';
const WRITTEN = 'ONE\ntwo\nthree\nfour\nFIVE\nsix\n';

describe('workbench: the whole-run review', function () {
  const fx = useWorkbenchFixture();

  it('offers the review when the run ends; reverting one hunk changes only those lines on disk', async function () {
    const server = (fx.server = await startFakeModelServer({
      respond: scriptedTeam(GOAL, [{ id: 'alpha', title: 'Rewrite the alpha note' }], 5000, () => WRITTEN),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'run review',
      files: { 'README.md': '# Notes\n', 'alpha.txt': BEFORE },
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
    }));
    const { workbench } = session;
    const alpha = (): string => readFileSync(join(session.workspace, 'alpha.txt'), 'utf8');

    await orchestrateGoal(workbench, GOAL);
    await workbench.waitForNotification(/Orchestrating/, 30_000);
    await workbench.runCommand('Orchestrator: Open Run Panel');
    const panel = await runPanelFrame(workbench);

    // The panel was open while the run ran, so its end brings the prompt.
    await panel.locator('[data-testid=review-changes]').click({ timeout: 90_000 });
    assert.equal(alpha(), WRITTEN, 'the agent’s edit is on disk');
    const hunks = panel.locator('[data-hunk-id]');
    await waitUntil('two hunks in the review', async () => ((await hunks.count()) === 2 ? true : undefined), {
      timeoutMs: 30_000,
    });
    await workbench.screenshot('review of the run');

    await hunks.nth(1).locator('[data-testid=hunk-revert]').click();
    await waitUntil(
      'the second hunk reverted on disk',
      async () => (alpha() === BEFORE.replace('one', 'ONE') ? true : undefined),
      {
        timeoutMs: 30_000,
        describe: async () => JSON.stringify(alpha()),
      },
    );
    await waitUntil('the review re-sent with one hunk', async () => ((await hunks.count()) === 1 ? true : undefined), {
      timeoutMs: 30_000,
    });
    await hunks.first().locator('[data-testid=hunk-accept]').click();
    await panel.locator('[data-hunk-id][data-accepted=true]').waitFor({ timeout: 30_000 });
    await panel.locator('[data-testid=review-note]', { hasText: 'Kept a change in alpha.txt' }).waitFor();
    await workbench.screenshot('review after revert and accept');
    assert.equal(alpha(), 'ONE\ntwo\nthree\nfour\nfive\nsix\n', 'accepting changes no file');

    // Open Diff names the file by id; the host opens the checkpoint's text against the file.
    await panel.locator('[data-testid=review-open-diff]').click();
    await workbench.page.locator('.tab', { hasText: 'alpha.txt (before the run ↔ now)' }).waitFor({ timeout: 30_000 });
    const side = (which: string) => workbench.page.locator(`.monaco-diff-editor .editor.${which} .view-lines`);
    await side('original').filter({ hasText: /^one/ }).waitFor({ timeout: 30_000 });
    await side('modified').filter({ hasText: /^ONE/ }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('diff of the checkpoint against the file');
  });
});
