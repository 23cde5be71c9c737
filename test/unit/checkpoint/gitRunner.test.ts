import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GitCheckpoints } from '../../../src/core/checkpoint/gitCheckpoints';
import { GitCommandError } from '../../../src/core/checkpoint/gitCommandError';
import { GitNotInstalledError } from '../../../src/core/checkpoint/gitNotInstalledError';
import { GitRunner } from '../../../src/core/checkpoint/gitRunner';
import { systemClock } from '../../../src/core/common/clock';
import { useTestRepo } from './gitTestRepo';

describe('checkpoint/GitRunner and errors', () => {
  const repo = useTestRepo();

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
});

function restoreEnv(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
