import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GitCheckpoints } from '../../../src/core/checkpoint/gitCheckpoints';
import { git, openCheckpoints, treePaths, useTestRepo, worktreeFiles, writeFiles } from './gitTestRepo';

describe('checkpoint/GitCheckpoints in a workspace that is a subfolder of the repository', () => {
  const repo = useTestRepo();
  const workspace = (): string => join(repo().dir, 'packages', 'my app');

  beforeEach(async () => {
    await writeFiles(repo().dir, { 'packages/my app/index.ts': 'app\n', 'packages/other/index.ts': 'other\n' });
    await git(repo(), 'add', '-A');
    await git(repo(), 'commit', '-q', '-m', 'packages');
  });

  it('knows the workspace and the repository top apart', async () => {
    const checkpoints = await GitCheckpoints.open(workspace(), { env: repo().env });
    assert.ok(checkpoints instanceof GitCheckpoints);
    assert.equal(checkpoints.workspaceRoot, workspace());
    assert.equal(checkpoints.repositoryRoot, repo().dir);
  });

  it('snapshots the working files of the workspace only; the rest of the tree is HEAD', async () => {
    await writeFiles(repo().dir, {
      'packages/my app/new.ts': 'new\n',
      'packages/other/index.ts': 'edited outside\n',
      'outside-new.txt': 'x\n',
    });
    const checkpoint = await (await openCheckpoints(repo(), workspace())).take({ runId: 'r', taskId: 't', label: 'x' });
    const paths = await treePaths(repo(), checkpoint.id);
    assert.ok(paths.includes('packages/my app/new.ts'));
    assert.ok(!paths.includes('outside-new.txt'));
    assert.equal(await git(repo(), 'show', `${checkpoint.id}:packages/other/index.ts`), 'other\n');
  });

  it('follows HEAD when it moves between checkpoints: the rest of the tree and the parent are the new HEAD', async () => {
    const checkpoints = await openCheckpoints(repo(), workspace());
    const first = await checkpoints.take({ runId: 'r', taskId: 'a', label: 'x' });
    await writeFiles(repo().dir, { 'packages/other/index.ts': 'committed later\n' });
    await git(repo(), 'commit', '-q', '-am', 'later');
    const head = (await git(repo(), 'rev-parse', 'HEAD')).trim();
    const second = await checkpoints.take({ runId: 'r', taskId: 'b', label: 'x' });
    assert.equal(await git(repo(), 'show', `${first.id}:packages/other/index.ts`), 'other\n');
    assert.equal(await git(repo(), 'show', `${second.id}:packages/other/index.ts`), 'committed later\n');
    assert.equal((await git(repo(), 'rev-parse', `${second.id}^`)).trim(), head);
  });

  it('rolls back inside the workspace only and reports paths relative to it', async () => {
    const checkpoints = await openCheckpoints(repo(), workspace());
    await checkpoints.take({ runId: 'r', taskId: 't', label: 'x' });
    const insideBefore = await worktreeFiles(workspace());
    await writeFiles(repo().dir, {
      'packages/my app/index.ts': 'broken\n',
      'packages/my app/lib/created.ts': 'created\n',
      'packages/other/index.ts': 'edited outside\n',
      'outside-new.txt': 'created outside\n',
    });
    const result = await checkpoints.rollbackTask('r', 't');
    assert.deepEqual(await worktreeFiles(workspace()), insideBefore);
    assert.deepEqual([result.restored, result.removed], [['index.ts'], ['lib/created.ts']]);
    const all = await worktreeFiles(repo().dir);
    assert.equal(all['packages/other/index.ts'], 'edited outside\n');
    assert.equal(all['outside-new.txt'], 'created outside\n');
  });

  it('works in a workspace folder that has no tracked files yet', async () => {
    const empty = join(repo().dir, 'fresh');
    await writeFiles(repo().dir, { 'fresh/ignored.log': 'ignored\n' });
    const checkpoints = await openCheckpoints(repo(), empty);
    await checkpoints.take({ runId: 'r', taskId: 't', label: 'x' });
    await writeFiles(empty, { 'made.ts': 'm\n' });
    const result = await checkpoints.rollbackRun('r');
    assert.deepEqual(result.removed, ['made.ts']);
    assert.deepEqual(await worktreeFiles(empty), { 'ignored.log': 'ignored\n' });
  });
});
