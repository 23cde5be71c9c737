import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../support/scriptedTeam';
import { FAKE_LM_EXTENSION, fakeLmFile, INVOKE_ORCHESTRATE_COMMAND, readFakeLmFile } from './support/fakeLmExtension';
import { initGitRepo } from './support/gitRepo';
import { waitUntil } from './support/poll';
import { storedEvents, storedRunIds } from './support/runJournal';
import { escapeRegExp, RunsView } from './support/runsView';
import type { Workbench } from './support/workbench';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Rewrite the alpha note';
const FILES = { 'README.md': '# Notes\n', 'alpha.txt': 'alpha: first draft\n' };
const RESULT = 'orchestrate-result.json';

/** What the test extension writes once `vscode.lm.invokeTool` has answered or thrown. */
interface ToolOutcome {
  ok: boolean;
  text?: string;
  error?: string;
}

/**
 * Runs the test extension's command from the palette, as another agent's command would, and types
 * the goal into its input box; returns VS Code's confirmation dialog for our tool, once it shows.
 */
async function invokeOrchestrate(workbench: Workbench, goal: string): Promise<string> {
  await workbench.runCommand(INVOKE_ORCHESTRATE_COMMAND);
  await workbench
    .quickInputWidget()
    .locator('.quick-input-title', { hasText: 'Goal for the orchestrate tool' })
    .waitFor({ state: 'visible', timeout: 20_000 });
  await workbench.quickInput().pressSequentially(goal, { delay: 5 });
  await workbench.quickInput().press('Enter');
  const dialog = confirmation(workbench);
  await dialog.waitFor({ state: 'visible', timeout: 30_000 });
  return (await dialog.innerText()).replace(/\s+/g, ' ');
}

/** VS Code's modal for a tool invocation outside a chat: the title and message of our `prepareInvocation`. */
function confirmation(workbench: Workbench) {
  return workbench.page.locator('.monaco-dialog-box').filter({ hasText: 'Run a goal with Agent Orchestrator?' });
}

describe('workbench: orchestrate as a language-model tool', function () {
  const fx = useWorkbenchFixture();

  it('another extension invokes agent-orchestrator_orchestrate; VS Code asks first; Cancel runs nothing, Yes runs the goal and answers with the run', async function () {
    const server = (fx.server = await startFakeModelServer({
      respond: scriptedTeam(GOAL, [{ id: 'alpha', title: GOAL }]),
    }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'orchestrate tool',
      files: FILES,
      prepareWorkspace: initGitRepo,
      modelServer: server,
      extraExtensions: [FAKE_LM_EXTENSION],
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
    }));
    const { workbench } = session;
    const runs = new RunsView(workbench);
    const outcome = (): ToolOutcome | undefined => readFakeLmFile<ToolOutcome>(session, RESULT);
    await runs.show();

    // First invocation: the confirmation names the goal and says files may change; Cancel runs nothing.
    const asked = await invokeOrchestrate(workbench, GOAL);
    assert.match(asked, new RegExp(`agents that may edit files of this workspace.*${escapeRegExp(GOAL)}`));
    assert.equal(server.requests.length, 0, 'no model was called while the confirmation was open');
    await workbench.screenshot('tool confirmation');
    await confirmation(workbench)
      .locator('.monaco-button', { hasText: /^\s*Cancel\s*$/ })
      .click();
    const cancelled = await waitUntil('the tool call to end after Cancel', outcome, { timeoutMs: 30_000 });
    assert.equal(cancelled.ok, false, `the caller got an error: ${JSON.stringify(cancelled)}`);
    assert.deepEqual(storedRunIds(session), [], 'no run was started');
    assert.equal(server.requests.length, 0, 'no model was called');
    assert.equal(readFileSync(join(session.workspace, 'alpha.txt'), 'utf8'), FILES['alpha.txt']);

    // Second invocation: Yes. The run plans and runs, and the caller gets a summary naming the run.
    rmSync(fakeLmFile(session, RESULT), { force: true });
    await invokeOrchestrate(workbench, GOAL);
    await confirmation(workbench)
      .locator('.monaco-button', { hasText: /^\s*Yes\s*$/ })
      .click();
    const answered = await waitUntil('the tool result', outcome, {
      timeoutMs: 90_000,
      describe: () => runs.describe(),
    });
    assert.equal(answered.ok, true, `the tool answered: ${JSON.stringify(answered)}`);
    const text = answered.text ?? '';
    const [runId, ...others] = storedRunIds(session);
    assert.ok(runId !== undefined && others.length === 0, `one run stored: ${storedRunIds(session).join(', ')}`);
    assert.match(text, new RegExp(`^Run ${escapeRegExp(runId)}: succeeded\\.`, 'm'), text);
    assert.match(text, new RegExp(`^Goal: ${escapeRegExp(GOAL)}$`, 'm'), text);
    assert.match(text, /^- alpha \[succeeded\] /m, text);
    assert.match(text, /^Files changed \(1\): alpha\.txt$/m, text);

    // The run is ours like any other: in the Runs view, in globalStorage, its edit applied.
    await runs.waitForRow(
      'the run, succeeded',
      (r) => r.level === 1 && new RegExp(`^Run ${escapeRegExp(GOAL)}, succeeded`).test(r.label),
      20_000,
    );
    await workbench.screenshot('tool run in the runs view');
    assert.equal(readFileSync(join(session.workspace, 'alpha.txt'), 'utf8'), 'written by alpha\n');
    const events = storedEvents<{ type: string; goal?: string; status?: string }>(session, runId);
    assert.equal(events.find((e) => e.type === 'run.created')?.goal, GOAL);
    assert.equal(events.filter((e) => e.type === 'run.completed').at(-1)?.status, 'succeeded');
  });
});
