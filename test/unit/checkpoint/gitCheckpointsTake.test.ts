import assert from 'node:assert/strict';
import { rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitCheckpoints } from '../../../src/core/checkpoint/gitCheckpoints';
import { GitCommandError } from '../../../src/core/checkpoint/gitCommandError';
import {
  git,
  manualClock,
  openCheckpoints,
  orchestratorRefs,
  treePaths,
  useTestRepo,
  userGitState,
  worktreeFiles,
  writeFiles,
} from './gitTestRepo';

describe('checkpoint/GitCheckpoints.take', () => {
  const repo = useTestRepo();

  /** A repository with every kind of local state a user may have when a run starts. */
  async function dirtyRepo(): Promise<void> {
    const { dir } = repo();
    await writeFiles(dir, { 'stashed.txt': 'stash me\n' });
    await git(repo(), 'add', 'stashed.txt');
    await git(repo(), 'stash', 'push', '-q', '-m', 'user stash');
    await writeFiles(dir, {
      'src/app.ts': 'export const a = 2; // staged\n',
      'staged-new.ts': 'new and staged\n',
    });
    await git(repo(), 'add', 'src/app.ts', 'staged-new.ts');
    await writeFiles(dir, {
      'src/app.ts': 'export const a = 3; // unstaged on top of staged\n',
      'untracked dir/naïve file.md': 'untracked\n',
      'debug.log': 'ignored\n',
      'build/out.js': 'ignored too\n',
    });
    await unlink(join(dir, 'README.md'));
  }

  it('leaves HEAD, branch, index, stash, other refs and the working tree exactly as they were', async () => {
    await dirtyRepo();
    const stateBefore = await userGitState(repo());
    const filesBefore = await worktreeFiles(repo().dir);
    const checkpoints = await openCheckpoints(repo());
    await checkpoints.take({ runId: 'run-1', taskId: 't1', label: 'before t1' });
    assert.deepEqual(await userGitState(repo()), stateBefore);
    assert.deepEqual(await worktreeFiles(repo().dir), filesBefore);
  });

  it('snapshots tracked changes, deletions and untracked files, but not ignored files', async () => {
    await dirtyRepo();
    const checkpoint = await (await openCheckpoints(repo())).take({ runId: 'run-1', taskId: 't1', label: 'x' });
    assert.deepEqual(await treePaths(repo(), checkpoint.id), [
      '.gitignore',
      'src/app.ts',
      'staged-new.ts',
      'untracked dir/naïve file.md',
    ]);
    assert.equal(
      await git(repo(), 'show', `${checkpoint.id}:src/app.ts`),
      'export const a = 3; // unstaged on top of staged\n',
    );
  });

  it('stores a commit on a private ref whose parent is HEAD, made by its own identity at the clock time', async () => {
    const clock = manualClock();
    const checkpoints = await openCheckpoints(repo(), repo().dir, { clock });
    const head = (await git(repo(), 'rev-parse', 'HEAD')).trim();
    const checkpoint = await checkpoints.take({ runId: 'run-1', taskId: 'task.a', label: 'before task a' });
    assert.equal(checkpoint.ref, 'refs/agent-orchestrator/checkpoints/run-1/task%2Ea/1');
    assert.equal((await git(repo(), 'rev-parse', checkpoint.ref)).trim(), checkpoint.id);
    assert.equal((await git(repo(), 'rev-parse', `${checkpoint.id}^`)).trim(), head);
    assert.equal(
      (await git(repo(), 'log', '-1', '--format=%an <%ae>|%s', checkpoint.id)).trim(),
      'Agent Orchestrator <checkpoints@agent-orchestrator.invalid>|Agent Orchestrator checkpoint: before task a',
    );
    assert.deepEqual(
      {
        runId: checkpoint.runId,
        taskId: checkpoint.taskId,
        label: checkpoint.label,
        sequence: checkpoint.sequence,
        createdAt: checkpoint.createdAt,
      },
      { runId: 'run-1', taskId: 'task.a', label: 'before task a', sequence: 1, createdAt: clock.now() },
    );
    assert.deepEqual(await checkpoints.list('run-1'), [checkpoint]);
  });

  it('numbers checkpoints across the run and lists them in order, with ids that are not valid ref names decoded back', async () => {
    const clock = manualClock();
    const checkpoints = await openCheckpoints(repo(), repo().dir, { clock });
    const taken = [];
    for (const taskId of ['a..b', 'x.lock', 'a', 'ünï/cödé']) {
      taken.push(await checkpoints.take({ runId: 'run.1', taskId, label: `before ${taskId}` }));
      clock.advance(1000);
    }
    const listed = await checkpoints.list('run.1');
    assert.deepEqual(listed, taken);
    assert.deepEqual(
      listed.map((c) => [c.taskId, c.sequence]),
      [
        ['a..b', 1],
        ['x.lock', 2],
        ['a', 3],
        ['ünï/cödé', 4],
      ],
    );
    for (const c of listed) await git(repo(), 'check-ref-format', c.ref);
    assert.deepEqual(await checkpoints.list('run'), [], 'a run id that is a prefix of another lists nothing of it');
  });

  it('keeps a hostile label as data: one line in the message, no argument injection', async () => {
    const checkpoints = await openCheckpoints(repo());
    const checkpoint = await checkpoints.take({
      runId: 'r',
      taskId: 't',
      label: '--upload-pack=touch /tmp/pwned\nsecond\x1eline',
    });
    const [listed] = await checkpoints.list('r');
    assert.equal(listed?.label, '--upload-pack=touch /tmp/pwned second line');
    assert.equal(listed?.id, checkpoint.id);
  });

  it('refuses an empty run or task id before running git', async () => {
    const checkpoints = await openCheckpoints(repo());
    await assert.rejects(checkpoints.take({ runId: '', taskId: 't', label: 'x' }), /run id must not be empty/);
    await assert.rejects(checkpoints.take({ runId: 'r', taskId: '', label: 'x' }), /task id must not be empty/);
    assert.deepEqual(await orchestratorRefs(repo()), []);
  });

  it('gives 8 concurrent callers 8 distinct refs and commits', async () => {
    const checkpoints = await openCheckpoints(repo());
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        await writeFile(join(repo().dir, `file-${i}.txt`), `${i}\n`);
        return checkpoints.take({ runId: 'run-par', taskId: `t${i}`, label: `t${i}` });
      }),
    );
    assert.equal(new Set(results.map((c) => c.ref)).size, 8);
    assert.deepEqual(
      results.map((c) => c.sequence).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal((await orchestratorRefs(repo())).length, 8);
    for (const c of results) assert.equal((await git(repo(), 'cat-file', '-t', c.id)).trim(), 'commit');
  });

  it('numbers parallel takes in the order they were asked for, and resolves them in that order', async () => {
    const checkpoints = await openCheckpoints(repo());
    const resolved: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        checkpoints.take({ runId: 'r', taskId: `t${i}`, label: `t${i}` }).then((c) => {
          resolved.push(i);
          return c;
        }),
      ),
    );
    assert.deepEqual(
      results.map((c) => c.sequence),
      [1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      resolved,
      [0, 1, 2, 3, 4, 5],
      'no task may start editing before an earlier checkpoint is complete',
    );
  });

  it('lets a rollback wait for the takes in flight, and takes asked for later wait for the rollback', async () => {
    const checkpoints = await openCheckpoints(repo());
    const first = await checkpoints.take({ runId: 'r', taskId: 'a', label: 'x' });
    await writeFiles(repo().dir, { 'README.md': 'edited\n' });
    const before = checkpoints.take({ runId: 'r', taskId: 'b', label: 'x' });
    const rollback = checkpoints.rollbackRun('r');
    const after = checkpoints.take({ runId: 'r', taskId: 'c', label: 'x' });
    const [b, rolledBack, c] = await Promise.all([before, rollback, after]);
    assert.equal(rolledBack.checkpoint?.id, first.id);
    assert.equal(await git(repo(), 'show', `${b.id}:README.md`), 'edited\n', 'taken before the rollback ran');
    assert.equal(await git(repo(), 'show', `${c.id}:README.md`), 'hello\n', 'taken after the rollback ran');
  });

  it('gives two instances on the same repository distinct refs when they take at the same time', async () => {
    const [a, b] = [await openCheckpoints(repo()), await openCheckpoints(repo())];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).take({ runId: 'run-x', taskId: `t${i}`, label: '' })),
    );
    assert.equal(new Set(results.map((c) => c.ref)).size, 12);
    assert.equal((await a.list('run-x')).length, 12);
  });

  it('never waits for the user index lock, because it never uses the user index', async () => {
    await writeFile(join(repo().dir, '.git', 'index.lock'), '');
    const checkpoint = await (
      await openCheckpoints(repo(), repo().dir, { lockRetries: 0 })
    ).take({ runId: 'r', taskId: 't', label: 'x' });
    assert.match(checkpoint.id, /^[0-9a-f]{40,64}$/);
  });

  it('retries while another process holds a ref lock, then succeeds', async () => {
    const lock = join(repo().dir, '.git', 'refs', 'agent-orchestrator', 'checkpoints', 'r', 't', '1.lock');
    await writeFiles(repo().dir, { '.git/refs/agent-orchestrator/checkpoints/r/t/1.lock': '' });
    let sleeps = 0;
    const clock = {
      now: () => Date.now(),
      sleep: async () => {
        if (++sleeps === 2) await rm(lock);
      },
    };
    const checkpoint = await (
      await openCheckpoints(repo(), repo().dir, { clock })
    ).take({ runId: 'r', taskId: 't', label: 'x' });
    assert.equal(checkpoint.ref, 'refs/agent-orchestrator/checkpoints/r/t/1');
    assert.equal(sleeps, 2);
  });

  it('takes the next number when another process created the same ref in the meantime', async () => {
    const lock = join(repo().dir, '.git', 'refs', 'agent-orchestrator', 'checkpoints', 'r', 't', '1.lock');
    await writeFiles(repo().dir, { '.git/refs/agent-orchestrator/checkpoints/r/t/1.lock': '' });
    const clock = {
      now: () => Date.now(),
      // The other process was creating exactly the ref this take wants: it finishes while this one waits.
      sleep: async () => {
        await rm(lock);
        await git(repo(), 'update-ref', 'refs/agent-orchestrator/checkpoints/r/t/1', 'HEAD');
      },
    };
    const checkpoint = await (
      await openCheckpoints(repo(), repo().dir, { clock })
    ).take({ runId: 'r', taskId: 't', label: 'x' });
    assert.equal(checkpoint.ref, 'refs/agent-orchestrator/checkpoints/r/t/2');
    assert.equal(checkpoint.sequence, 2);
  });

  it('fails with the git command and its stderr when a lock never goes away', async () => {
    await writeFiles(repo().dir, { '.git/refs/agent-orchestrator/checkpoints/r/t/1.lock': '' });
    const checkpoints = await openCheckpoints(repo(), repo().dir, { lockRetries: 2, clock: manualClock() });
    await assert.rejects(checkpoints.take({ runId: 'r', taskId: 't', label: 'x' }), (err: unknown) => {
      assert.ok(err instanceof GitCommandError);
      assert.match(
        err.message,
        /`git update-ref refs\/agent-orchestrator\/checkpoints\/r\/t\/1 [0-9a-f]+ ` in .* exited with code 128: .*1\.lock': File exists/s,
      );
      return true;
    });
  });

  describe('in a repository without commits', () => {
    const emptyRepo = useTestRepo({ empty: true });

    it('takes a parentless checkpoint and leaves the branch unborn and the index alone', async () => {
      await writeFiles(emptyRepo().dir, { 'a.txt': 'a\n', 'staged.txt': 'staged\n' });
      await git(emptyRepo(), 'add', 'staged.txt');
      const before = await userGitState(emptyRepo());
      const checkpoints = await GitCheckpoints.open(emptyRepo().dir, { env: emptyRepo().env });
      const checkpoint = await checkpoints.take({ runId: 'r', taskId: 't', label: 'x' });
      assert.ok(checkpoint);
      assert.deepEqual(await userGitState(emptyRepo()), before);
      assert.match(before.head, /^error/, 'HEAD is still unborn');
      assert.equal((await git(emptyRepo(), 'log', '--format=%P', '-1', checkpoint.id)).trim(), '');
      assert.deepEqual(await treePaths(emptyRepo(), checkpoint.id), ['a.txt', 'staged.txt']);
    });
  });

  it('works on a detached HEAD and leaves it detached at the same commit', async () => {
    await writeFiles(repo().dir, { 'second.txt': '2\n' });
    await git(repo(), 'add', '-A');
    await git(repo(), 'commit', '-q', '-m', 'second');
    await git(repo(), 'checkout', '-q', '--detach', 'HEAD~1');
    await writeFiles(repo().dir, { 'detached-edit.txt': 'x\n' });
    const before = await userGitState(repo());
    const checkpoint = await (await openCheckpoints(repo())).take({ runId: 'r', taskId: 't', label: 'x' });
    assert.deepEqual(await userGitState(repo()), before);
    assert.equal(before.symbolicHead, 'error: Command failed: git symbolic-ref -q HEAD');
    assert.equal((await git(repo(), 'rev-parse', `${checkpoint.id}^`)).trim(), before.head.trim());
    assert.ok((await treePaths(repo(), checkpoint.id)).includes('detached-edit.txt'));
  });
});
