import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseIndexCache } from './baseIndexCache';
import { GitCommandError } from './gitCommandError';
import type { GitRunner } from './gitRunner';

/** The identity checkpoint commits are made with, so they work without `user.name` / `user.email` configured. */
const IDENTITY = { name: 'Agent Orchestrator', email: 'checkpoints@agent-orchestrator.invalid' };

/** Runs `fn` with a fresh private folder (for a temporary index file) and removes it afterwards. */
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
 * written, so the user's index, HEAD and working tree stay exactly as they were. Each call has its own index,
 * so snapshots may run at the same time.
 */
export async function snapshotTree(
  git: GitRunner,
  head: string | undefined,
  base: BaseIndexCache = new BaseIndexCache(),
): Promise<string> {
  return withTempDir(async (dir) => {
    const indexFile = join(dir, 'index');
    const fromMemory = head !== undefined && (await base.fill(git, head, indexFile));
    try {
      return await addAndWriteTree(git, indexFile);
    } catch (err) {
      if (!fromMemory || head === undefined) throw err;
      // A copied index can point at a shared index git has since expired (core.splitIndex): ask git afresh.
      base.forget();
      await base.fill(git, head, indexFile);
      return addAndWriteTree(git, indexFile);
    }
  });
}

async function addAndWriteTree(git: GitRunner, indexFile: string): Promise<string> {
  await git.run(['add', '--all', '--', '.'], { indexFile });
  return objectId(await git.run(['write-tree'], { indexFile }), 'write-tree');
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
  const parent = input.parent === undefined ? [] : ['-p', objectId(input.parent, 'commit-tree')];
  // The message goes through stdin, never argv: a label such as `--upload-pack=x` stays data.
  // --no-gpg-sign: a user's commit.gpgSign would otherwise pop a pinentry prompt for every checkpoint.
  const args = ['commit-tree', '--no-gpg-sign', objectId(input.tree, 'commit-tree'), ...parent];
  return objectId(await git.run(args, { env, input: input.message }), 'commit-tree');
}

/**
 * Writes one commit object per input (no branch moves) with a single git process, and resolves with their shas in
 * input order. Each object is exactly what `commitTree` writes for the same input; it is never signed.
 */
export async function commitTrees(git: GitRunner, inputs: readonly CommitInput[]): Promise<string[]> {
  if (inputs.length === 0) return [];
  if (inputs.length === 1) return [await commitTree(git, inputs[0]!)];
  return withTempDir(async (dir) => {
    const files = await Promise.all(
      inputs.map(async (input, i) => {
        const file = join(dir, `commit-${i}`);
        await writeFile(file, commitObject(input), { flag: 'wx' });
        return file;
      }),
    );
    // Paths go through stdin, one a line: hash-object checks each as a well-formed commit before writing it.
    const out = await git.run(['hash-object', '-t', 'commit', '-w', '--stdin-paths'], {
      input: `${files.join('\n')}\n`,
    });
    const ids = out.split('\n').filter((line) => line.length > 0);
    if (ids.length !== inputs.length)
      throw new Error(
        `Checkpoints expected ${inputs.length} commit ids from \`git hash-object\` but got ${ids.length}.`,
      );
    return ids.map((id) => objectId(id, 'hash-object'));
  });
}

/** The raw commit object `git commit-tree` builds for `input` with the checkpoint identity. */
function commitObject(input: CommitInput): string {
  const date = `${Math.floor(input.at / 1000)} +0000`;
  const person = `${IDENTITY.name} <${IDENTITY.email}> ${date}`;
  const parent = input.parent === undefined ? '' : `parent ${objectId(input.parent, 'commit-tree')}\n`;
  const tree = objectId(input.tree, 'commit-tree');
  return `tree ${tree}\n${parent}author ${person}\ncommitter ${person}\n\n${input.message}`;
}

/** HEAD's commit, or undefined when the branch has no commits yet. */
export async function resolveHead(git: GitRunner): Promise<string | undefined> {
  try {
    return objectId(await git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']), 'rev-parse');
  } catch (err) {
    // --quiet: exit code 1 with nothing on stderr means "no such commit", i.e. an unborn branch.
    if (err instanceof GitCommandError && err.exitCode === 1) return undefined;
    throw err;
  }
}

/**
 * A sha-1 or sha-256 object id, checked: ids are passed back to git as arguments, so anything else (an option
 * such as `--output=…`) must never get there.
 */
export function objectId(text: string, where: string): string {
  const id = text.trim();
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(id))
    throw new Error(`Checkpoints expected a git object id from \`git ${where}\` but got "${id.slice(0, 80)}".`);
  return id;
}
