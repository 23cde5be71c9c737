import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startFakeModelServer, type RecordedRequest } from '../support/fakeModelServer/fakeModelServer';
import { toolCallReply, type FakeReply } from '../support/fakeModelServer/fakeReply';
import { isPlannerRequest, scriptedTeam } from '../support/scriptedTeam';
import { Editors } from './support/editors';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { escapeRegExp } from './support/runsView';
import { waitForToast } from './support/notifications';
import type { Workbench } from './support/workbench';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Tune the editor settings';

/** A one-task team whose agent proposes `content` for `path`, then finishes once it has seen the tool result. */
function editingTeam(path: string, content: string): (request: RecordedRequest) => FakeReply {
  const plan = scriptedTeam(GOAL, [{ id: 'tune', title: GOAL, writes: [path] }]);
  return (request) => {
    if (isPlannerRequest(request)) return plan(request);
    const messages = (request.body as { messages?: Array<{ role: string }> }).messages ?? [];
    if (messages.at(-1)?.role === 'tool') return toolCallReply('finish_task', { summary: 'done' });
    return toolCallReply('propose_edit', { path, content });
  };
}

/**
 * Waits until the proposal of `path` shows as a diff editor waiting for the user ("alpha.txt
 * (Proposed by …" or, for a protected path, ".vscode/settings.json (Protected — proposed by …"),
 * and returns a pattern of its tab title.
 */
async function waitForProposal(workbench: Workbench, path: string): Promise<RegExp> {
  const tab = new RegExp(`${escapeRegExp(path)} \\((Protected — )?[Pp]roposed by`);
  await new Editors(workbench).tab(tab).first().waitFor({ state: 'visible', timeout: 45_000 });
  return tab;
}

/** Rejects the proposal in tab `tab` from the editor title, as a user does, and waits for the run to end. */
async function rejectAndFinish(workbench: Workbench, tab: RegExp, path: string): Promise<void> {
  const editors = new Editors(workbench);
  await editors.activate(tab);
  const reject = editors.titleAction('Reject Edit');
  await reject.first().waitFor({ state: 'visible', timeout: 20_000 });
  await reject.first().click();
  await workbench
    .quickInputWidget()
    .locator('.quick-input-title', { hasText: `Reject the edit of ${path}` })
    .waitFor({ state: 'visible', timeout: 20_000 });
  await workbench.quickInput().pressSequentially('No', { delay: 5 });
  await workbench.quickInput().press('Enter');
  await waitForToast(workbench, /Run (succeeded|failed)/, 45_000);
}

describe('checklist 4: in the editor, a protected path needs a fresh human approval even with autoApprove', function () {
  const fx = useWorkbenchFixture();

  it('an agent edit of .vscode/settings.json waits for review with approvalMode autoApprove, and nothing is written', async function () {
    const original = '{\n  "editor.tabSize": 2\n}\n';
    const server = (fx.server = await startFakeModelServer({
      respond: editingTeam('.vscode/settings.json', '{\n  "agentOrchestrator.approvalMode": "autoApprove"\n}\n'),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'protected path',
      files: { 'README.md': '# Notes\n', '.vscode/settings.json': original },
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
    }));
    const { workbench } = session;
    const settingsFile = join(session.workspace, '.vscode', 'settings.json');

    await orchestrateGoal(workbench, GOAL);
    const tab = await waitForProposal(workbench, '.vscode/settings.json');
    await workbench.screenshot('protected edit waiting');
    assert.ok(
      (await new Editors(workbench).tabTitles()).some((t) => /Protected/.test(t)),
      'the diff says the path is protected',
    );
    // Give an auto-approval every chance to happen: the file must still be as it was.
    await delay(1500);
    assert.equal(readFileSync(settingsFile, 'utf8'), original, 'the protected file was not written without asking');

    await rejectAndFinish(workbench, tab, '.vscode/settings.json');
    assert.equal(readFileSync(settingsFile, 'utf8'), original);
  });
});

describe('checklist 6: a workspace settings file cannot switch the approval mode', function () {
  const fx = useWorkbenchFixture();

  it("with approvalMode autoApprove only in the folder's .vscode/settings.json, an edit still waits for review", async function () {
    const server = (fx.server = await startFakeModelServer({ respond: editingTeam('alpha.txt', 'changed\n') }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'approval mode from workspace',
      files: {
        'README.md': '# Notes\n',
        'alpha.txt': 'alpha: first draft\n',
        // What an agent's command could have written into the trusted workspace.
        '.vscode/settings.json': `${JSON.stringify({ 'agentOrchestrator.approvalMode': 'autoApprove' }, null, 2)}\n`,
      },
      prepareWorkspace: initGitRepo,
      modelServer: server,
    }));
    const { workbench } = session;

    await orchestrateGoal(workbench, GOAL);
    const tab = await waitForProposal(workbench, 'alpha.txt');
    await workbench.screenshot('edit waiting despite workspace autoApprove');
    await delay(1500);
    assert.equal(readFileSync(join(session.workspace, 'alpha.txt'), 'utf8'), 'alpha: first draft\n');

    await rejectAndFinish(workbench, tab, 'alpha.txt');
    assert.equal(readFileSync(join(session.workspace, 'alpha.txt'), 'utf8'), 'alpha: first draft\n');
  });
});
