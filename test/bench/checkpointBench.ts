/**
 * Measures git checkpoints against their anchor: the same git plumbing run directly with child_process.
 * A temp repository holds 200 files; before each checkpoint one file changes (outside the timed part), as a task
 * would leave it. Ours and the anchor alternate, so a busy machine slows both alike. Prints a table; asserts nothing.
 * Run: npm run bench:checkpoints [-- <checkpoints> <files>]
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitCheckpoints } from '../../src/core/checkpoint/gitCheckpoints';

const execFileAsync = promisify(execFile);

/** One figure of a benchmark: a value, and the anchor it is compared with when there is one. */
export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** What the value is measured against, in the same run. */
  anchor?: { name: string; value: number; unit: string };
  /** value / anchor.value. */
  ratio?: number;
  /** The ratio the figure should stay at or under. */
  target?: number;
  /** How to reproduce the figure. */
  command: string;
}

/** How large the benchmark is. */
export interface CheckpointBenchOptions {
  /** Checkpoints measured, each for ours and the anchor (default 30). */
  checkpoints?: number;
  /** Files in the repository (default 200). */
  files?: number;
  /** Checkpoints taken at once in the concurrent figure (default 8). */
  parallel?: number;
}

const COMMAND = 'npm run bench:checkpoints';
const WARMUP = 3;

