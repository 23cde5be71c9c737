import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../support/scriptedTeam';
import { isSecretStorageEntry, readBrowserStorage } from './support/browserStorage';
import { Editors } from './support/editors';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Write the alpha note';

describe('checklist 8: API keys live only in SecretStorage', function () {
  const fx = useWorkbenchFixture();

  it('a key set with Set API Key runs a goal, and appears in no state entry, storage file, log or exported summary', async function () {
    const server = (fx.server = await startFakeModelServer({
      respond: scriptedTeam(GOAL, [{ id: 'alpha', title: GOAL }]),
    }));
    const key = server.apiKey;
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'api key storage',
      files: { 'README.md': '# Notes\n', 'alpha.txt': 'alpha: first draft\n' },
      prepareWorkspace: initGitRepo,
      // No key in the environment: the only key is the one typed into Set API Key.
      settings: {
        'agentOrchestrator.provider': 'openai',
        'agentOrchestrator.baseUrl': server.openAiBaseUrl,
        'agentOrchestrator.approvalMode': 'autoApprove',
      },
      env: { OPENAI_API_KEY: '' },
    }));
    const { workbench } = session;

    // The key goes in through the password box of Set API Key.
    await workbench.runCommand('Orchestrator: Set API Key');
    const widget = workbench.quickInputWidget();
    await widget.locator('.quick-input-title', { hasText: 'Set API Key' }).waitFor({ state: 'visible' });
    await widget
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: workbench.page.locator('.label-name', { hasText: /^\s*OpenAI\s*$/ }) })
      .first()
      .click();
    await widget.locator('.quick-input-title', { hasText: 'OpenAI API Key' }).waitFor({ state: 'visible' });
    assert.equal(await workbench.quickInput().getAttribute('type'), 'password', 'the key is typed into a password box');
    await workbench.quickInput().pressSequentially(key, { delay: 2 });
    await workbench.quickInput().press('Enter');
    await waitForToast(workbench, /key is stored in the OS keychain/, 20_000);

    // A whole run works with that key: the server answers only requests that carry it.
    await orchestrateGoal(workbench, GOAL);
    await waitForToast(workbench, /Run succeeded/, 60_000);
    assert.ok(server.requests.length >= 2, `the model was called: ${server.requests.length} requests`);
    assert.ok(
      server.requests.every((r) => r.outcome === 'answered'),
      `every request carried the stored key: ${server.requests.map((r) => r.outcome).join(', ')}`,
    );
    assert.equal(readFileSync(join(session.workspace, 'alpha.txt'), 'utf8'), 'written by alpha\n');

    // The exported summary.
    await workbench.runCommand('Orchestrator: Export Run Summary');
    const pick = widget.locator('.quick-input-list .monaco-list-row').first();
    const editors = new Editors(workbench);
    const summary = await waitUntil(
      'the exported summary in an editor',
      async () => {
        if (await pick.isVisible()) await workbench.quickInput().press('Enter');
        const text = await editors.visibleText().catch(() => '');
        return text.includes(GOAL) ? text : undefined;
      },
      { timeoutMs: 30_000 },
    );
    await workbench.screenshot('exported summary');
    assert.equal(summary.includes(key), false, 'the exported summary does not contain the key');

    // The extension's logs: open them so the output channel is surely written to its log file.
    await workbench.runCommand('Orchestrator: Show Logs');

    // Browser storage holds globalState and workspaceState: only SecretStorage may hold the key.
    const entries = await waitUntil(
      'the recent goal in the workbench storage (workspaceState is flushed)',
      async () => {
        const all = await readBrowserStorage(workbench.page);
        return all.some((e) => !isSecretStorageEntry(e) && e.value.includes(GOAL)) ? all : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const stateLeaks = entries.filter((e) => !isSecretStorageEntry(e) && e.value.includes(key));
    assert.deepEqual(
      stateLeaks.map((e) => `${e.database}/${e.store}/${e.key}`),
      [],
      'no storage entry but SecretStorage holds the key',
    );

    // Files: the storage folder, user data (settings, VS Code's and the extension's logs), the
    // workspace and code-server's own output.
    const files = filesUnder(session.root);
    assert.ok(
      files.some((f) => f.startsWith(session.globalStorageDir())),
      'the run was stored under the storage folder',
    );
    assert.ok(
      files.some((f) => /Agent Orchestrator\.log$/.test(f)),
      `the extension's output channel has a log file: ${files.filter((f) => f.endsWith('.log')).join(', ')}`,
    );
    const fileLeaks = files.filter((f) => readFileSync(f).includes(key));
    assert.deepEqual(fileLeaks, [], 'no file under the storage folder, user data, workspace or logs holds the key');
  });
});

/** Every file below `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : [],
  );
}
