import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { GitCheckpoints } from '../../../src/core/checkpoint/gitCheckpoints';
import type { GitCheckpointsOptions } from '../../../src/core/checkpoint/gitCheckpoints';
import type { Clock } from '../../../src/core/common/clock';

const run = promisify(execFile);

/** A temp folder holding a git repository that sees neither the user's nor the system's git config. */
export interface TestRepo {
  /** The repository top (also the default workspace). */
  dir: string;
  /** An empty HOME, so `~/.gitconfig` and global excludes of the machine do not leak in. */
  home: string;
  /** Environment for git processes started by the test and by the code under test. */
  env: Record<string, string>;
}

/** A fresh isolated repository per test (`git init` with one commit unless `empty`), removed afterwards. */
export function useTestRepo(options: { empty?: boolean } = {}): () => TestRepo {
  let repo: TestRepo | undefined;
  let root: string | undefined;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ao-ckpt-'));
    const dir = join(root, 'repo');
    const home = join(root, 'home');
    await mkdir(dir);
    await mkdir(home);
    repo = { dir, home, env: { HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1' } };
    await git(repo, 'init', '-q', '-b', 'main');
    if (!options.empty) {
      await writeFiles(dir, {
        'README.md': 'hello\n',
        '.gitignore': '*.log\nbuild/\n',
        'src/app.ts': 'export const a = 1;\n',
      });
      await git(repo, 'add', '-A');
      await git(repo, 'commit', '-q', '-m', 'initial');
    }
  });
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    repo = undefined;
  });
  return () => {
    if (!repo) throw new Error('test repo used outside a test');
    return repo;
  };
}

/** Runs git in the repository (or `cwd`) with the isolated environment and a test identity; resolves with stdout. */
export async function git(repo: TestRepo, ...args: string[]): Promise<string> {
  return gitIn(repo, repo.dir, ...args);
}

/** Like `git`, in another folder. */
export async function gitIn(repo: TestRepo, cwd: string, ...args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^git_/i.test(key)) env[key] = value;
  Object.assign(env, repo.env, {
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test User',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test User',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
    // The test's own status calls must not refresh the index it compares byte for byte.
    GIT_OPTIONAL_LOCKS: '0',
  });
  const { stdout } = await run('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Opens checkpoints on `workspace` (default: the repository) with the isolated environment. */
export async function openCheckpoints(
  repo: TestRepo,
  workspace = repo.dir,
  options: GitCheckpointsOptions = {},
): Promise<GitCheckpoints> {
  const port = await GitCheckpoints.open(workspace, { env: repo.env, ...options });
  if (!(port instanceof GitCheckpoints)) throw new Error(`expected git checkpoints, got: ${port.note}`);
  return port;
}

/** Writes files (creating folders), relative to `root`. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** Every file under `root` except `.git`, with its content (symlinks as `-> target`), sorted by path. */
export async function worktreeFiles(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  async function walk(rel: string): Promise<void> {
    for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (path === '.git') continue;
      const full = join(root, path);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) files[path] = `-> ${await readlink(full)}`;
      else files[path] = `${(await lstat(full)).mode & 0o111 ? '[x] ' : ''}${await readFile(full, 'utf8')}`;
    }
  }
  await walk('');
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
}

/** Everything of the user's git state a checkpoint must leave alone. */
export interface UserGitState {
  head: string;
  symbolicHead: string;
  indexBytes: string;
  stagedFiles: string;
  status: string;
  cachedDiff: string;
  stash: string;
  otherRefs: string;
}

/** Reads `UserGitState`; a failing git command is recorded as `error: …` so states still compare. */
export async function userGitState(repo: TestRepo): Promise<UserGitState> {
  const maybe = (p: Promise<string>): Promise<string> =>
    p.catch((err: Error) => `error: ${err.message.split('\n')[0]}`);
  const indexBytes = await readFile(join(repo.dir, '.git', 'index')).then(
    (b) => createHash('sha256').update(b).digest('hex'),
    () => 'no index',
  );
  return {
    head: await maybe(git(repo, 'rev-parse', 'HEAD')),
    symbolicHead: await maybe(git(repo, 'symbolic-ref', '-q', 'HEAD')),
    indexBytes,
    stagedFiles: await git(repo, 'ls-files', '-s'),
    status: await git(repo, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
    cachedDiff: await maybe(git(repo, 'diff', '--cached')),
    stash: await git(repo, 'stash', 'list'),
    otherRefs: (await git(repo, 'for-each-ref', '--format=%(refname) %(objectname)'))
      .split('\n')
      .filter((line) => !line.startsWith('refs/agent-orchestrator/'))
      .join('\n'),
  };
}

/** The paths in a commit's tree, sorted. */
export async function treePaths(repo: TestRepo, commit: string): Promise<string[]> {
  return (await git(repo, 'ls-tree', '-r', '-z', '--name-only', commit)).split('\0').filter(Boolean).sort();
}

/** Refs under `refs/agent-orchestrator/`, sorted. */
export async function orchestratorRefs(repo: TestRepo): Promise<string[]> {
  return (await git(repo, 'for-each-ref', '--format=%(refname)', 'refs/agent-orchestrator/'))
    .split('\n')
    .filter(Boolean)
    .sort();
}

/** A clock whose time only moves when the test says so; sleeps resolve at once. */
export function manualClock(start = 1_700_000_000_123): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async () => undefined,
    advance: (ms) => {
      now += ms;
    },
  };
}
