import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointPort } from '../../../src/core/checkpoint/checkpointPort';
import { GitCheckpoints } from '../../../src/core/checkpoint/gitCheckpoints';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import { gitIn, useTestRepo, worktreeFiles, writeFiles } from './gitTestRepo';

describe('checkpoint/NoCheckpoints', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-nogit-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is what open() returns outside a git repository, with a note the user can act on', async () => {
    const port: CheckpointPort = await GitCheckpoints.open(dir, { env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
    assert.ok(port instanceof NoCheckpoints);
    assert.equal(port.enabled, false);
    assert.match(
      port.note ?? '',
      new RegExp(
        `No checkpoints are taken: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not inside a git repository`,
      ),
    );
    assert.match(port.note ?? '', /git init/);
  });

  it('turns every operation into a no-op that touches no file', async () => {
    await writeFiles(dir, { 'a.txt': 'a\n' });
    const port = await GitCheckpoints.open(dir, { env: { GIT_CEILING_DIRECTORIES: tmpdir() } });
    assert.equal(await port.take({ runId: 'r', taskId: 't', label: 'x' }), undefined);
    await writeFiles(dir, { 'a.txt': 'edited\n', 'b.txt': 'b\n' });
    assert.deepEqual(await port.list('r'), []);
    const task = await port.rollbackTask('r', 't');
    const run = await port.rollbackRun('r');
    for (const result of [task, run]) {
      assert.deepEqual(result, { checkpoint: undefined, restored: [], removed: [], undo: undefined, note: port.note });
    }
    assert.equal(await port.prune('r'), 0);
    assert.deepEqual(await worktreeFiles(dir), { 'a.txt': 'edited\n', 'b.txt': 'b\n' });
    assert.equal(existsSync(join(dir, '.git')), false);
  });

  describe('in and around a repository', () => {
    const repo = useTestRepo();
    it('inside the .git folder there is no working tree to snapshot, so no checkpoints either', async () => {
      const port = await GitCheckpoints.open(join(repo().dir, '.git'), { env: repo().env });
      assert.ok(port instanceof NoCheckpoints);
    });

    it('nor in a bare repository', async () => {
      const bare = join(dir, 'bare.git');
      await gitIn(repo(), dir, 'init', '-q', '--bare', bare);
      const port = await GitCheckpoints.open(bare, { env: repo().env });
      assert.ok(port instanceof NoCheckpoints);
    });

    it('a folder below the top of the work tree takes checkpoints of the whole tree', async () => {
      await writeFiles(repo().dir, { 'src/a.txt': 'a\n' });
      const port = await GitCheckpoints.open(join(repo().dir, 'src'), { env: repo().env });
      assert.ok(port instanceof GitCheckpoints);
      assert.equal(port.enabled, true);
    });
  });
});
