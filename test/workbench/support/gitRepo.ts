import { execFileSync } from 'node:child_process';

/** A fixed identity and no user or system git config, so the commit works the same on every machine. */
const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Workbench Test',
  GIT_AUTHOR_EMAIL: 'workbench-test@example.invalid',
  GIT_COMMITTER_NAME: 'Workbench Test',
  GIT_COMMITTER_EMAIL: 'workbench-test@example.invalid',
};

/** Runs git in `dir` and returns its trimmed stdout. */
export function git(dir: string, args: readonly string[]): string {
  return execFileSync('git', [...args], {
    cwd: dir,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Makes `dir` a git repository on branch `main` with everything in it committed once. */
export function initGitRepo(dir: string): void {
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  git(dir, ['add', '--all']);
  git(dir, ['commit', '--quiet', '--no-gpg-sign', '-m', 'Initial commit']);
}
