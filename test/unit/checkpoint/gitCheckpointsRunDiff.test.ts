import assert from 'node:assert/strict';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointPort } from '../../../src/core/checkpoint/checkpointPort';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import { openCheckpoints, useTestRepo, userGitState, writeFiles } from './gitTestRepo';

describe('checkpoint/GitCheckpoints.runDiff: what a run changed, for a repair brief', () => {
  const repo = useTestRepo();

  it('diffs the workspace against the run’s first checkpoint: edits, new and deleted files; nothing else touched', async () => {
    const checkpoints = await openCheckpoints(repo());
    const { dir } = repo();
    assert.equal(await checkpoints.runDiff('run-1', 10_000), undefined, 'no checkpoint yet');
    await checkpoints.take({ runId: 'run-1', taskId: 'a', label: 'before a' });
    await writeFiles(dir, {
      'src/app.ts': 'export const a = 2;\n',
      'src/new.ts': 'export const n = 1;\n',
      'x.log': 'ignored\n',
    });
    await unlink(join(dir, 'README.md'));
    await checkpoints.take({ runId: 'run-1', taskId: 'b', label: 'before b' });
    const before = await userGitState(repo());
    const diff = await checkpoints.runDiff('run-1', 10_000);
    assert.deepEqual(diff?.paths, ['README.md', 'src/app.ts', 'src/new.ts']);
    assert.match(diff?.patch ?? '', /-export const a = 1;\n\+export const a = 2;/);
    assert.match(diff?.patch ?? '', /\+\+\+ b\/src\/new\.ts/);
    assert.equal(diff?.truncated, false);
    const short = await checkpoints.runDiff('run-1', 40);
    assert.equal(short?.truncated, true);
    assert.equal(short?.patch.length, 40);
    assert.deepEqual(await userGitState(repo()), before, 'HEAD, index, refs, stash and files as they were');
  });

  it('is absent without git', () => {
    const port: CheckpointPort = new NoCheckpoints('/tmp');
    assert.equal(port.runDiff, undefined);
  });
});
