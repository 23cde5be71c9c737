import assert from 'node:assert/strict';
import { git, openCheckpoints, orchestratorRefs, useTestRepo, writeFiles } from './gitTestRepo';

describe('checkpoint/GitCheckpoints.prune', () => {
  const repo = useTestRepo();

  it("deletes the run's checkpoint and undo refs and nothing else", async () => {
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r1', taskId: 'a', label: 'x' });
    await checkpoints.take({ runId: 'r1', taskId: 'b', label: 'x' });
    await writeFiles(repo().dir, { 'README.md': 'edit\n' });
    await checkpoints.rollbackRun('r1');
    const kept = await checkpoints.take({ runId: 'r10', taskId: 'a', label: 'x' });
    const branchesBefore = await git(repo(), 'for-each-ref', 'refs/heads/');

    assert.equal(await checkpoints.prune('r1'), 3);
    assert.deepEqual(await orchestratorRefs(repo()), [kept.ref]);
    assert.deepEqual(await checkpoints.list('r1'), []);
    assert.equal(await git(repo(), 'for-each-ref', 'refs/heads/'), branchesBefore);
  });

  it('after pruning, a rollback of the run does nothing and says why', async () => {
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r1', taskId: 'a', label: 'x' });
    await checkpoints.prune('r1');
    await writeFiles(repo().dir, { 'README.md': 'kept\n' });
    const result = await checkpoints.rollbackRun('r1');
    assert.match(result.note ?? '', /has no checkpoints/);
    assert.equal(await git(repo(), 'show', ':README.md'), 'hello\n', 'index untouched');
  });

  it('returns 0 for a run without refs', async () => {
    assert.equal(await (await openCheckpoints(repo())).prune('never-ran'), 0);
  });

  it('numbers a new checkpoint of a pruned run from 1 again', async () => {
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r1', taskId: 'a', label: 'x' });
    await checkpoints.take({ runId: 'r1', taskId: 'a', label: 'x' });
    await checkpoints.prune('r1');
    assert.equal((await checkpoints.take({ runId: 'r1', taskId: 'a', label: 'x' })).sequence, 1);
  });
});
