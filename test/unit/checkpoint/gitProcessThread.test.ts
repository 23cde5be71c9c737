import assert from 'node:assert/strict';
import childProcess, { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { GitCommandError } from '../../../src/core/checkpoint/gitCommandError';
import { GitNotInstalledError } from '../../../src/core/checkpoint/gitNotInstalledError';
import {
  inThreadGitSpawner,
  PROCESS_GIT_SPAWNER,
  WorkerGitSpawner,
  type GitSpawner,
} from '../../../src/core/checkpoint/gitProcessThread';
import { GitRunner } from '../../../src/core/checkpoint/gitRunner';
import { systemClock } from '../../../src/core/common/clock';
import { useTestRepo } from './gitTestRepo';

describe('checkpoint/gitProcessThread: git processes start from a worker thread', function () {
  this.timeout(20_000);
  const repo = useTestRepo();
  const runnerWith = (spawner: GitSpawner, binary?: string): GitRunner =>
    new GitRunner({ cwd: repo().dir, env: repo().env, clock: systemClock, spawner, binary });

  /** Counts the child processes this thread starts while `fn` runs. */
  async function spawnsOnThisThread(fn: () => Promise<unknown>): Promise<number> {
    const original = childProcess.spawn;
    let count = 0;
    childProcess.spawn = ((...args: Parameters<typeof spawn>) => {
      count++;
      return original(...args);
    }) as typeof spawn;
    try {
      await fn();
    } finally {
      childProcess.spawn = original;
    }
    return count;
  }

  it('once the worker is ready, no git process starts from this thread, and the answers are the same', async () => {
    const spawner = new WorkerGitSpawner();
    assert.equal(await spawner.started(), true);
    assert.equal(spawner.inWorker, true);
    const commands = async (git: GitRunner): Promise<string[]> => [
      await git.run(['rev-parse', '--is-inside-work-tree']),
      await git.run(['hash-object', '-t', 'blob', '--stdin'], { input: 'checkpoint me\n' }),
      await git.run(['ls-files']),
    ];
    let inWorker: string[] = [];
    let inThread: string[] = [];
    assert.equal(await spawnsOnThisThread(async () => (inWorker = await commands(runnerWith(spawner)))), 0);
    assert.equal(await spawnsOnThisThread(async () => (inThread = await commands(runnerWith(inThreadGitSpawner)))), 3);
    assert.deepEqual(inWorker, inThread);
    assert.equal(inWorker[0]!.trim(), 'true');
  });

  it('a failing command keeps its exit code and stderr; a missing git binary still says to install git', async () => {
    const spawner = new WorkerGitSpawner();
    await spawner.started();
    await assert.rejects(runnerWith(spawner).run(['cat-file', '-p', 'no-such-object']), (err: unknown) => {
      assert.ok(err instanceof GitCommandError);
      assert.equal(err.exitCode, 128);
      assert.match(err.stderr, /no-such-object/);
      return true;
    });
    await assert.rejects(runnerWith(spawner, '/nonexistent/bin/git').run(['status']), GitNotInstalledError);
  });

  it('commands asked for while the worker starts wait for it instead of forking this thread', async () => {
    const spawner = new WorkerGitSpawner();
    let out = '';
    const spawned = await spawnsOnThisThread(async () => {
      const asked = runnerWith(spawner).run(['rev-parse', '--is-inside-work-tree']);
      assert.equal(spawner.inWorker, false, 'the worker was not ready when the command was asked for');
      out = await asked;
    });
    assert.equal(spawned, 0);
    assert.equal(out.trim(), 'true');
    assert.equal(spawner.inWorker, true);
  });

  it('without a wait for the worker, commands start from this thread at once', async () => {
    const spawner = new WorkerGitSpawner(0);
    const spawned = await spawnsOnThisThread(() => runnerWith(spawner).run(['rev-parse', '--is-inside-work-tree']));
    assert.equal(spawned, 1);
    assert.equal(spawner.inWorker, false, 'not ready yet when the first command was asked for');
    assert.equal(await spawner.started(), true);
  });

  it('the engine default is the worker spawner, and the worker never keeps a process from exiting', async () => {
    assert.ok(PROCESS_GIT_SPAWNER instanceof WorkerGitSpawner);
    const script = `
      const { PROCESS_GIT_SPAWNER } = require(${JSON.stringify(resolve(__dirname, '../../../src/core/checkpoint/gitProcessThread.ts'))});
      const version = () => PROCESS_GIT_SPAWNER.run({ binary: 'git', args: ['--version'], cwd: process.cwd(), env: process.env, input: undefined });
      // One command while the worker starts (it waits for the worker), then the worker idle: the process must end.
      version()
        .then((out) => PROCESS_GIT_SPAWNER.started().then((inWorker) => console.log(inWorker, out.stdout.trim())));
    `;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      // A child the worker keeps alive is stopped, and fails the test, instead of outliving it.
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((done) => child.once('close', done));
    assert.equal(code, 0);
    assert.match(out, /^true git version /);
  });
});
