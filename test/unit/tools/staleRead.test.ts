import * as assert from 'node:assert/strict';
import { createToolHarness, fakeTask } from './toolHarness';
import type { ToolHarness } from './toolHarness';

const ORIGINAL = 'one\ntwo\n';
const THEIRS = 'one\ntwo\nthree (theirs)\n';

describe('checklist 32: a whole-file edit built from an outdated read never undoes another writer’s change', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({ files: { 'list.txt': ORIGINAL } });
  });
  afterEach(() => h.cleanup());

  it('refuses content written over a file changed since the agent read it; after a new read it applies', async () => {
    const task = fakeTask();
    assert.notEqual((await h.call(task, 'read_file', { path: 'list.txt' })).isError, true);
    await h.write('list.txt', THEIRS); // another run, task or the user
    const stale = await h.call(task, 'propose_edit', { path: 'list.txt', content: 'one\ntwo\nfour (mine)\n' });
    assert.equal(stale.isError, true);
    assert.equal(
      stale.content,
      'list.txt changed since you last read it (another task, run or person edited it), so writing your whole-file content would undo that change. Nothing was written. Read list.txt again and propose the edit anew, or use search/replace "edits".',
    );
    assert.equal(await h.read('list.txt'), THEIRS);
    assert.equal(h.approvals.proposals.length, 0, 'nobody was asked about an edit that would undo another');

    await h.call(task, 'read_file', { path: './list.txt' });
    const fresh = await h.call(task, 'propose_edit', { path: 'list.txt', content: `${THEIRS}four (mine)\n` });
    assert.equal(fresh.content, 'Updated list.txt.');
    assert.equal(await h.read('list.txt'), `${THEIRS}four (mine)\n`);
  });

  it('the agent’s own edits count as seen: read, search/replace, then whole content, all apply', async () => {
    const task = fakeTask();
    await h.call(task, 'read_file', { path: 'list.txt' });
    const replaced = await h.call(task, 'propose_edit', {
      path: 'list.txt',
      edits: [{ search: 'two\n', replace: 'two!\n' }],
    });
    assert.equal(replaced.content, 'Updated list.txt.');
    const whole = await h.call(task, 'propose_edit', { path: 'list.txt', content: 'one\ntwo!\nthree\n' });
    assert.equal(whole.content, 'Updated list.txt.');
    assert.equal(await h.read('list.txt'), 'one\ntwo!\nthree\n');
  });

  it('what one attempt read is its own: another attempt of the same task has not read the file', async () => {
    await h.call(fakeTask(), 'read_file', { path: 'list.txt' });
    await h.write('list.txt', THEIRS);
    const other = await h.call(fakeTask({ attempt: 2 }), 'propose_edit', { path: 'list.txt', content: 'new\n' });
    assert.equal(
      other.content,
      'Updated list.txt.',
      'an attempt that never read the file is not judged by another’s read',
    );
  });
});
