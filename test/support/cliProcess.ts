import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

/** The repository root: the CLI runs from here so `tsx` resolves as it does for mocha. */
export const REPO_ROOT = resolve(__dirname, '../..');
const CLI_ENTRY = join(REPO_ROOT, 'src/cli/cli.ts');

/** What a finished CLI process left behind. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for a CLI child: the test's own, without API keys, CLI settings or git
 * variables of the machine, plus `extra`. HOME and the state folder point into `sandbox`, so a
 * test never touches the user's folders.
 */
export function cliEnv(sandbox: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(OPENAI_|ANTHROPIC_|AGENT_ORCHESTRATOR_|GIT_|XDG_)/i.test(key) || key === 'NO_COLOR') continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: join(sandbox, 'home'),
    AGENT_ORCHESTRATOR_HOME: join(sandbox, 'default-state'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test User',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test User',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
    ...extra,
  };
}

let bundle: string | undefined;
let building: Promise<string> | undefined;

/**
 * Bundles src/cli/cli.ts once per test process with the same esbuild settings as dist/cli.js, in a
 * temp folder: the tests run what ships, and a bundle starts in a fraction of the time `tsx` needs
 * to compile the engine in every child. Call it in a `describe`; it registers a `before` hook.
 */
export function useCliBundle(): void {
  before(async function () {
    this.timeout(60_000);
    building ??= (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ao-cli-bundle-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      const outfile = join(dir, 'cli.js');
      await build({
        entryPoints: [CLI_ENTRY],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        logLevel: 'silent',
      });
      return outfile;
    })();
    bundle = await building;
  });
}

/** The bundled CLI's path (see `useCliBundle`), for a test that spawns it its own way (an MCP client). */
export function cliBundlePath(): string {
  if (!bundle) throw new Error('call useCliBundle() in the describe block first');
  return bundle;
}

/**
 * Starts the bundled CLI (see `useCliBundle`) with piped stdio, from the repository root. `detached`
 * puts it in a process group of its own, so `process.kill(-pid, 'SIGKILL')` also ends its children
 * (verification commands, git), as a crash of the machine or the terminal would.
 */
export function spawnCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: { detached?: boolean } = {},
): ChildProcess {
  if (!bundle) throw new Error('call useCliBundle() in the describe block first');
  return spawn(process.execPath, [bundle, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached === true,
  });
}

/** Collects a child's output and resolves when it exits. */
export function collect(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI to the end with stdin closed. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const child = spawnCli(args, env);
  child.stdin?.end();
  return collect(child);
}

/** Runs async jobs with at most `limit` at a time, keeping their order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/** A fresh sandbox folder per test with `home/`, `state/` and `ws/` (the workspace), removed afterwards. */
export function useSandbox(): () => { root: string; state: string; ws: string } {
  let root: string | undefined;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ao-cli-'));
    await Promise.all(['home', 'state', 'ws'].map((d) => mkdir(join(root!, d))));
    await writeFile(join(root, 'ws', 'README.md'), '# Demo\n\nA tiny project.\n');
  });
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
    root = undefined;
  });
  return () => {
    if (!root) throw new Error('sandbox used outside a test');
    return { root, state: join(root, 'state'), ws: join(root, 'ws') };
  };
}

/** Runs git in `cwd` with the isolated test environment. */
export async function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('git', args, { cwd, env });
  return stdout;
}

/** Every file under `dir`, recursively, with its content. */
export async function readTree(dir: string): Promise<Array<{ path: string; content: string }>> {
  const out: Array<{ path: string; content: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    out.push({ path: file, content: await readFile(file, 'utf8') });
  }
  return out;
}

/** The JSON objects of `--json` output; throws on any line that is not one. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Error(`not a JSON object: ${line}`);
      return value as Record<string, unknown>;
    });
}
