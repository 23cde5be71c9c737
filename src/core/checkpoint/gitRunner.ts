import { simpleGit } from 'simple-git';
import type { SimpleGitOptions } from 'simple-git';
import type { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import { GitCommandError } from './gitCommandError';
import { GitNotInstalledError } from './gitNotInstalledError';

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
}

/** Variables simple-git's environment guard refuses when passed through; none of them matter to plumbing commands. */
const GUARDED_NON_GIT_KEYS = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

/** Runs git plumbing commands through simple-git with clear errors and a short retry on lock contention. */
export class GitRunner {
  readonly cwd: string;
  private readonly binary: string | undefined;
  private readonly baseEnv: Record<string, string>;
  private readonly clock: Clock;
  private readonly lockRetries: number;

  constructor(options: GitRunnerOptions) {
    this.cwd = options.cwd;
    this.binary = options.binary;
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
    let exitCode: number | undefined;
    let stderr = '';
    const config: Partial<SimpleGitOptions> = {
      baseDir: this.cwd,
      maxConcurrentProcesses: 1,
      trimmed: false,
      // simple-git drops GIT_* variables unless they are named here; ours are deliberate.
      allowEnvironment: Object.keys(env).filter((key) => /^git_/i.test(key)),
      errors: (error, result) => {
        exitCode = result.exitCode;
        stderr = Buffer.concat(result.stdErr).toString('utf8');
        // simple-git treats a non-zero exit without stderr as success; for plumbing it is a failure.
        if (error === undefined && result.exitCode !== 0) return Buffer.from(stderr);
        return error;
      },
    };
    if (this.binary !== undefined) {
      config.binary = this.binary;
      // The binary comes from trusted configuration; paths like `C:\Program Files\Git\bin\git.exe` need this.
      config.unsafe = { allowUnsafeCustomBinary: true };
    }
    if (options.input !== undefined) {
      const input = options.input;
      config.input = () => input;
    }
    let git;
    try {
      git = simpleGit(config).env(env);
    } catch (err) {
      throw new Error(
        `Checkpoints cannot run git in ${this.cwd}: ${errorMessage(err)}. Check that the workspace folder exists.`,
        {
          cause: err,
        },
      );
    }
    try {
      return await git.raw([...args]);
    } catch (err) {
      const message = errorMessage(err);
      const spawnFailure = /\bspawn\b.*\b(ENOENT|EACCES)\b/.exec(message);
      if (spawnFailure) throw new GitNotInstalledError(this.binary ?? 'git', spawnFailure[0], { cause: err });
      throw new GitCommandError(args, exitCode, stderr || message, this.cwd, { cause: err });
    }
  }
}

/** The process environment minus git's own variables, so an outer git (a hook, a test runner) cannot redirect ours. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower.startsWith('git_') || GUARDED_NON_GIT_KEYS.has(lower)) continue;
    env[key] = value;
  }
  return env;
}

/** git's message when another process holds `index.lock`, a ref lock or `packed-refs.lock`. */
function isLockContention(stderr: string): boolean {
  return /\.lock'?: File exists/i.test(stderr) || /Another git process seems to be running/i.test(stderr);
}
