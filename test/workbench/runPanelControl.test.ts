import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { startFakeModelServer } from '../support/fakeModelServer/fakeModelServer';
import { scriptedTeam, taskOfRequest } from '../support/scriptedTeam';
import { Editors } from './support/editors';
import { initGitRepo } from './support/gitRepo';
import { orchestrateGoal } from './support/goalFlow';
import { waitUntil } from './support/poll';
import { onlyRunId, storedEvents } from './support/runJournal';
import { nodeStatus, runPanelFrame } from './support/runPanelFrame';
import { WorkbenchSession } from './support/workbenchSession';
import { useWorkbenchFixture } from './support/workbenchFixture';

const GOAL = 'Rewrite the alpha note and the beta note';
const FILES = { 'README.md': '# Notes\n', 'alpha.txt': 'alpha: first draft\n', 'beta.txt': 'beta: first draft\n' };
const TASKS = [
  { id: 'alpha', title: 'Rewrite the alpha note' },
  { id: 'beta', title: 'Rewrite the beta note' },
];

interface StoredEvent {
  type: string;
  taskId?: string;
  action?: string;
  decision?: string;
  path?: string;
  status?: string;
  note?: string;
}

/** The events of the session's only run, as the extension stored them. */
function runEvents(session: WorkbenchSession): StoredEvent[] {
  return storedEvents<StoredEvent>(session, onlyRunId(session));
}

/** Clicks the panel's button `testId` inside the approval of `file`. */
async function approveFrom(panel: Frame, file: string): Promise<void> {
  const row = panel.locator('[data-approval-id]').filter({ hasText: `Edit ${file}` });
  await row.first().waitFor({ state: 'visible', timeout: 30_000 });
  await row.first().locator('[data-testid=approve]').click();
}

