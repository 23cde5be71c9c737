import assert from 'node:assert/strict';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitForToast } from './support/notifications';
import { waitUntil } from './support/poll';
import { RecordingListener } from './support/recordingListener';
import { escapeRegExp } from './support/runsView';
import { isSecretStorageEntry, readBrowserStorage } from './support/browserStorage';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Write the alpha note';
const KEY = 'sk-checklist9-0123456789abcdef';

describe('checklist 9: the user is asked before a key is sent to a base URL host not yet confirmed', function () {
  const fx = useWorkbenchFixture();
  let listener: RecordingListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  it('asks with a modal naming the host; Cancel sends nothing and asks again next time, Allow sends the key', async function () {
    listener = await RecordingListener.start();
    // An IPv4-mapped IPv6 address reaches this machine but is not one of the loopback names the
    // product trusts without asking, so it stands for "a host the user has not confirmed".
    const host = '::ffff:7f00:1';
    const baseUrl = `http://[::ffff:127.0.0.1]:${listener.port}/v1`;
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'key host consent',
      files: { 'README.md': '# Notes\n', 'alpha.txt': 'alpha: first draft\n' },
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.provider': 'openai', 'agentOrchestrator.baseUrl': baseUrl },
      env: { OPENAI_API_KEY: KEY },
    }));
    const { workbench } = session;
    const dialog = workbench.page.locator('.monaco-dialog-box');
    const question = new RegExp(`Send your OpenAI API key to ${escapeRegExp(host)}\\?`);

    // First attempt: the question comes before anything is sent; Cancel keeps the key home.
    await orchestrateGoal(workbench, GOAL);
    await dialog.filter({ hasText: question }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await dialog.innerText(), /not OpenAI's own endpoint/);
    assert.equal(listener.requests.length, 0, 'nothing reached the host while the question was open');
    await workbench.screenshot('key host question');
    await dialog.locator('.monaco-button', { hasText: /^\s*Cancel\s*$/ }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    const refused = await waitForToast(workbench, /was not sent to/, 30_000);
    assert.match((await refused.innerText()).replace(/\s+/g, ' '), /because you did not allow it/);
    await workbench.screenshot('key refused');
    assert.deepEqual(listener.requests, [], 'after Cancel no request reached the host');

    // Second attempt: a refusal is not remembered, so the user is asked again; Allow sends the key.
    await orchestrateGoal(workbench, GOAL);
    await dialog.filter({ hasText: question }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(listener.requests.length, 0, 'nothing reached the host before Allow');
    await dialog.locator('.monaco-button', { hasText: /^\s*Allow\s*$/ }).click();
    const first = await waitUntil('a request to reach the allowed host', () => listener?.requests[0], {
      timeoutMs: 30_000,
    });
    assert.equal(first.authorization, `Bearer ${KEY}`, 'the key went to the host only after Allow');
    assert.match(first.path, /^\/v1\//);
    await workbench.screenshot('key allowed');

    // The answer is remembered in globalState as the host name only, never with the key.
    const stored = await waitUntil(
      'the confirmed host in the workbench storage',
      async () => {
        const entries = await readBrowserStorage(workbench.page);
        return entries.some((e) => !isSecretStorageEntry(e) && e.value.includes(host)) ? entries : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const leaks = stored.filter((e) => !isSecretStorageEntry(e) && e.value.includes(KEY));
    assert.deepEqual(
      leaks.map((e) => `${e.database}/${e.store}/${e.key}`),
      [],
      'no storage entry but SecretStorage holds the key',
    );
  });
});
