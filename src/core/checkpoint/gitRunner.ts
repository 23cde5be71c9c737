import { stat } from 'node:fs/promises';
import { isGitEnvKey, vulnerabilityCheck } from '@simple-git/argv-parser';
import type { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import { GitCommandError } from './gitCommandError';
import { GitNotInstalledError } from './gitNotInstalledError';
import { PROCESS_GIT_SPAWNER, type GitSpawner } from './gitProcessThread';
import { GitRefusedError } from './gitRefusedError';

/** How one git command runs: a private index, stdin, extra environment. */
export interface GitRunOptions {
  /** Absolute path of the index file to use instead of the user's `.git/index`. */
  indexFile?: string;
  /** Written to git's stdin. */
  input?: string;
  /** Extra environment for this command only. */
  env?: Record<string, string>;
}

/** Where and how git runs. */
export interface GitRunnerOptions {
  /** The folder git runs in; paths given to and printed by the commands are relative to it. */
  cwd: string;
  /** The git executable; defaults to `git` on PATH. */
  binary?: string;
  /** Extra environment for every command (tests point HOME at a temp folder to isolate from the user's config). */
  env?: Record<string, string>;
  clock: Clock;
  /** How often a command is retried while another git process holds a lock; default 8 (about 3 s in all). */
  lockRetries?: number;
  /** Starts the git processes; default: the process's worker thread (`PROCESS_GIT_SPAWNER`). */
  spawner?: GitSpawner;
}

/**
 * Runs git plumbing commands as child processes (an argv array, never a shell) with clear errors and a short retry
 * on lock contention. Not through simple-git: it waits a fixed 50 ms after every command that prints nothing,
 * which most plumbing commands do; its argument and environment guard (`@simple-git/argv-parser`) is kept.
 */
export class GitRunner {
  readonly cwd: string;
  private readonly binary: string;
  private readonly baseEnv: Record<string, string>;
  private readonly clock: Clock;
  private readonly lockRetries: number;
  private readonly spawner: GitSpawner;
  /** The entries of `baseEnv` the environment guard looks at, picked once (the rest of the environment never matters to it). */
  private readonly baseGuardedEnv: Record<string, string>;

  constructor(options: GitRunnerOptions) {
    this.spawner = options.spawner ?? PROCESS_GIT_SPAWNER;
    this.cwd = options.cwd;
    this.binary = options.binary ?? 'git';
    this.clock = options.clock;
    this.lockRetries = options.lockRetries ?? 8;
    this.baseEnv = {
      ...inheritedEnv(),
      // Paths are data, never globs or pathspec magic.
      GIT_LITERAL_PATHSPECS: '1',
      // Never refresh the user's index opportunistically, and never wait for a credential prompt.
      GIT_OPTIONAL_LOCKS: '0',
      GIT_TERMINAL_PROMPT: '0',
      ...options.env,
    };
    this.baseGuardedEnv = guardedEntries(this.baseEnv);
  }

  /** Runs `git <args>` and resolves with its stdout; retries while a `*.lock` file of another git process is in the way. */
  async run(args: readonly string[], options: GitRunOptions = {}): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runOnce(args, options);
      } catch (err) {
        if (!(err instanceof GitCommandError) || !isLockContention(err.stderr) || attempt >= this.lockRetries)
          throw err;
        await this.clock.sleep(Math.min(25 * 2 ** attempt, 500));
      }
    }
  }

  private async runOnce(args: readonly string[], options: GitRunOptions): Promise<string> {
    const env: Record<string, string> = { ...this.baseEnv, ...options.env };
    if (options.indexFile !== undefined) env.GIT_INDEX_FILE = options.indexFile;
    // An option that makes git run another program (`--upload-pack=…`, `-c core.sshCommand=…`, GIT_SSH, EDITOR…)
    // is refused, even where it arrives as a value; pathspecs after `--` are data and pass.
    // The guard reads only git's variables and those that name a program; it is given just those, in the same order.
    const guarded = { ...this.baseGuardedEnv, ...guardedEntries(options.env) };
    if (options.indexFile !== undefined) guarded.GIT_INDEX_FILE = options.indexFile;
    const unsafe = vulnerabilityCheck(args, guarded);
    if (unsafe.length > 0) throw new GitRefusedError(args, unsafe.map((v) => v.message).join('; '));
    try {
      const { exitCode, signal, stdout, stderr } = await this.spawner.run({
        binary: this.binary,
        args,
        cwd: this.cwd,
        env,
        input: options.input,
      });
      if (exitCode === 0) return stdout;
      const detail = stderr || (signal ? `git was stopped by ${signal}` : '');
      throw new GitCommandError(args, exitCode ?? undefined, detail, this.cwd);
    } catch (err) {
      if (err instanceof GitCommandError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !(await isFolder(this.cwd)))
        throw new Error(
          `Checkpoints cannot run git in ${this.cwd}: the folder does not exist. Check that the workspace folder exists.`,
          { cause: err },
        );
      if (code === 'ENOENT' || code === 'EACCES')
        throw new GitNotInstalledError(this.binary, `spawn ${this.binary} ${code}`, { cause: err });
      throw new GitCommandError(args, undefined, errorMessage(err), this.cwd, { cause: err });
    }
  }
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * The process environment minus git's own variables and those that name a program for git to run (EDITOR, PAGER…),
 * so an outer git (a hook, a test runner) cannot redirect ours.
 */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower.startsWith('git_') || isGitEnvKey(lower)) continue;
    env[key] = value;
  }
  return env;
}

/**
 * The entries `@simple-git/argv-parser`'s environment check reads: a key that, lower-cased and trimmed, is one of
 * its named variables (EDITOR, PAGER, GIT_SSH…) or starts with "git". It skips every other entry, so its verdict on
 * these alone is its verdict on the whole environment.
 */
export function guardedEntries(env: Record<string, string> | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(env ?? {})) {
    const lower = key.toLowerCase().trim();
    if (isGitEnvKey(lower) || lower.startsWith('git')) picked[key] = value;
  }
  return picked;
}

/** git's message when another process holds `index.lock`, a ref lock or `packed-refs.lock`. */
function isLockContention(stderr: string): boolean {
  return /\.lock'?: File exists/i.test(stderr) || /Another git process seems to be running/i.test(stderr);
}