/** Runs the benchmark in a temporary repository and resolves with its figures. */
export async function runCheckpointBench(options: CheckpointBenchOptions = {}): Promise<BenchFigure[]> {
  const { checkpoints = 30, files = 200, parallel = 8 } = options;
  const root = await mkdtemp(join(tmpdir(), 'ao-ckpt-bench-'));
  try {
    const repo = await makeRepo(root, files);
    const port = await GitCheckpoints.open(repo.dir, { env: repo.env });
    if (!(port instanceof GitCheckpoints)) throw new Error(`checkpoints are off: ${port.note}`);
    const ours: number[] = [];
    const raw: number[] = [];
    const lean: number[] = [];
    const headIndex = await headIndexBytes(repo);
    for (let i = 0; i < WARMUP + checkpoints; i++) {
      await touch(repo, i);
      const oursMs = await timed(() => port.take({ runId: 'bench', taskId: `t${i}`, label: `before t${i}` }));
      await touch(repo, i + 1);
      const rawMs = await timed(() => rawCheckpoint(repo, i));
      await touch(repo, i + 2);
      const leanMs = await timed(() => leanRawCheckpoint(repo, i, headIndex));
      if (i < WARMUP) continue;
      ours.push(oursMs);
      raw.push(rawMs);
      lean.push(leanMs);
    }
    const rounds = Math.max(1, Math.ceil(checkpoints / parallel));
    const concurrentWall: number[] = [];
    for (let round = 0; round < rounds; round++) {
      await touch(repo, round);
      concurrentWall.push(
        await timed(() =>
          Promise.all(
            Array.from({ length: parallel }, (_, j) =>
              port.take({ runId: 'bench-par', taskId: `r${round}-t${j}`, label: 'parallel' }),
            ),
          ),
        ),
      );
    }
    const anchorMedian = percentile(raw, 0.5);
    const anchorP95 = percentile(raw, 0.95);
    const rawName = `same git commands run directly (${RAW_COMMANDS} processes)`;
    return [
      figure(`checkpoint, median (${files} files, n=${checkpoints})`, percentile(ours, 0.5), anchorMedian, rawName),
      figure(`checkpoint, p95 (${files} files, n=${checkpoints})`, percentile(ours, 0.95), anchorP95, rawName),
      figure(
        `checkpoint, median, against the commands it runs`,
        percentile(ours, 0.5),
        percentile(lean, 0.5),
        `the same ${LEAN_COMMANDS} git commands run directly, HEAD's index copied from memory`,
      ),
      figure(
        `checkpoint, ${parallel} at once, wall per checkpoint (median of ${rounds} rounds)`,
        percentile(concurrentWall, 0.5) / parallel,
        anchorMedian,
        `${rawName}, one at a time`,
      ),
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function figure(name: string, value: number, anchor: number, anchorName: string): BenchFigure {
  return {
    name,
    value,
    unit: 'ms',
    anchor: { name: anchorName, value: anchor, unit: 'ms' },
    ratio: value / anchor,
    target: 1.3,
    command: COMMAND,
  };
}

interface BenchRepo {
  dir: string;
  env: Record<string, string>;
}

/** A repository with `files` files in 10 folders and one commit, isolated from the user's and system's git config. */
async function makeRepo(root: string, files: number): Promise<BenchRepo> {
  const dir = join(root, 'repo');
  const home = join(root, 'home');
  await mkdir(home, { recursive: true });
  const repo = { dir, env: { HOME: home, XDG_CONFIG_HOME: home, GIT_CONFIG_NOSYSTEM: '1' } };
  for (let i = 0; i < files; i++) {
    await mkdir(join(dir, `pkg${i % 10}`), { recursive: true });
    await writeFile(join(dir, `pkg${i % 10}`, `file${i}.ts`), `export const value${i} = ${i};\n`.repeat(20));
  }
  await git(repo, ['init', '-q', '-b', 'main']);
  await git(repo, ['add', '-A']);
  await git(repo, [
    '-c',
    'user.name=Bench',
    '-c',
    'user.email=bench@example.invalid',
    'commit',
    '-q',
    '--no-gpg-sign',
    '-m',
    'initial',
  ]);
  return repo;
}

/** Changes one file, as the task before a checkpoint would. */
async function touch(repo: BenchRepo, i: number): Promise<void> {
  await writeFile(join(repo.dir, 'pkg0', 'file0.ts'), `export const changed = ${i};\n`);
}

/** How many git processes `rawCheckpoint` starts. */
const RAW_COMMANDS = 7;

/**
 * The anchor: one checkpoint as plain git plumbing, each command one `execFile` (the sequence the issue measured):
 * resolve HEAD, fill a private index from it, add the working tree, write the tree, write the commit,
 * list the run's refs for the next number, create the ref.
 */
async function rawCheckpoint(repo: BenchRepo, i: number): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'ao-ckpt-raw-'));
  try {
    const indexEnv = { GIT_INDEX_FILE: join(tmp, 'index') };
    const head = (await git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
    await git(repo, ['read-tree', head], indexEnv);
    await git(repo, ['add', '--all', '--', '.'], indexEnv);
    const tree = (await git(repo, ['write-tree'], indexEnv)).trim();
    await writeFile(join(tmp, 'message'), `raw checkpoint ${i}\n`);
    const identity = {
      GIT_AUTHOR_NAME: 'Bench',
      GIT_AUTHOR_EMAIL: 'bench@example.invalid',
      GIT_COMMITTER_NAME: 'Bench',
      GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    };
    const commitArgs = ['commit-tree', '--no-gpg-sign', tree, '-p', head, '-F', join(tmp, 'message')];
    const commit = (await git(repo, commitArgs, identity)).trim();
    await git(repo, ['for-each-ref', '--format=%(refname)', 'refs/bench-raw/']);
    await git(repo, ['update-ref', `refs/bench-raw/${i}`, commit, '']);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** How many git processes `leanRawCheckpoint` starts. */
const LEAN_COMMANDS = 5;

/** HEAD's tree as an index file, as `read-tree` writes it. */
async function headIndexBytes(repo: BenchRepo): Promise<Buffer> {
  const tmp = await mkdtemp(join(tmpdir(), 'ao-ckpt-raw-'));
  try {
    await git(repo, ['read-tree', 'HEAD'], { GIT_INDEX_FILE: join(tmp, 'index') });
    return await readFile(join(tmp, 'index'));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A second anchor: the commands ours runs now, directly (message through stdin, HEAD's index from memory). */
async function leanRawCheckpoint(repo: BenchRepo, i: number, headIndex: Buffer): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'ao-ckpt-raw-'));
  try {
    const indexEnv = { GIT_INDEX_FILE: join(tmp, 'index') };
    const head = (await git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
    await writeFile(indexEnv.GIT_INDEX_FILE, headIndex);
    await git(repo, ['add', '--all', '--', '.'], indexEnv);
    const tree = (await git(repo, ['write-tree'], indexEnv)).trim();
    const identity = {
      GIT_AUTHOR_NAME: 'Bench',
      GIT_AUTHOR_EMAIL: 'bench@example.invalid',
      GIT_COMMITTER_NAME: 'Bench',
      GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    };
    const commit = (
      await git(repo, ['commit-tree', '--no-gpg-sign', tree, '-p', head], identity, `lean checkpoint ${i}\n`)
    ).trim();
    await git(repo, ['update-ref', `refs/bench-lean/${i}`, commit, '']);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function git(repo: BenchRepo, args: string[], env: Record<string, string> = {}, input?: string): Promise<string> {
  const options = { cwd: repo.dir, env: { ...withoutGitVariables(), ...repo.env, ...env } };
  if (input === undefined) return (await execFileAsync('git', args, options)).stdout;
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, options, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    child.stdin?.end(input);
  });
}

function withoutGitVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^git_/i.test(key)));
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** The nearest-rank percentile `p` (0–1) of `values`. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

/** Prints the figures as a table. */
export function printFigures(figures: readonly BenchFigure[]): void {
  console.log('| figure | ours | anchor | ratio | target |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const f of figures) {
    const anchor = f.anchor ? `${f.anchor.value.toFixed(1)} ${f.anchor.unit} (${f.anchor.name})` : '';
    const ratio = f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`;
    const target = f.target === undefined ? '' : `≤ ${f.target}×`;
    console.log(`| ${f.name} | ${f.value.toFixed(1)} ${f.unit} | ${anchor} | ${ratio} | ${target} |`);
  }
}

if (require.main === module) {
  const [checkpoints, files] = process.argv.slice(2).map(Number);
  runCheckpointBench({ checkpoints, files }).then(
    (figures) => {
      console.log(`git checkpoints; ${process.platform} ${process.arch}, node ${process.version}; ${COMMAND}`);
      printFigures(figures);
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
