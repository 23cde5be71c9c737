import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitCheckpoints } from '../../../src/core/checkpoint/gitCheckpoints';
import { GitCommandError } from '../../../src/core/checkpoint/gitCommandError';
import { GitNotInstalledError } from '../../../src/core/checkpoint/gitNotInstalledError';
import { GitRefusedError } from '../../../src/core/checkpoint/gitRefusedError';
import { GitRunner, type GitRunnerOptions } from '../../../src/core/checkpoint/gitRunner';
import { objectId } from '../../../src/core/checkpoint/worktreeSnapshot';
import { systemClock } from '../../../src/core/common/clock';
import { git as testGit, useTestRepo, writeFiles } from './gitTestRepo';

describe('checkpoint/GitRunner and errors', () => {
  const repo = useTestRepo();
  const runner = (options: Partial<GitRunnerOptions> = {}): GitRunner =>
    new GitRunner({ cwd: repo().dir, env: repo().env, clock: systemClock, ...options });
  const exists = (path: string): Promise<boolean> =>
    stat(path).then(
      () => true,
      () => false,
    );

  it('tells the user to install git when the executable cannot be started', async () => {
    await assert.rejects(
      GitCheckpoints.open(repo().dir, { gitBinary: '/nonexistent/bin/git', env: repo().env }),
      (err: unknown) => {
        assert.ok(err instanceof GitNotInstalledError);
        assert.match(
          err.message,
          /Checkpoints need git, but `\/nonexistent\/bin\/git` could not be started .*Install git/,
        );
        return true;
      },
    );
  });

  it('puts the git command, its exit code and its stderr in the error', async () => {
    const git = new GitRunner({ cwd: repo().dir, env: repo().env, clock: systemClock });
    await assert.rejects(git.run(['cat-file', '-p', 'no-such-object']), (err: unknown) => {
      assert.ok(err instanceof GitCommandError);
      assert.equal(err.exitCode, 128);
      assert.match(
        err.message,
        /`git cat-file -p no-such-object` in .* exited with code 128: fatal: Not a valid object name no-such-object/,
      );
      return true;
    });
  });

  it('treats a non-zero exit without stderr as a failure, not as empty output', async () => {
    const git = new GitRunner({ cwd: repo().dir, env: repo().env, clock: systemClock });
    await assert.rejects(git.run(['rev-parse', '--verify', '--quiet', 'no-such-ref']), (err: unknown) => {
      assert.ok(err instanceof GitCommandError);
      assert.equal(err.exitCode, 1);
      assert.match(err.message, /git printed nothing on stderr/);
      return true;
    });
  });

  it('is not redirected by GIT_DIR or GIT_INDEX_FILE set in the extension host environment', async () => {
    const saved = { dir: process.env.GIT_DIR, index: process.env.GIT_INDEX_FILE };
    process.env.GIT_DIR = '/nonexistent/.git';
    process.env.GIT_INDEX_FILE = '/nonexistent/index';
    try {
      const git = new GitRunner({ cwd: repo().dir, env: repo().env, clock: systemClock });
      assert.equal((await git.run(['rev-parse', '--show-toplevel'])).trim(), repo().dir);
    } finally {
      restoreEnv('GIT_DIR', saved.dir);
      restoreEnv('GIT_INDEX_FILE', saved.index);
    }
  });

  it('explains a workspace folder that does not exist', async () => {
    await assert.rejects(
      GitCheckpoints.open(join(repo().dir, 'missing'), { env: repo().env }),
      /Checkpoints cannot run git in .*missing.*Check that the workspace folder exists/,
    );
  });

  it('resolves a command that prints nothing with an empty string', async () => {
    const head = (await testGit(repo(), 'rev-parse', 'HEAD')).trim();
    assert.equal(await runner().run(['update-ref', 'refs/agent-orchestrator/test', head, '']), '');
    assert.equal((await testGit(repo(), 'rev-parse', 'refs/agent-orchestrator/test')).trim(), head);
  });

  it('writes the input to stdin', async () => {
    const id = await runner().run(['hash-object', '--stdin'], { input: 'hello\n' });
    assert.equal(id.trim(), 'ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('reports a git that exits before reading a large stdin by its exit code, not by a broken pipe', async () => {
    await assert.rejects(
      runner().run(['rev-parse', '--verify', 'no-such-ref'], { input: 'x'.repeat(4 * 1024 * 1024) }),
      (err: unknown) => err instanceof GitCommandError && err.exitCode === 128,
    );
  });

  it('tells the user to install git when the binary is missing or not executable', async function () {
    // POSIX file modes and a shell-script wrapper.
    if (process.platform === 'win32') this.skip();
    await assert.rejects(runner({ binary: join(repo().home, 'no-git') }).run(['--version']), GitNotInstalledError);
    const notExecutable = join(repo().home, 'git-not-executable');
    await writeFile(notExecutable, '#!/bin/sh\n');
    await chmod(notExecutable, 0o644);
    await assert.rejects(runner({ binary: notExecutable }).run(['--version']), (err: unknown) => {
      assert.ok(err instanceof GitNotInstalledError);
      assert.match(err.message, /EACCES/);
      return true;
    });
  });

  it('runs a custom binary with each argument as one argv entry, never through a shell', async function () {
    // POSIX file modes and a shell-script wrapper.
    if (process.platform === 'win32') this.skip();
    const wrapper = join(repo().home, 'git-wrapper');
    const log = join(repo().home, 'argv.log');
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\nexec git "$@"\n`);
    await chmod(wrapper, 0o755);
    await writeFiles(repo().dir, { 'a; touch pwned $(touch pwned2)': 'x\n' });
    const indexFile = join(repo().home, 'index');
    await runner({ binary: wrapper }).run(['add', '--', 'a; touch pwned $(touch pwned2)'], { indexFile });
    assert.equal(await readFile(log, 'utf8'), 'add\n--\na; touch pwned $(touch pwned2)\n');
    assert.equal(await exists(join(repo().dir, 'pwned')), false);
    assert.equal(await exists(join(repo().dir, 'pwned2')), false);
  });

  it('takes a path that looks like an option as a path', async () => {
    await writeFiles(repo().dir, { '--output=evil': 'data\n', '-n': 'data\n' });
    const indexFile = join(repo().home, 'index');
    await runner().run(['add', '--', '--output=evil', '-n'], { indexFile });
    const listed = await runner().run(['ls-files', '-z'], { indexFile });
    assert.deepEqual(listed.split('\0').filter(Boolean).sort(), ['--output=evil', '-n']);
    assert.equal(await exists(join(repo().dir, 'evil')), false);
  });

  it('refuses, before starting git, an option or variable that would make git run another program', async () => {
    const marker = join(repo().home, 'pwned');
    for (const [args, env] of [
      [['log', `--upload-pack=touch ${marker}`], {}],
      [['-c', `core.sshCommand=touch ${marker}`, 'status'], {}],
      [['status'], { GIT_SSH_COMMAND: `touch ${marker}` }],
    ] as const) {
      await assert.rejects(runner({ env: { ...repo().env, ...env } }).run([...args]), (err: unknown) => {
        assert.ok(err instanceof GitRefusedError, String(err));
        assert.match(err.message, /Checkpoints refused to run `git .*`: .*not permitted/);
        return true;
      });
    }
    assert.equal(await exists(marker), false);
  });

  it('passes back to git only object ids it checked', () => {
    assert.equal(
      objectId('ce013625030ba8dba906f756967f9e9ca394464a\n', 'x'),
      'ce013625030ba8dba906f756967f9e9ca394464a',
    );
    assert.throws(() => objectId('--output=/tmp/x', 'rev-parse'), /expected a git object id from `git rev-parse`/);
  });
});

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
