import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git, manualClock, openCheckpoints, orchestratorRefs, useTestRepo } from './gitTestRepo';

describe('checkpoint/GitCheckpoints.take in batches', () => {
  const repo = useTestRepo();

  /** A git that appends its subcommand to a log file, then runs the real git: the test counts processes. */
  async function countingGit(): Promise<{ binary: string; calls: () => Promise<string[]> }> {
    const log = join(repo().home, 'git-calls.log');
    const binary = join(repo().home, 'counting-git');
    await writeFile(binary, `#!/bin/sh\necho "$1" >> '${log}'\nexec git "$@"\n`);
    await chmod(binary, 0o755);
    return {
      binary,
      calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l.length > 0),
    };
  }

  it('serves 16 takes asked for at once with one snapshot and one git process per step, not five per take', async () => {
    const counting = await countingGit();
    const checkpoints = await openCheckpoints(repo(), repo().dir, { gitBinary: counting.binary });
    const opened = (await counting.calls()).length;
    await writeFile(join(repo().dir, 'untracked.txt'), 'in every snapshot\n');
    const taken = await Promise.all(
      Array.from({ length: 16 }, (_, i) => checkpoints.take({ runId: 'run', taskId: `t${i}`, label: `before t${i}` })),
    );
    const calls = (await counting.calls()).slice(opened);
    assert.deepEqual([...new Set(calls)].sort(), [
      'add',
      'for-each-ref',
      'hash-object',
      'read-tree',
      'rev-parse',
      'update-ref',
      'write-tree',
    ]);
    assert.equal(calls.length, 7, `one process per step for the whole batch, got: ${calls.join(', ')}`);
    assert.deepEqual(
      taken.map((c) => c.sequence),
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    const trees = new Set<string>();
    for (const c of taken) {
      assert.equal((await git(repo(), 'rev-parse', c.ref)).trim(), c.id);
      trees.add((await git(repo(), 'rev-parse', `${c.id}^{tree}`)).trim());
      assert.equal(await git(repo(), 'show', `${c.id}:untracked.txt`), 'in every snapshot\n');
    }
    assert.equal(trees.size, 1, 'no task of the batch had edited, so they share one tree');
    assert.deepEqual(await checkpoints.list('run'), taken);
  });

  it('writes the same commit object for a batch as git commit-tree does for one take', async () => {
    const clock = manualClock();
    const checkpoints = await openCheckpoints(repo(), repo().dir, { clock });
    const [a, b] = await Promise.all([
      checkpoints.take({ runId: 'r', taskId: 'a', label: 'before a' }),
      checkpoints.take({ runId: 'r', taskId: 'b', label: 'before b' }),
    ]);
    assert.ok(a && b);
    // The single take goes through commit-tree; its object for the same message must match the batch's byte for byte.
    const single = await (
      await openCheckpoints(repo(), repo().dir, { clock })
    ).take({
      runId: 'r2',
      taskId: 'a',
      label: 'before a',
    });
    const body = (id: string): Promise<string> => git(repo(), 'cat-file', 'commit', id);
    assert.equal((await body(a.id)).replace('Run: r\n', 'Run: r2\n'), await body(single.id));
    assert.equal(
      (await git(repo(), 'log', '-1', '--format=%an <%ae> %at|%cn <%ce> %ct|%P|%s', b.id)).trim(),
      `Agent Orchestrator <checkpoints@agent-orchestrator.invalid> ${Math.floor(clock.now() / 1000)}|` +
        `Agent Orchestrator <checkpoints@agent-orchestrator.invalid> ${Math.floor(clock.now() / 1000)}|` +
        `${(await git(repo(), 'rev-parse', 'HEAD')).trim()}|Agent Orchestrator checkpoint: before b`,
    );
  });

  it('falls back to one ref at a time when another process took a number of the batch, and skips it', async () => {
    const checkpoints = await openCheckpoints(repo());
    // Another window's checkpoint of the same run, made after this instance read the highest number.
    await checkpoints.take({ runId: 'r', taskId: 'first', label: 'x' });
    await git(repo(), 'update-ref', 'refs/agent-orchestrator/checkpoints/r/b/3', 'HEAD');
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((taskId) => checkpoints.take({ runId: 'r', taskId, label: taskId })),
    );
    assert.ok(a && b && c);
    assert.deepEqual(
      [a.ref, c.ref],
      ['refs/agent-orchestrator/checkpoints/r/a/2', 'refs/agent-orchestrator/checkpoints/r/c/4'],
    );
    assert.equal(b.ref, 'refs/agent-orchestrator/checkpoints/r/b/5', 'the taken number is skipped, not overwritten');
    assert.equal((await orchestratorRefs(repo())).length, 5);
  });
});
