import assert from 'node:assert/strict';
import { useBrowserSuite, usePanelPage } from './support/browserSuite';
import { editApproval, logLines, RUN_ID, snapshot, taskView } from './support/panelBuilders';

describe('run panel webview (headless Chromium)', function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();
  const panel = usePanelPage(suite);

  it('says ready first', async () => {
    assert.deepEqual((await panel().posted())[0], { type: 'ready' });
  });

  it('recolours a node when a status event arrives', async () => {
    await panel().send(snapshot([taskView('a', [], { status: 'running' }), taskView('b', ['a'])]));
    const band = panel().page.locator('[data-task-id=a] .node-band');
    const before = await band.evaluate((el) => getComputedStyle(el).fill);
    await panel().send({
      type: 'event',
      runId: RUN_ID,
      event: { kind: 'task', task: taskView('a', [], { status: 'failed' }) },
    });
    await panel().page.locator('[data-task-id=a][data-status=failed]').waitFor();
    const after = await band.evaluate((el) => getComputedStyle(el).fill);
    assert.notEqual(after, before);
    assert.equal(after, 'rgb(241, 76, 76)', 'failed takes --vscode-testing-iconFailed of the dark theme');
    assert.match((await panel().page.locator('[data-task-id=a]').getAttribute('aria-label')) ?? '', /failed/);
  });

  it('moves the selection along edges with the arrow keys and opens details with Enter', async () => {
    await panel().send(snapshot([taskView('a'), taskView('b', ['a']), taskView('c', ['b']), taskView('d', ['b'])]));
    await panel().page.locator('[data-task-id=a]').click();
    const selected = (): Promise<string | null> =>
      panel().page.locator('[aria-selected=true][data-task-id]').getAttribute('data-task-id');
    assert.equal(await selected(), 'a');
    await panel().page.focus('[data-testid=graph]');
    await panel().page.keyboard.press('ArrowDown');
    assert.equal(await selected(), 'b');
    await panel().page.keyboard.press('ArrowDown');
    const child = await selected();
    assert.ok(child === 'c' || child === 'd', `down from b goes to a dependent, not ${child}`);
    const other = child === 'c' ? 'd' : 'c';
    const x = async (id: string): Promise<number> =>
      (await panel().page.locator(`[data-task-id=${id}]`).boundingBox())!.x;
    await panel().page.keyboard.press((await x(other)) > (await x(child)) ? 'ArrowRight' : 'ArrowLeft');
    assert.equal(await selected(), other, 'sideways moves to the sibling on that side');
    await panel().page.keyboard.press('ArrowUp');
    assert.equal(await selected(), 'b');
    await panel().page.keyboard.press('Enter');
    await panel().page.locator('[data-testid=details] h2', { hasText: 'Task b' }).waitFor();
  });

  it('draws tasks whose dependencies form a cycle on a grid with a note, and still selects them', async () => {
    await panel().send(snapshot([taskView('a', ['c']), taskView('b', ['a']), taskView('c', ['b']), taskView('d')]));
    const note = panel().page.locator('[data-testid=graph-note]');
    await note.waitFor();
    assert.match((await note.textContent()) ?? '', /cycle/);
    assert.equal(await panel().page.locator('[data-task-id]').count(), 4, 'every task is drawn');
    await panel().page.locator('[data-task-id=c]').click();
    assert.equal(await panel().page.locator('[aria-selected=true][data-task-id]').getAttribute('data-task-id'), 'c');
    await panel().send(snapshot([taskView('a'), taskView('b', ['a'])]));
    await panel().page.locator('[data-task-id=b]').waitFor();
    assert.equal(await note.count(), 0, 'a plan without the cycle is drawn in ranks again');
  });

  it('posts approvalDecision with the id of the proposal whose Approve was pressed', async () => {
    const approvals = [editApproval('a:edit:src/a.ts:1111', 'a'), editApproval('b:edit:src/b.ts:2222', 'b')];
    await panel().send(snapshot([taskView('a'), taskView('b')], { approvals }));
    await panel().page.locator('[data-testid=tab-approvals]').click();
    await panel().page.locator('[data-approval-id="b:edit:src/b.ts:2222"] [data-testid=approve]').click();
    await panel().page.locator('[data-approval-id="a:edit:src/a.ts:1111"] [data-testid=open-diff]').click();
    const posted = await panel().posted();
    assert.deepEqual(posted.slice(1), [
      { type: 'approvalDecision', approvalId: 'b:edit:src/b.ts:2222', decision: 'accept' },
      { type: 'openDiff', approvalId: 'a:edit:src/a.ts:1111' },
    ]);
  });

  it('posts Reject with the reason typed for that proposal, and without one when none is typed', async () => {
    const approvals = [editApproval('a:edit:src/a.ts:1111', 'a'), editApproval('b:edit:src/b.ts:2222', 'b')];
    await panel().send(snapshot([taskView('a'), taskView('b')], { approvals }));
    await panel().page.locator('[data-testid=tab-approvals]').click();
    const b = panel().page.locator('[data-approval-id="b:edit:src/b.ts:2222"]');
    await b.locator('[data-testid=reject-reason]').fill('  keep the old API  ');
    assert.equal(await b.locator('[data-testid=reject-reason]').getAttribute('maxlength'), '1000');
    await b.locator('[data-testid=reject]').click();
    await panel().page.locator('[data-approval-id="a:edit:src/a.ts:1111"] [data-testid=reject]').click();
    const posted = await panel().posted();
    assert.deepEqual(posted.slice(1), [
      { type: 'approvalDecision', approvalId: 'b:edit:src/b.ts:2222', decision: 'reject', reason: 'keep the old API' },
      { type: 'approvalDecision', approvalId: 'a:edit:src/a.ts:1111', decision: 'reject' },
    ]);
  });

  it('posts taskAction from the details pane', async () => {
    await panel().send(snapshot([taskView('a', [], { status: 'failed' })]));
    await panel().page.locator('[data-task-id=a]').dblclick();
    await panel().page.fill('input.note', 'use the other API');
    await panel().page.locator('[data-testid=action-retry]').click();
    await panel().page.locator('[data-testid=action-cancel]').click();
    const posted = await panel().posted();
    assert.deepEqual(posted.slice(1), [
      { type: 'taskAction', runId: RUN_ID, taskId: 'a', action: 'retry', note: 'use the other API' },
      { type: 'taskAction', runId: RUN_ID, taskId: 'a', action: 'cancel' },
    ]);
  });

  it("shows the task's own log lines and posts openEdit with the edit's position", async () => {
    const task = taskView('a', [], { status: 'succeeded', edits: ['src/one.ts', 'src/two.ts'] });
    const logs = [
      { seq: 1, at: 0, level: 'info' as const, taskId: 'a', text: 'a started' },
      { seq: 2, at: 0, level: 'info' as const, taskId: 'b', text: 'b started' },
      { seq: 3, at: 0, level: 'warn' as const, taskId: 'a', text: 'a retried' },
    ];
    await panel().send(snapshot([task, taskView('b')], { logs }));
    await panel().page.locator('[data-task-id=a]').dblclick();
    const log = await panel().page.locator('[data-testid=task-log]').innerText();
    assert.match(log, /a started[\s\S]*a retried/);
    assert.doesNotMatch(log, /b started/);
    await panel().page.locator('[data-testid=edit-link]', { hasText: 'src/two.ts' }).click();
    assert.deepEqual((await panel().posted()).at(-1), { type: 'openEdit', runId: RUN_ID, taskId: 'a', index: 1 });
  });

  it('shows the run on screen in the switcher, and posts selectRun when another is picked', async () => {
    const runs = [
      { runId: 'run-older', goal: 'Older goal', status: 'failed' as const },
      { runId: RUN_ID, goal: 'The goal', status: 'running' as const },
    ];
    await panel().send({ type: 'runList', runs, selected: RUN_ID });
    await panel().send(snapshot([taskView('a')]));
    const select = panel().page.locator('[data-testid=run-select]');
    await panel().page.locator('[data-task-id=a]').waitFor();
    assert.equal(await select.inputValue(), RUN_ID);
    await select.selectOption('run-older');
    assert.deepEqual((await panel().posted()).at(-1), { type: 'selectRun', runId: 'run-older' });
  });

  it('keeps only visible log rows in the DOM and filters by text', async () => {
    await panel().send(snapshot([taskView('a')], { logs: logLines(10_000) }));
    await panel().page.locator('[data-testid=tab-logs]').click();
    await panel().page.locator('[data-testid=log-count]', { hasText: '10000 of 10000 lines' }).waitFor();
    const rows = await panel().page.locator('[data-testid=log-row]').count();
    assert.ok(rows > 0 && rows < 100, `${rows} rows in the DOM for 10,000 lines`);
    await panel().page.fill('[data-testid=log-filter]', 'NEEDLE');
    await panel().page.locator('[data-testid=log-count]', { hasText: '1000 of 10000 lines' }).waitFor();
    const texts = await panel().page.locator('[data-testid=log-row]').allTextContents();
    assert.ok(texts.length > 0 && texts.every((t) => t.includes('needle')), texts.slice(0, 3).join('\n'));
    await panel().send({
      type: 'event',
      runId: RUN_ID,
      event: { kind: 'log', lines: [{ seq: 20_000, at: 0, level: 'error', text: 'late needle' }] },
    });
    await panel().page.locator('[data-testid=log-count]', { hasText: '1001 of 10001 lines' }).waitFor();
  });

  it('drops host messages that break the protocol', async () => {
    await panel().send(snapshot([taskView('a')]));
    await panel().page.evaluate(() => window.postMessage({ type: 'snapshot', graph: { runId: '../x' } }, '*'));
    await panel().page.evaluate(() => window.postMessage({ type: 'executeCommand', command: 'x' }, '*'));
    await panel().send({ type: 'event', runId: RUN_ID, event: { kind: 'task', task: taskView('b') } });
    await panel().page.locator('[data-task-id=b]').waitFor();
    assert.equal(await panel().page.locator('[data-task-id=a]').count(), 1);
  });
});
