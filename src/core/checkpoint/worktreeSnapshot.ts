import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCommandError } from './gitCommandError';
import type { GitRunner } from './gitRunner';

/** The identity checkpoint commits are made with, so they work without `user.name` / `user.email` configured. */
const IDENTITY = { name: 'Agent Orchestrator', email: 'checkpoints@agent-orchestrator.invalid' };

/** Runs `fn` with a fresh private folder (for a temporary index or message file) and removes it afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'ao-checkpoint-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Hashes the workspace into a tree object: HEAD's tree with every file under the runner's folder replaced by
 * the working tree (tracked changes, deletions and untracked, non-ignored files). Only a temporary index is
 * written, so the user's index, HEAD and working tree stay exactly as they were.
 */
export async function snapshotTree(git: GitRunner, head: string | undefined): Promise<string> {
  return withTempDir(async (dir) => {
    const indexFile = join(dir, 'index');
    if (head !== undefined) await git.run(['read-tree', head], { indexFile });
    await git.run(['add', '--all', '--', '.'], { indexFile });
    return (await git.run(['write-tree'], { indexFile })).trim();
  });
}

/** What `commitTree` records. */
export interface CommitInput {
  tree: string;
  /** HEAD at snapshot time; undefined in a repository without commits. */
  parent: string | undefined;
  message: string;
  /** Milliseconds since the epoch; git keeps whole seconds. */
  at: number;
}

/** Writes a commit object for `tree` (no branch moves) and resolves with its sha. */
export async function commitTree(git: GitRunner, input: CommitInput): Promise<string> {
  const date = `@${Math.floor(input.at / 1000)} +0000`;
  const env = {
    GIT_AUTHOR_NAME: IDENTITY.name,
    GIT_AUTHOR_EMAIL: IDENTITY.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: IDENTITY.name,
    GIT_COMMITTER_EMAIL: IDENTITY.email,
    GIT_COMMITTER_DATE: date,
  };
  return withTempDir(async (dir) => {
    // The message goes through a file: as an argument, a label such as `--upload-pack=x` would trip simple-git's argument guard.
    const messageFile = join(dir, 'message');
    await writeFile(messageFile, input.message, 'utf8');
    const parent = input.parent === undefined ? [] : ['-p', input.parent];
    // --no-gpg-sign: a user's commit.gpgSign would otherwise pop a pinentry prompt for every checkpoint.
    const out = await git.run(['commit-tree', '--no-gpg-sign', input.tree, ...parent, '-F', messageFile], { env });
    return out.trim();
  });
}

/** HEAD's commit, or undefined when the branch has no commits yet. */
export async function resolveHead(git: GitRunner): Promise<string | undefined> {
  try {
    return (await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
  } catch (err) {
    // --quiet: exit code 1 with nothing on stderr means "no such commit", i.e. an unborn branch.
    if (err instanceof GitCommandError && err.exitCode === 1) return undefined;
    throw err;
  }
}
