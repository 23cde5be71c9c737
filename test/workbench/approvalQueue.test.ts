import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer, type RecordedRequest } from '../support/fakeModelServer/fakeModelServer';
import { isFault, type FakeReply } from '../support/fakeModelServer/fakeReply';
import { scriptedTeam, taskOfRequest } from '../support/scriptedTeam';
import { Editors } from './support/editors';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { onlyRunId, storedEvents } from './support/runJournal';
import type { Workbench } from './support/workbench';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Rewrite the alpha note and the beta note';
const FILES = {
  'README.md': '# Notes\n',
  'alpha.txt': 'alpha: first draft\n',
  'beta.txt': 'beta: first draft\n',
};
const ALPHA_TAB = 'alpha.txt (Proposed by';
const BETA_TAB = 'beta.txt (Proposed by';

/**
 * scriptedTeam, except that beta's proposal is held back until `release()`: the test lets it
 * arrive only once the person is reading alpha's diff, whatever the machine's speed.
 */
function heldBackTeam(): { respond: (request: RecordedRequest) => Promise<FakeReply>; release: () => void } {
  const team = scriptedTeam(GOAL, [
    { id: 'alpha', title: 'Rewrite the alpha note' },
    { id: 'beta', title: 'Rewrite the beta note' },
  ]);
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    respond: async (request) => {
      const reply = team(request);
      const proposes = !isFault(reply) && (reply.toolCalls ?? []).some((c) => c.name === 'propose_edit');
      if (proposes && taskOfRequest(request) === 'beta') await released;
      return reply;
    },
  };
}

/** Whether the keyboard focus is inside the editor of the active group. */
function focusInActiveEditor(workbench: Workbench): Promise<boolean> {
  return workbench.page.evaluate(
    () => document.activeElement?.closest('.part.editor .editor-group-container.active .monaco-editor') != null,
  );
}

/** The title of the active group's active tab. */
async function activeTabTitle(workbench: Workbench): Promise<string> {
  const tab = workbench.page.locator('.part.editor .editor-group-container.active .tabs-container .tab.active');
  return (await tab.first().innerText()).replace(/\s+/g, ' ').trim();
}

describe('workbench: approvals queue', function () {
  const fx = useWorkbenchFixture();

  it('a second proposal opens behind the diff being read, and two proposals accepted in reverse order each apply their own edit', async function () {
    const team = heldBackTeam();
    const server = (fx.server = await startFakeModelServer({ respond: team.respond }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'approvals queue',
      files: FILES,
      prepareWorkspace: initGitRepo,
      settings: { 'diffEditor.codeLens': true, 'agentOrchestrator.approvalMode': 'ask' },
      modelServer: server,
    }));
    const { workbench } = session;
    const editors = new Editors(workbench);
    const read = (name: string): string => readFileSync(join(session.workspace, name), 'utf8');

    await orchestrateGoal(workbench, GOAL);

    // Alpha's proposal arrives first; the person opens its diff and reads it (the keyboard focus is in it).
    await editors.tab(ALPHA_TAB).first().waitFor({ state: 'visible', timeout: 45_000 });
    await editors.activate(ALPHA_TAB);
    await workbench.page
      .locator('.part.editor .editor-group-container.active .monaco-editor .view-lines', {
        hasText: 'written by alpha',
      })
      .first()
      .click();
    assert.ok(await focusInActiveEditor(workbench), 'the focus is in alpha diff before beta arrives');
    await workbench.screenshot('reading alpha');

    // Now beta's proposal arrives: it gets a tab of its own and a notification naming it, behind alpha's diff.
    team.release();
    await editors.tab(BETA_TAB).first().waitFor({ state: 'attached', timeout: 45_000 });
    await waitForToast(workbench, /Another edit waits for your review: beta\.txt for task Rewrite the beta note/);
    await workbench.screenshot('beta arrived behind alpha');
    assert.match(await activeTabTitle(workbench), /^alpha\.txt \(Proposed by/, 'alpha diff is still in front');
    assert.ok(await focusInActiveEditor(workbench), 'the focus stayed in alpha diff');
    const titles = await editors.tabTitles();
    assert.equal(titles.filter((t) => t.startsWith(ALPHA_TAB)).length, 1, `one alpha tab: ${titles.join(' | ')}`);
    assert.equal(titles.filter((t) => t.startsWith(BETA_TAB)).length, 1, `one beta tab: ${titles.join(' | ')}`);
    assert.equal(read('alpha.txt'), FILES['alpha.txt']);
    assert.equal(read('beta.txt'), FILES['beta.txt']);

    // Accept the second proposal first, from its own diff's title: only beta.txt changes.
    await editors.activate(BETA_TAB);
    await editors.titleAction('Accept Edit').first().click();
    await editors.tab(BETA_TAB).first().waitFor({ state: 'detached', timeout: 20_000 });
    await waitUntil('beta.txt to hold beta proposal', () => read('beta.txt') === 'written by beta\n', {
      timeoutMs: 20_000,
      describe: () => JSON.stringify(read('beta.txt')),
    });
    assert.equal(read('alpha.txt'), FILES['alpha.txt'], 'accepting beta did not touch alpha.txt');

    // Then the first, from the palette: without a proposal to name, Accept Edit asks which, naming file and task.
    await workbench.runCommand('Orchestrator: Accept Edit');
    const widget = workbench.quickInputWidget();
    await widget
      .locator('.quick-input-title', { hasText: 'Accept which edit?' })
      .waitFor({ state: 'visible', timeout: 20_000 });
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    const alphaRow = rows.filter({ hasText: 'alpha.txt' }).filter({ hasText: 'task Rewrite the alpha note' });
    await alphaRow.first().waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await rows.count(), 1, 'only alpha still waits');
    await workbench.screenshot('accept which edit');
    await alphaRow.first().click();
    await waitUntil('alpha.txt to hold alpha proposal', () => read('alpha.txt') === 'written by alpha\n', {
      timeoutMs: 20_000,
      describe: () => JSON.stringify(read('alpha.txt')),
    });
    await waitForToast(workbench, /Run succeeded/, 45_000);
    await workbench.screenshot('both accepted');

    // On disk and in the journal: each proposal applied its own edit, once, in the order accepted.
    assert.equal(read('alpha.txt'), 'written by alpha\n');
    assert.equal(read('beta.txt'), 'written by beta\n');
    const events = storedEvents<{ type: string; taskId?: string; decision?: string; path?: string }>(
      session,
      onlyRunId(session),
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'approval.decided').map((e) => `${e.taskId}:${e.decision}`),
      ['beta:accepted', 'alpha:accepted'],
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'edit.applied').map((e) => e.path),
      ['beta.txt', 'alpha.txt'],
    );
  });
});
