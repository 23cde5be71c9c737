import * as assert from 'node:assert/strict';
import { editStepKey } from '../../../src/core/tools/proposeEditTool';
import { openCheckpoints, orchestratorRefs, useTestRepo } from '../checkpoint/gitTestRepo';
import { countingWorkspace, createToolHarness, fakeTask } from './toolHarness';
import type { ToolHarness } from './toolHarness';

const BEFORE = 'const a = 1;\n';
const AFTER = 'const a = 2;\n';

describe('checklist 18: an edit is journaled step by step, and resume repeats no completed edit or approval prompt', () => {
  let h: ToolHarness;
  let counted: ReturnType<typeof countingWorkspace>;
  beforeEach(async () => {
    h = await createToolHarness({
      files: { 'src/a.ts': BEFORE },
      wrapWorkspace: (inner) => (counted = countingWorkspace(inner)),
    });
  });
  afterEach(() => h.cleanup());

  describe('checklist 19: an approval recorded before a crash is honoured exactly once on resume', () => {
    it('honours an approval given before a crash exactly once: no second prompt, one write (checklist 19)', async () => {
      const first = fakeTask();
      counted.failNextWrite = new Error('simulated crash while writing');
      const crashed = await h.call(first, 'propose_edit', { path: 'src/a.ts', content: AFTER });
      assert.match(crashed.content, /simulated crash/);
      const key = editStepKey('src/a.ts', BEFORE, AFTER);
      assert.deepEqual([...first.journal.keys()], ['checkpoint', `approval:${key}`], 'approval journaled, apply not');
      assert.equal(await h.read('src/a.ts'), BEFORE);

      const resumed = fakeTask({ journal: first.journal, attempt: 2 });
      const result = await h.call(resumed, 'propose_edit', { path: 'src/a.ts', content: AFTER });
      assert.equal(result.content, 'Updated src/a.ts.');
      assert.equal(h.approvals.proposals.length, 1, 'the user was asked once');
      assert.deepEqual(counted.writes, ['src/a.ts']);
      assert.deepEqual(resumed.ran, [`apply:${key}`]);
      assert.deepEqual(
        resumed.events.map((e) => e.type),
        ['edit.applied'],
      );
      assert.equal(await h.read('src/a.ts'), AFTER);
    });

    it('replays an approval decided before the crash even when the port would now say no', async () => {
      const first = fakeTask();
      counted.failNextWrite = new Error('simulated crash');
      await h.call(first, 'propose_edit', { path: 'src/a.ts', content: AFTER });
      h.approvals.decide = () => {
        throw new Error('must not be asked again');
      };
      const result = await h.call(fakeTask({ journal: first.journal, attempt: 2 }), 'propose_edit', {
        path: 'src/a.ts',
        content: AFTER,
      });
      assert.equal(result.content, 'Updated src/a.ts.');
    });
  });

  it('does not write again after the apply step completed (checklist 18)', async () => {
    const first = fakeTask();
    assert.equal(
      (await h.call(first, 'propose_edit', { path: 'src/a.ts', content: AFTER })).content,
      'Updated src/a.ts.',
    );
    const resumed = fakeTask({ journal: first.journal, attempt: 2 });
    const again = await h.call(resumed, 'propose_edit', { path: 'src/a.ts', content: AFTER });
    assert.equal(again.content, 'No change: src/a.ts already has this content.');
    const edits = await h.call(resumed, 'propose_edit', {
      path: 'src/a.ts',
      edits: [{ search: 'a = 2', replace: 'a = 2' }],
    });
    assert.match(edits.content, /^No change/);
    assert.deepEqual(counted.writes, ['src/a.ts']);
    assert.equal(h.approvals.proposals.length, 1);
    assert.deepEqual(resumed.ran, []);
  });

  it('finishes an apply interrupted after its write without writing again', async () => {
    const first = fakeTask();
    const realWrite = counted.writeFile.bind(counted);
    counted.writeFile = async (p, c) => {
      await realWrite(p, c);
      throw new Error('killed right after the write');
    };
    await h.call(first, 'propose_edit', { path: 'src/a.ts', content: AFTER });
    counted.writeFile = realWrite;
    assert.equal(first.journal.has(`apply:${editStepKey('src/a.ts', BEFORE, AFTER)}`), false);
    const result = await h.call(fakeTask({ journal: first.journal, attempt: 2 }), 'propose_edit', {
      path: 'src/a.ts',
      content: AFTER,
    });
    assert.match(result.content, /^No change/);
    assert.deepEqual(counted.writes, ['src/a.ts']);
  });

  it('applies the same change again, with a fresh approval, after it was undone (A → B → A → B)', async () => {
    const task = fakeTask();
    await h.call(task, 'propose_edit', { path: 'src/a.ts', content: AFTER });
    await h.call(task, 'propose_edit', { path: 'src/a.ts', content: BEFORE });
    const third = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: AFTER });
    assert.equal(third.content, 'Updated src/a.ts.');
    assert.equal(await h.read('src/a.ts'), AFTER);
    assert.equal(h.approvals.proposals.length, 3);
    assert.equal(h.approvals.proposals[2]?.approvalId, `t1:${editStepKey('src/a.ts', BEFORE, AFTER)}#2`);
    assert.deepEqual(counted.writes, ['src/a.ts', 'src/a.ts', 'src/a.ts']);
  });

  it('does not ask again about an identical change the user rejected', async () => {
    h.approvals.decide = () => ({ decision: 'rejected', by: 'user', reason: 'no' });
    const task = fakeTask();
    await h.call(task, 'propose_edit', { path: 'src/a.ts', content: AFTER });
    const again = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: AFTER });
    assert.match(again.content, /rejected by the user, who wrote: "no"/);
    assert.equal(h.approvals.proposals.length, 1);
  });

  it('with checkpoints off, journals null for the checkpoint and records no event', async () => {
    const task = fakeTask();
    await h.call(task, 'propose_edit', { path: 'src/a.ts', content: AFTER });
    assert.equal(task.journal.get('checkpoint'), null);
    assert.equal(
      task.events.some((e) => e.type === 'checkpoint.taken'),
      false,
    );
  });
});

describe('propose_edit checkpoints in a git repository', () => {
  const repo = useTestRepo();

  it("takes one checkpoint before the task's first edit, never again, also not after a resume", async () => {
    const h = await createToolHarness({ root: repo().dir, checkpoints: (root) => openCheckpoints(repo(), root) });
    try {
      const task = fakeTask();
      await h.call(task, 'propose_edit', { path: 'src/app.ts', content: 'export const a = 2;\n' });
      await h.call(task, 'propose_edit', { path: 'README.md', content: 'changed\n' });
      const taken = task.events.filter((e) => e.type === 'checkpoint.taken');
      assert.equal(taken.length, 1);
      assert.deepEqual(task.events.map((e) => e.type).slice(0, 2), ['checkpoint.taken', 'approval.requested']);
      const resumed = fakeTask({ journal: task.journal, attempt: 2 });
      await h.call(resumed, 'propose_edit', { path: 'README.md', content: 'changed again\n' });
      assert.equal(
        resumed.events.some((e) => e.type === 'checkpoint.taken'),
        false,
      );
      const refs = await orchestratorRefs(repo());
      assert.equal(refs.length, 1, refs.join('\n'));
      assert.equal(taken[0]?.type === 'checkpoint.taken' ? taken[0].ref : '', refs[0]);
    } finally {
      await h.cleanup();
    }
  });
});