describe('workbench: steering a run from the run panel', function () {
  const fx = useWorkbenchFixture();

  it('cancelling one task from its node leaves the other running, a hidden panel shown again catches up, and a retry from the node carries its note', async function () {
    // Each agent waits 10 s before proposing, so both tasks are running when the person acts.
    const server = (fx.server = await startFakeModelServer({ respond: scriptedTeam(GOAL, TASKS, 10_000) }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'cancel from the panel',
      files: FILES,
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
    }));
    const { workbench } = session;
    const read = (name: string): string => readFileSync(join(session.workspace, name), 'utf8');

    await orchestrateGoal(workbench, GOAL);
    await workbench.waitForNotification(/Orchestrating/, 30_000);
    // Open the panel from the status bar: its item lists the run, with "Open Run Panel".
    const item = workbench.page.locator('.part.statusbar .statusbar-item', { hasText: /tok/ }).first();
    await item.waitFor({ state: 'visible', timeout: 20_000 });
    await item.click();
    const open = workbench.quickInputWidget().locator('.monaco-list-row', { hasText: 'Open Run Panel' });
    await open.first().waitFor({ state: 'visible', timeout: 20_000 });
    await open.first().click();
    const panel = await runPanelFrame(workbench);
    await waitUntil(
      'both tasks drawn as running',
      async () => (await nodeStatus(panel, 'alpha')) === 'running' && (await nodeStatus(panel, 'beta')) === 'running',
      {
        timeoutMs: 30_000,
        describe: async () => `${await nodeStatus(panel, 'alpha')}, ${await nodeStatus(panel, 'beta')}`,
      },
    );

    // Open alpha's details (double-click its node) and press Cancel there.
    await panel.locator('[data-task-id="alpha"]').dblclick();
    await panel.locator('[data-testid=details]').waitFor({ state: 'visible', timeout: 10_000 });
    await panel.locator('[data-testid=action-cancel]').click();
    const whenCancelled = await waitUntil(
      'alpha drawn as cancelled',
      async () => {
        const alpha = await nodeStatus(panel, 'alpha');
        return alpha === 'cancelled' ? { alpha, beta: await nodeStatus(panel, 'beta') } : undefined;
      },
      { timeoutMs: 20_000, describe: async () => `alpha is ${await nodeStatus(panel, 'alpha')}` },
    );
    assert.equal(whenCancelled.beta, 'running', 'beta still runs after alpha was cancelled');
    await workbench.screenshot('alpha cancelled from the panel, beta running');

    // Hide the panel behind another editor while the run goes on, then show it again.
    await new Editors(workbench).quickOpen('README.md');
    await waitUntil('beta.txt written by beta', () => read('beta.txt') === 'written by beta\n', {
      timeoutMs: 45_000,
      describe: () => JSON.stringify(read('beta.txt')),
    });
    await waitUntil('the run to end', () => runEvents(session).some((e) => e.type === 'run.completed'), {
      timeoutMs: 30_000,
    });
    await new Editors(workbench).activate(/^Run: /);
    const shownAgain = await runPanelFrame(workbench);
    const states = await waitUntil(
      'the panel shown again to draw the ended run',
      async () => {
        const s = [await nodeStatus(shownAgain, 'alpha'), await nodeStatus(shownAgain, 'beta')];
        return s[1] === 'succeeded' ? s : undefined;
      },
      { timeoutMs: 20_000, describe: async () => `beta is ${await nodeStatus(shownAgain, 'beta')}` },
    );
    assert.deepEqual(states, ['cancelled', 'succeeded']);
    await workbench.screenshot('panel shown again after the run');

    assert.equal(read('alpha.txt'), FILES['alpha.txt'], 'the cancelled task wrote nothing');
    const afterCancel = runEvents(session);
    assert.deepEqual(
      afterCancel.filter((e) => e.type === 'task.action').map((e) => `${e.taskId}:${e.action}`),
      ['alpha:cancel'],
    );
    assert.deepEqual(
      afterCancel.filter((e) => e.type === 'task.succeeded').map((e) => e.taskId),
      ['beta'],
    );

    // Retry the cancelled task from its node with a note: no second prompt, and the note reaches its brief.
    const note = 'Keep the note to one line.';
    await shownAgain.locator('[data-task-id="alpha"]').dblclick();
    await shownAgain.locator('[data-testid=details] input.note').fill(note);
    await shownAgain.locator('[data-testid=action-retry]').click();
    await waitUntil('alpha.txt written by the retried alpha', () => read('alpha.txt') === 'written by alpha\n', {
      timeoutMs: 45_000,
      describe: () => JSON.stringify(read('alpha.txt')),
    });
    const retried = runEvents(session).filter((e) => e.type === 'task.action' && e.action === 'retry');
    assert.deepEqual(
      retried.map((e) => [e.taskId, e.note]),
      [['alpha', note]],
    );
    const briefs = server.requests.filter((r) => taskOfRequest(r) === 'alpha').map((r) => JSON.stringify(r.body));
    assert.ok(
      briefs.some((b) => b.includes(note)),
      'the retry note is in a brief of alpha',
    );
  });

  it('is restored after a window reload, showing the same run, its timeline and its agents', async function () {
    const server = (fx.server = await startFakeModelServer({ respond: scriptedTeam(GOAL, TASKS) }));
    const session = (fx.session = await WorkbenchSession.start({
      title: this.test?.fullTitle() ?? 'panel after reload',
      files: FILES,
      prepareWorkspace: initGitRepo,
      settings: { 'agentOrchestrator.approvalMode': 'autoApprove' },
      modelServer: server,
    }));
    const { workbench } = session;
    await orchestrateGoal(workbench, GOAL);
    await workbench.waitForNotification(/Run succeeded/, 60_000);
    await workbench.runCommand('Orchestrator: Open Run Panel');
    const before = await runPanelFrame(workbench);
    await waitUntil('both tasks drawn as succeeded', async () => (await nodeStatus(before, 'beta')) === 'succeeded', {
      timeoutMs: 20_000,
    });

    await workbench.reload();
    // VS Code brings the panel back through the extension's serializer, with the run id the page kept.
    const after = await runPanelFrame(workbench, 60_000);
    const states = await waitUntil(
      'the restored panel to draw the run',
      async () => {
        const s = [await nodeStatus(after, 'alpha'), await nodeStatus(after, 'beta')];
        return s.every((x) => x === 'succeeded') ? s : undefined;
      },
      {
        timeoutMs: 30_000,
        describe: async () => `${await nodeStatus(after, 'alpha')}, ${await nodeStatus(after, 'beta')}`,
      },
    );
    assert.deepEqual(states, ['succeeded', 'succeeded']);
    const runId = onlyRunId(session);
    const select = after.locator('[data-testid=run-select]');
    await waitUntil('the switcher to show the restored run', async () => (await select.inputValue()) === runId, {
      timeoutMs: 10_000,
      describe: async () =>
        `value ${JSON.stringify(await select.inputValue())}, options ${JSON.stringify(
          await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
        )}, run ${runId}`,
    });
    await workbench.screenshot('run panel restored after reload');

    // The timeline draws one attempt per task, the agents tab the coder that ran them.
    await after.locator('[data-testid=tab-timeline]').click();
    const attempts = after.locator('[data-testid=segment][data-kind=attempt]');
    await waitUntil('an attempt segment for each task', async () => (await attempts.count()) >= 2, {
      timeoutMs: 10_000,
      describe: async () => `${await attempts.count()} attempt segments`,
    });
    assert.deepEqual((await attempts.evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')))).sort(), [
      'alpha',
      'beta',
    ]);
    await workbench.screenshot('timeline of the restored run');
    await after.locator('[data-testid=tab-agents]').click();
    const coder = after.locator('[data-agent-id=coder]');
    await coder.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await coder.innerText(), /100 % of [1-9]/, 'the coder succeeded every attempt it made');
  });

  for (const order of [
    ['beta', 'alpha'],
    ['alpha', 'beta'],
  ] as const) {
    it(`two pending proposals approved from the panel, ${order.join(' then ')}, each apply their own edit`, async function () {
      const server = (fx.server = await startFakeModelServer({ respond: scriptedTeam(GOAL, TASKS) }));
      const session = (fx.session = await WorkbenchSession.start({
        title: this.test?.fullTitle() ?? 'approve from the panel',
        files: FILES,
        prepareWorkspace: initGitRepo,
        settings: { 'agentOrchestrator.approvalMode': 'ask' },
        modelServer: server,
      }));
      const { workbench } = session;
      const read = (name: string): string => readFileSync(join(session.workspace, name), 'utf8');

      await orchestrateGoal(workbench, GOAL);
      // Each proposal opens its diff in a tab of its own; open the panel once both have, so it stays in front.
      const editors = new Editors(workbench);
      for (const name of ['alpha', 'beta']) {
        await editors.tab(`${name}.txt (Proposed by`).first().waitFor({ state: 'attached', timeout: 45_000 });
      }
      await workbench.runCommand('Orchestrator: Open Run Panel');
      const panel = await runPanelFrame(workbench);
      await panel.locator('[data-testid=tab-approvals]').click();
      await waitUntil(
        'two proposals waiting in the panel',
        async () => (await panel.locator('[data-approval-id]').count()) === 2,
        {
          timeoutMs: 45_000,
          describe: async () => `${await panel.locator('[data-approval-id]').count()} waiting`,
        },
      );
      await workbench.screenshot(`two proposals waiting (${order.join(' then ')})`);

      const [first, second] = order;
      await approveFrom(panel, `${first}.txt`);
      await waitUntil(`${first}.txt to hold its own edit`, () => read(`${first}.txt`) === `written by ${first}\n`, {
        timeoutMs: 20_000,
        describe: () => JSON.stringify(read(`${first}.txt`)),
      });
      assert.equal(read(`${second}.txt`), FILES[`${second}.txt`], `approving ${first} did not touch ${second}.txt`);
      await waitUntil(
        'one proposal left in the panel',
        async () => (await panel.locator('[data-approval-id]').count()) === 1,
        {
          timeoutMs: 20_000,
        },
      );

      await approveFrom(panel, `${second}.txt`);
      await waitUntil(`${second}.txt to hold its own edit`, () => read(`${second}.txt`) === `written by ${second}\n`, {
        timeoutMs: 20_000,
        describe: () => JSON.stringify(read(`${second}.txt`)),
      });
      await workbench.waitForNotification(/Run succeeded/, 45_000);
      await workbench.screenshot(`both approved from the panel (${order.join(' then ')})`);

      const events = runEvents(session);
      assert.deepEqual(
        events.filter((e) => e.type === 'approval.decided').map((e) => `${e.taskId}:${e.decision}`),
        [`${first}:accepted`, `${second}:accepted`],
      );
      assert.deepEqual(
        events.filter((e) => e.type === 'edit.applied').map((e) => e.path),
        [`${first}.txt`, `${second}.txt`],
      );
    });
  }
});
