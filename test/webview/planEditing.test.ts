import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostMessage } from '../../src/protocol/messages';
import type { PlanTaskView } from '../../src/protocol/planReview';
import { useBrowserSuite, usePanelPage } from './support/browserSuite';
import { ARTIFACTS } from './support/panelBuilders';

const DRY_RUN = 'run-1700000000000-dry1';

function planTask(id: string, deps: string[] = [], overrides: Partial<PlanTaskView> = {}): PlanTaskView {
  return {
    id,
    title: `Task ${id}`,
    description: `Do ${id}.`,
    deps,
    capabilities: ['code'],
    acceptanceCriteria: [],
    ...overrides,
  };
}

/** a ← b ← c: c depends on b, b on a; d stands alone. */
function review(version = 0, tasks = [planTask('a'), planTask('b', ['a']), planTask('c', ['b']), planTask('d')]) {
  return {
    type: 'planReview',
    review: { runId: DRY_RUN, version, goal: 'Add JWT auth', tasks, agents: ['coder', 'tester'] },
  } satisfies HostMessage;
}

describe('plan editing in the run panel (headless Chromium)', function () {
  this.timeout(30_000);
  const suite = useBrowserSuite();
  const panel = usePanelPage(suite, async (p) => {
    await p.send(review());
    await p.page.locator('[data-testid=plan-review] [data-task-id=d]').waitFor();
  });

  /** Opens the editor of a task from the keyboard: select it on the graph, then Enter. */
  async function openTask(id: string): Promise<void> {
    await panel().page.locator(`[data-task-id=${id}]`).click();
    await panel().page.focus('[data-testid=graph]');
    await panel().page.keyboard.press('Enter');
    await panel()
      .page.locator('[data-testid=plan-pane]', { hasText: `Task ${id}` })
      .waitFor();
  }

  const postedAfterReady = async (): Promise<unknown[]> => (await panel().posted()).filter((m) => m.type !== 'ready');

  it('plan editing refuses a cycle: no message is posted, the reason is shown; a legal edge posts addEdge', async () => {
    await openTask('a');
    await panel().page.selectOption('[data-testid=plan-dep-select]', 'c');
    await panel().page.click('[data-testid=plan-add-dep]');
    const error = panel().page.locator('[data-testid=plan-edit-error]');
    await error.waitFor();
    assert.equal(
      await error.innerText(),
      '"c" already depends on "a" through "b", so "a" cannot depend on "c" (that would be a cycle).',
    );
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.deepEqual(await postedAfterReady(), [], 'nothing was posted for the cycle');

    await panel().page.selectOption('[data-testid=plan-dep-select]', 'd');
    await panel().page.click('[data-testid=plan-add-dep]');
    assert.deepEqual(await postedAfterReady(), [
      { type: 'planEdit', runId: DRY_RUN, edit: { op: 'addEdge', taskId: 'a', dependsOn: 'd' } },
    ]);
    assert.equal(await error.count(), 0, 'the cycle message is gone');
  });

  it('posts a title edit as one setTitle, and a removed dependency as removeEdge, all from the keyboard', async () => {
    await openTask('b');
    const title = panel().page.locator('[data-testid=plan-title]');
    assert.equal(await title.inputValue(), 'Task b');
    await title.fill('Write the token parser');
    await title.press('Enter');
    // Tab order reaches the remove button; Enter presses it.
    await panel().page.getByRole('button', { name: 'Remove the dependency on Task a (a)' }).focus();
    await panel().page.keyboard.press('Enter');
    assert.deepEqual(await postedAfterReady(), [
      { type: 'planEdit', runId: DRY_RUN, edit: { op: 'setTitle', taskId: 'b', title: 'Write the token parser' } },
      { type: 'planEdit', runId: DRY_RUN, edit: { op: 'removeEdge', taskId: 'b', dependsOn: 'a' } },
    ]);

    // The host answers with the plan as it now is; the node and the editor show it.
    const tasks = [
      planTask('a'),
      planTask('b', [], { title: 'Write the token parser' }),
      planTask('c', ['b']),
      planTask('d'),
    ];
    await panel().send(review(2, tasks));
    await panel().page.locator('[data-task-id=b][aria-label^="Write the token parser"]').waitFor();
    assert.equal(
      await panel().page.locator('[data-testid=plan-remove-dep-a]').count(),
      0,
      'the edge is gone from the pane',
    );
    assert.equal(await panel().page.locator('polyline.edge').count(), 1, 'one edge left: b → c');
  });

  it('asks before deleting and says which tasks lose the dependency, then posts deleteTask', async () => {
    await openTask('b');
    await panel().page.click('[data-testid=plan-delete]');
    assert.match(
      await panel().page.locator('[data-testid=plan-delete-warning]').innerText(),
      /"c" will no longer wait for it/,
    );
    assert.deepEqual(await postedAfterReady(), []);
    await panel().page.click('[data-testid=plan-delete-confirm]');
    assert.deepEqual(await postedAfterReady(), [
      { type: 'planEdit', runId: DRY_RUN, edit: { op: 'deleteTask', taskId: 'b' } },
    ]);
  });

  it('Run posts the version shown; Discard and Open as JSON post their messages', async () => {
    await panel().send(review(4));
    await panel().page.click('[data-testid=plan-run]');
    await panel().page.click('[data-testid=plan-open-json]');
    await panel().page.click('[data-testid=plan-discard]');
    assert.deepEqual(await postedAfterReady(), [
      { type: 'planRun', runId: DRY_RUN, version: 4 },
      { type: 'planOpenJson', runId: DRY_RUN },
      { type: 'planDiscard', runId: DRY_RUN },
    ]);
    await panel().send({ type: 'planReviewEnded', runId: DRY_RUN });
    await panel().page.locator('[data-testid=plan-review]').waitFor({ state: 'detached' });
  });

  it('shows the issues from the host next to their task and field', async () => {
    await panel().send({
      type: 'planIssues',
      runId: DRY_RUN,
      version: 0,
      kind: 'validation',
      issues: [
        {
          taskId: 'c',
          field: 'agent',
          message: 'tasks[2].agent: task "c" is assigned to agent "coder", which lacks "test".',
        },
        { field: 'plan', message: 'tasks: the plan has 60 tasks, more than the limit of 50.' },
      ],
    });
    const index = panel().page.locator('[data-testid=plan-issues] [data-issue-task=c]');
    await index.waitFor();
    assert.match(await index.innerText(), /Task c.*lacks "test"/s);
    assert.match(
      await panel().page.locator('[data-testid=plan-issues-general]').innerText(),
      /more than the limit of 50/,
    );
    await index.locator('vscode-button').click();
    const besideAgent = panel().page.locator('[data-testid=plan-pane] [data-testid=issue-agent]');
    await besideAgent.waitFor();
    assert.match(await besideAgent.innerText(), /lacks "test"/);
    assert.equal(await panel().page.locator('[data-testid=plan-pane] [data-testid=issue-title]').count(), 0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await panel().page.screenshot({ path: join(ARTIFACTS, 'plan-review.png') });

    // Issues of an older version are not shown over a newer plan.
    await panel().send(review(1));
    await panel().send({
      type: 'planIssues',
      runId: DRY_RUN,
      version: 0,
      kind: 'validation',
      issues: [{ taskId: 'a', field: 'title', message: 'stale' }],
    });
    await panel().send({
      type: 'planIssues',
      runId: DRY_RUN,
      version: 1,
      kind: 'validation',
      issues: [{ taskId: 'a', field: 'title', message: 'current' }],
    });
    await panel().page.locator('[data-testid=plan-issues] [data-issue-task=a]', { hasText: 'current' }).waitFor();
    assert.equal(
      await panel().page.getByText('stale').count(),
      0,
      'messages arrive in order: the stale one was dropped',
    );
  });
});
