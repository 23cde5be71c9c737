import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { editStepKey } from '../../../src/core/tools/proposeEditTool';
import { countingWorkspace, createToolHarness, fakeTask } from './toolHarness';
import type { ToolHarness } from './toolHarness';

const ORIGINAL = 'export const a = 1;\nexport const b = 2;\n';
const CHANGED = 'export const a = 10;\nexport const b = 2;\n';

describe('propose_edit', () => {
  let h: ToolHarness;
  let counted: ReturnType<typeof countingWorkspace>;
  beforeEach(async () => {
    h = await createToolHarness({
      files: { 'src/a.ts': ORIGINAL, 'notes.txt': 'notes\n', '.vscode/settings.json': '{}\n' },
      wrapWorkspace: (inner) => (counted = countingWorkspace(inner)),
    });
  });
  afterEach(() => h.cleanup());

  it('asks, writes and records the approval and the edit when the policy says ask', async () => {
    const task = fakeTask({ task: { writes: ['src'] } });
    const result = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: CHANGED });
    assert.equal(result.content, 'Updated src/a.ts.');
    assert.deepEqual(result.data, { applied: true, path: 'src/a.ts', deleted: false });
    assert.equal(await h.read('src/a.ts'), CHANGED);
    const [proposal] = h.approvals.proposals;
    assert.equal(h.approvals.proposals.length, 1);
    assert.deepEqual(
      { ...proposal, reason: undefined },
      {
        approvalId: `t1:${editStepKey('src/a.ts', ORIGINAL, CHANGED)}`,
        runId: 'run-1',
        taskId: 't1',
        agentId: 'coder',
        path: 'src/a.ts',
        before: ORIGINAL,
        after: CHANGED,
        reason: undefined,
        protected: false,
        policy: 'ask',
      },
    );
    assert.deepEqual(
      task.events.map((e) => e.type),
      ['approval.requested', 'approval.decided', 'edit.applied'],
    );
    assert.deepEqual(task.events[1], {
      type: 'approval.decided',
      taskId: 't1',
      approvalId: proposal?.approvalId,
      decision: 'accepted',
      by: 'user',
    });
    assert.deepEqual(task.claims, [], 'a declared folder covers its files');
  });

  it('auto-accepts without asking when the policy allows the write', async () => {
    const allow = await createToolHarness({
      files: { 'src/a.ts': ORIGINAL },
      rules: [{ effect: 'allow', path: 'src/**' }],
    });
    try {
      const task = fakeTask();
      const result = await allow.call(task, 'propose_edit', { path: 'src/a.ts', content: CHANGED });
      assert.equal(result.content, 'Updated src/a.ts.');
      assert.equal(allow.approvals.proposals.length, 0);
      assert.equal(task.events.find((e) => e.type === 'approval.decided')?.by, 'policy');
    } finally {
      await allow.cleanup();
    }
  });

  it('sends a protected path to a human even when the policy allows everything (checklist 4)', async () => {
    const allowAll = await createToolHarness({
      files: { '.vscode/settings.json': '{}\n' },
      rules: [{ effect: 'allow', path: '**' }],
    });
    try {
      await fs.symlink('.vscode/settings.json', path.join(allowAll.root, 'settings-link'));
      for (const p of ['.vscode/settings.json', 'settings-link']) {
        const task = fakeTask();
        await allowAll.call(task, 'propose_edit', { path: p, content: `{"via":${JSON.stringify(p)}}\n` });
        const proposal = allowAll.approvals.proposals.at(-1);
        assert.equal(proposal?.path, p);
        assert.equal(proposal?.protected, true, p);
        assert.match(proposal?.reason ?? '', /protected/);
        assert.equal(task.events.find((e) => e.type === 'approval.requested')?.protected, true);
      }
      assert.equal(allowAll.approvals.proposals.length, 2);
    } finally {
      await allowAll.cleanup();
    }
  });

  it('refuses escapes with the reason and writes nothing anywhere (checklist 1)', async () => {
    await fs.symlink(h.outside, path.join(h.root, 'dir-out'));
    await fs.symlink(path.join(h.outside, 'not-yet.txt'), path.join(h.root, 'dangling-out'));
    const task = fakeTask();
    for (const p of [
      '../outside/pwned.txt',
      path.join(h.outside, 'pwned.txt'),
      'dir-out/pwned.txt',
      'dangling-out',
      `../${path.basename(h.root)}-evil/x`,
    ]) {
      const result = await h.call(task, 'propose_edit', { path: p, content: 'pwned' });
      assert.equal(result.isError, true, p);
      assert.match(result.content, /^Editing .* is not allowed: Refused path/, p);
    }
    assert.deepEqual(await fs.readdir(h.outside), []);
    assert.deepEqual(
      [h.approvals.proposals.length, counted.writes.length, task.claims.length, task.journal.size],
      [0, 0, 0, 0],
    );
  });

  it('denies a write the policy denies, naming the rule', async () => {
    const deny = await createToolHarness({
      files: { 'src/a.ts': ORIGINAL },
      rules: [{ effect: 'deny', path: 'src/**', reason: 'frozen' }],
    });
    try {
      const result = await deny.call(fakeTask(), 'propose_edit', { path: 'src/a.ts', content: CHANGED });
      assert.equal(result.isError, true);
      assert.match(result.content, /^Editing src\/a\.ts is not allowed: Denied write .*frozen/);
      assert.equal(await deny.read('src/a.ts'), ORIGINAL);
    } finally {
      await deny.cleanup();
    }
  });

  it('replaces a symlink at the target rather than writing through it (checklist 3)', async () => {
    await fs.symlink('notes.txt', path.join(h.root, 'notes-link.txt'));
    const result = await h.call(fakeTask(), 'propose_edit', { path: 'notes-link.txt', content: 'new\n' });
    assert.equal(result.content, 'Updated notes-link.txt.');
    assert.equal(await h.read('notes.txt'), 'notes\n');
    assert.equal((await fs.lstat(path.join(h.root, 'notes-link.txt'))).isSymbolicLink(), false);
  });

  describe('search/replace blocks', () => {
    it('applies blocks that each match once', async () => {
      const edits = [
        { search: 'a = 1', replace: 'a = 10' },
        { search: 'b = 2', replace: 'b = 20' },
      ];
      const result = await h.call(fakeTask(), 'propose_edit', { path: 'src/a.ts', edits });
      assert.equal(result.content, 'Updated src/a.ts.');
      assert.equal(await h.read('src/a.ts'), 'export const a = 10;\nexport const b = 20;\n');
    });

    it('answers a block matching nothing or twice with an error result that names it, and asks nothing', async () => {
      const zero = await h.call(fakeTask(), 'propose_edit', {
        path: 'src/a.ts',
        edits: [
          { search: 'a = 1', replace: 'x' },
          { search: 'const c', replace: 'x' },
        ],
      });
      assert.equal(zero.isError, true);
      assert.match(zero.content, /edits\[1\]\.search matched nothing in src\/a\.ts/);
      assert.doesNotMatch(zero.content, /edits\[0\]/);
      const twice = await h.call(fakeTask(), 'propose_edit', {
        path: 'src/a.ts',
        edits: [{ search: 'export const', replace: 'const' }],
      });
      assert.equal(twice.isError, true);
      assert.match(
        twice.content,
        /edits\[0\]\.search matched 2 times in src\/a\.ts \(lines 1, 2\)\. Include more surrounding lines/,
      );
      assert.equal(await h.read('src/a.ts'), ORIGINAL);
      assert.equal(h.approvals.proposals.length, 0);
    });

    it('refuses overlapping blocks, edits of a missing file, and accepts LF blocks on a CRLF file', async () => {
      const overlap = await h.call(fakeTask(), 'propose_edit', {
        path: 'src/a.ts',
        edits: [
          { search: 'a = 1;\nexport', replace: 'x' },
          { search: 'export const b', replace: 'y' },
        ],
      });
      assert.match(overlap.content, /edits\[0\] and edits\[1\] overlap/);
      const missing = await h.call(fakeTask(), 'propose_edit', {
        path: 'src/none.ts',
        edits: [{ search: 'a', replace: 'b' }],
      });
      assert.match(missing.content, /src\/none\.ts does not exist, so search\/replace edits cannot apply/);
      await h.write('crlf.txt', 'one\r\ntwo\r\nthree\r\n');
      const crlf = await h.call(fakeTask(), 'propose_edit', {
        path: 'crlf.txt',
        edits: [{ search: 'one\ntwo', replace: 'uno\ndos' }],
      });
      assert.equal(crlf.content, 'Updated crlf.txt.');
      assert.equal(await h.read('crlf.txt'), 'uno\r\ndos\r\nthree\r\n');
    });

    it('requires exactly one of content, edits and delete', async () => {
      const both = await h.call(fakeTask(), 'propose_edit', { path: 'src/a.ts', content: 'x', delete: true });
      assert.equal(both.isError, true);
      assert.match(both.content, /give only one of "content", "edits" or "delete", not "content" and "delete"/);
      const none = await h.call(fakeTask(), 'propose_edit', { path: 'src/a.ts' });
      assert.match(none.content, /give one of "content" \(whole file\), "edits"/);
    });
  });

  it('reports no change without asking or checkpointing', async () => {
    const task = fakeTask();
    const result = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: ORIGINAL });
    assert.deepEqual(result, {
      content: 'No change: src/a.ts already has this content.',
      data: { unchanged: true, path: 'src/a.ts' },
    });
    assert.deepEqual([h.approvals.proposals.length, task.journal.size], [0, 0]);
  });

  it('creates and deletes files', async () => {
    const created = await h.call(fakeTask(), 'propose_edit', { path: 'docs/new.md', content: '# New\n' });
    assert.equal(created.content, 'Created docs/new.md.');
    assert.equal(h.approvals.proposals[0]?.before, undefined);
    const deleted = await h.call(fakeTask(), 'propose_edit', { path: 'docs/new.md', delete: true });
    assert.equal(deleted.content, 'Deleted docs/new.md.');
    assert.equal(h.approvals.proposals[1]?.after, undefined);
    assert.equal(await h.read('docs/new.md'), undefined);
    const again = await h.call(fakeTask(), 'propose_edit', { path: 'docs/new.md', delete: true });
    assert.match(again.content, /^No change: docs\/new\.md does not exist/);
  });

  it('leaves the file unchanged when rejected and tells the agent to change course', async () => {
    h.approvals.decide = () => ({ decision: 'rejected', by: 'user', reason: 'too risky' });
    const task = fakeTask();
    const result = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: CHANGED });
    assert.equal(result.isError, undefined);
    assert.match(
      result.content,
      /^The edit of src\/a\.ts was rejected by the user, who wrote: "too risky"\. Nothing was written\. Do not propose the same change again; take another approach/,
    );
    assert.equal(await h.read('src/a.ts'), ORIGINAL);
    assert.deepEqual(
      task.events.map((e) => e.type),
      ['approval.requested', 'approval.decided'],
    );
    assert.equal(task.events[1]?.type === 'approval.decided' ? task.events[1].reason : undefined, 'too risky');
  });

  it('writes the content the user changed before accepting', async () => {
    h.approvals.decide = () => ({ decision: 'accepted', by: 'user', content: 'export const a = 42;\n' });
    const result = await h.call(fakeTask(), 'propose_edit', { path: 'src/a.ts', content: CHANGED });
    assert.equal(await h.read('src/a.ts'), 'export const a = 42;\n');
    assert.match(result.content, /The user changed your proposal before accepting it; read src\/a\.ts again/);
  });

  it('does not write when the file changed while the proposal waited, and lets the agent re-propose', async () => {
    h.approvals.decide = async () => {
      await h.write('src/a.ts', 'someone else wrote this\n');
      return { decision: 'accepted', by: 'user' };
    };
    const task = fakeTask();
    const result = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: CHANGED });
    assert.equal(result.isError, true);
    assert.equal(
      result.content,
      'src/a.ts changed since the edit was proposed, so it was not written. Read it again and propose the edit anew.',
    );
    assert.equal(await h.read('src/a.ts'), 'someone else wrote this\n');
    assert.equal(
      task.events.some((e) => e.type === 'edit.applied'),
      false,
    );
    h.approvals.decide = () => ({ decision: 'accepted', by: 'user' });
    const retry = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: CHANGED });
    assert.equal(retry.content, 'Updated src/a.ts.');
  });

  it('claims undeclared paths without waiting and refuses when another task holds them', async () => {
    const busy = fakeTask({ task: { writes: ['lib/**/*.ts'] }, claimWrite: (p) => p !== 'src/a.ts' });
    const refused = await h.call(busy, 'propose_edit', { path: 'src/a.ts', content: CHANGED });
    assert.equal(refused.isError, true);
    assert.equal(
      refused.content,
      'Another task is editing src/a.ts; edit other files first, or finish and report that src/a.ts needs the change.',
    );
    assert.equal(await h.read('src/a.ts'), ORIGINAL);
    assert.equal(h.approvals.proposals.length, 0);
    await h.call(busy, 'propose_edit', { path: 'lib/x/y.ts', content: 'y' });
    await h.call(busy, 'propose_edit', { path: 'lib/readme.md', content: 'r' });
    assert.deepEqual(busy.claims, ['src/a.ts', 'lib/readme.md']);
  });
});
