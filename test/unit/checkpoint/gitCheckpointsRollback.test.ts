import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git, openCheckpoints, treePaths, useTestRepo, userGitState, worktreeFiles, writeFiles } from './gitTestRepo';

describe('checkpoint/GitCheckpoints rollback', () => {
  const repo = useTestRepo();

  it('rollbackTask restores modified files, re-creates deleted ones, removes created ones, and reports them', async () => {
    const { dir } = repo();
    await writeFiles(dir, { 'notes/user draft.md': 'user work\n' });
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'before t1' });
    const atCheckpoint = await worktreeFiles(dir);

    await writeFiles(dir, {
      'src/app.ts': 'broken\n',
      'src/new/deep/created.ts': 'new\n',
      'notes/user draft.md': 'changed\n',
    });
    await unlink(join(dir, 'README.md'));
    const result = await checkpoints.rollbackTask('r', 't1');

    assert.deepEqual(await worktreeFiles(dir), atCheckpoint);
    assert.deepEqual(result.restored, ['README.md', 'notes/user draft.md', 'src/app.ts']);
    assert.deepEqual(result.removed, ['src/new/deep/created.ts']);
    assert.equal(result.checkpoint?.taskId, 't1');
    assert.equal(result.note, undefined);
  });

  it('leaves ignored files, the index and HEAD alone', async () => {
    const { dir } = repo();
    await writeFiles(dir, { 'src/app.ts': 'staged change\n', 'old.log': 'ignored before\n' });
    await git(repo(), 'add', 'src/app.ts');
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    const stateAtCheckpoint = await userGitState(repo());

    await writeFiles(dir, {
      'src/app.ts': 'task edit\n',
      'old.log': 'ignored, changed by the task\n',
      'build/new.js': 'ignored, created\n',
      'created.ts': 'c\n',
    });
    await checkpoints.rollbackTask('r', 't1');

    const files = await worktreeFiles(dir);
    assert.equal(files['old.log'], 'ignored, changed by the task\n');
    assert.equal(files['build/new.js'], 'ignored, created\n');
    assert.equal(files['src/app.ts'], 'staged change\n');
    assert.equal(files['created.ts'], undefined);
    const stateAfter = await userGitState(repo());
    assert.equal(stateAfter.status, stateAtCheckpoint.status.replace('!! old.log', '!! build/new.js\n!! old.log'));
    assert.deepEqual({ ...stateAfter, status: '' }, { ...stateAtCheckpoint, status: '' });
  });

  it('goes back to the first checkpoint of the task, and rollbackRun to the first of the run', async () => {
    const { dir } = repo();
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'before t1' });
    const beforeRun = await worktreeFiles(dir);
    await writeFiles(dir, { 't1.txt': 't1 work\n' });
    await checkpoints.take({ runId: 'r', taskId: 't2', label: 'before t2' });
    const beforeT2 = await worktreeFiles(dir);
    await writeFiles(dir, { 't2.txt': 't2 first attempt\n' });
    await checkpoints.take({ runId: 'r', taskId: 't2', label: 'before t2, retry' });
    await writeFiles(dir, { 't2.txt': 't2 second attempt\n', 'README.md': 'by t2\n' });

    const t2 = await checkpoints.rollbackTask('r', 't2');
    assert.equal(t2.checkpoint?.label, 'before t2');
    assert.deepEqual(await worktreeFiles(dir), beforeT2);

    await writeFiles(dir, { 'README.md': 'by t2 again\n' });
    const run = await checkpoints.rollbackRun('r');
    assert.equal(run.checkpoint?.sequence, 1);
    assert.deepEqual(await worktreeFiles(dir), beforeRun);
    assert.deepEqual(run.removed, ['t1.txt']);
  });

  it('keeps the files it replaced on an undo ref', async () => {
    const { dir } = repo();
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    await writeFiles(dir, { 'README.md': 'later work\n', 'later.txt': 'later\n' });
    const result = await checkpoints.rollbackTask('r', 't1');
    assert.equal(result.undo?.ref, 'refs/agent-orchestrator/undo/r/1');
    assert.equal((await git(repo(), 'rev-parse', result.undo.ref)).trim(), result.undo.id);
    assert.equal(await git(repo(), 'show', `${result.undo.id}:README.md`), 'later work\n');
    assert.ok((await treePaths(repo(), result.undo.id)).includes('later.txt'));
  });

  it('changes nothing and writes no undo ref when the files already match', async () => {
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    const result = await checkpoints.rollbackTask('r', 't1');
    assert.deepEqual([result.restored, result.removed, result.undo], [[], [], undefined]);
  });

  it('answers with a note and changes nothing for a task or run without checkpoints', async () => {
    const { dir } = repo();
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    await writeFiles(dir, { 'README.md': 'edited\n' });
    const task = await checkpoints.rollbackTask('r', 'no-such-task');
    assert.match(task.note ?? '', /No checkpoint was taken for task "no-such-task" of run "r"/);
    const run = await checkpoints.rollbackRun('other-run');
    assert.match(run.note ?? '', /Run "other-run" has no checkpoints/);
    assert.equal(run.checkpoint, undefined);
    assert.equal(await readFile(join(dir, 'README.md'), 'utf8'), 'edited\n');
  });

  it('removes folders it empties, but not a folder that still holds ignored files', async () => {
    const { dir } = repo();
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    await writeFiles(dir, { 'gen/a/b/c.ts': 'c\n', 'mixed/new.ts': 'n\n', 'mixed/trace.log': 'ignored\n' });
    await checkpoints.rollbackTask('r', 't1');
    const files = await worktreeFiles(dir);
    assert.equal(await readFile(join(dir, 'gen'), 'utf8').catch((err: NodeJS.ErrnoException) => err.code), 'ENOENT');
    assert.equal(files['mixed/trace.log'], 'ignored\n');
    assert.equal(files['mixed/new.ts'], undefined);
  });

  it('judges "created" by the checkpoint ignore rules: un-ignored build output stays, a file the task hid is removed', async () => {
    const { dir } = repo();
    await writeFiles(dir, { 'build/user-output.js': 'user build\n' });
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    // The task stops ignoring build/ and hides its own new file.
    await writeFiles(dir, { '.gitignore': '*.log\nsneaky.txt\n', 'sneaky.txt': 'hidden by the task\n' });
    const result = await checkpoints.rollbackTask('r', 't1');
    const files = await worktreeFiles(dir);
    assert.equal(files['build/user-output.js'], 'user build\n');
    assert.equal(files['sneaky.txt'], undefined);
    assert.equal(files['.gitignore'], '*.log\nbuild/\n');
    assert.deepEqual([result.restored, result.removed], [['.gitignore'], ['sneaky.txt']]);
  });

  it('restores a file that a task replaced by a folder, or by a symlink to outside, without touching the target', async () => {
    const { dir } = repo();
    const outside = join(dir, '..', 'outside.txt');
    await writeFile(outside, 'outside\n');
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    const atCheckpoint = await worktreeFiles(dir);
    await rm(join(dir, 'README.md'));
    await mkdir(join(dir, 'README.md'));
    await writeFile(join(dir, 'README.md', 'inner.txt'), 'inner\n');
    await rm(join(dir, 'src'), { recursive: true });
    await symlink(outside, join(dir, 'src'));
    await checkpoints.rollbackTask('r', 't1');
    assert.deepEqual(await worktreeFiles(dir), atCheckpoint);
    assert.equal(await readFile(outside, 'utf8'), 'outside\n');
  });

  it('replaces a symlink sitting where a checkpointed file was, never writing through it', async () => {
    const { dir } = repo();
    const outside = join(dir, '..', 'outside.txt');
    await writeFile(outside, 'outside\n');
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    await rm(join(dir, 'README.md'));
    await symlink(outside, join(dir, 'README.md'));
    const result = await checkpoints.rollbackTask('r', 't1');
    assert.equal((await worktreeFiles(dir))['README.md'], 'hello\n');
    assert.equal(await readFile(outside, 'utf8'), 'outside\n');
    assert.deepEqual(result.restored, ['README.md']);
  });

  it('restores the executable bit, and paths with spaces and unicode', async () => {
    const { dir } = repo();
    await writeFiles(dir, { 'dir with space/ünïcödé 文件.txt': 'original\n', 'run.sh': '#!/bin/sh\n' });
    await chmod(join(dir, 'run.sh'), 0o755);
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    const atCheckpoint = await worktreeFiles(dir);
    await writeFiles(dir, { 'dir with space/ünïcödé 文件.txt': 'edited\n', 'dir with space/ñew file.txt': 'new\n' });
    await chmod(join(dir, 'run.sh'), 0o644);
    const result = await checkpoints.rollbackTask('r', 't1');
    assert.deepEqual(await worktreeFiles(dir), atCheckpoint);
    assert.deepEqual(result.restored, ['dir with space/ünïcödé 文件.txt', 'run.sh']);
    assert.deepEqual(result.removed, ['dir with space/ñew file.txt']);
  });

  it('works on a detached HEAD and leaves it detached', async () => {
    const { dir } = repo();
    await git(repo(), 'checkout', '-q', '--detach');
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
    const state = await userGitState(repo());
    await writeFiles(dir, { 'README.md': 'edit\n' });
    await checkpoints.rollbackTask('r', 't1');
    assert.deepEqual(await userGitState(repo()), state);
  });

  describe('in a repository without commits', () => {
    const emptyRepo = useTestRepo({ empty: true });

    it('rolls back to a parentless checkpoint', async () => {
      const { dir } = emptyRepo();
      await writeFiles(dir, { 'a.txt': 'a\n' });
      const checkpoints = await openCheckpoints(emptyRepo());
      await checkpoints.take({ runId: 'r', taskId: 't1', label: 'x' });
      await writeFiles(dir, { 'a.txt': 'changed\n', 'b.txt': 'b\n' });
      const result = await checkpoints.rollbackRun('r');
      assert.deepEqual(await worktreeFiles(dir), { 'a.txt': 'a\n' });
      assert.deepEqual([result.restored, result.removed], [['a.txt'], ['b.txt']]);
    });
  });
});
