// Supervising a child process: stopping it with everything it started, and reading how it ended.
// Shared by the verification runner and run_command, which both start children in a process group of their own.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

/**
 * Sends `signal` to the child's whole process tree (its process group on POSIX, `taskkill /T` on
 * Windows); a tree that is already gone is fine.
 */
export function killProcessTree(child: ChildProcess, signal: NodeJS.Signals, posix: boolean): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (!posix) {
    const killer = spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    killer.on('error', () => child.kill(signal));
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** The exit code a shell would report: the code, or 128 + the signal's number; 1 when neither is known. */
export function exitCodeOf(exit: { code: number | null; signal: NodeJS.Signals | null } | undefined): number {
  if (exit?.code !== null && exit?.code !== undefined) return exit.code;
  const number = exit?.signal ? constants.signals[exit.signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}

/** The signal's own reason when it is an error, else an `AbortError` saying `message`. */
export function abortErrorOf(signal: AbortSignal, message: string): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const error = new Error(message);
  error.name = 'AbortError';
  return error;
}

/** How {@link superviseChild} watches one child. */
/** The pipe a chunk of a child's output came from. */
export type OutputStream = 'stdout' | 'stderr';

export interface SuperviseOptions {
  /** Stops the process tree; the promise then rejects with the signal's reason (or `abortMessage`). */
  signal: AbortSignal;
  abortMessage: string;
  /** After this long the tree is stopped and the result says `timedOut`. */
  timeoutMs: number;
  /** Wait between SIGTERM and SIGKILL of the tree. */
  killGraceMs: number;
  /** How long to wait for the output pipes to close after the child exits (a grandchild may hold them). */
  closeGraceMs: number;
  /** Each chunk of stdout and stderr, interleaved, as it arrives, with the pipe it came from. */
  onOutput(chunk: Buffer, stream: OutputStream): void;
  /** The error for a child that could not start (spawn threw, or emitted `error` with no pid). */
  startError(err: unknown): Error;
  /** Kill what the child left running in its group once it ends (POSIX), so no grandchild outlives it. */
  killLeftovers?: boolean;
}

/** How a supervised child ended, when it was not aborted. */
export interface SupervisedExit {
  /** As a shell reports it (see {@link exitCodeOf}); meaningless when `timedOut`. */
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
}

/**
 * Starts a child with `start` and watches it to the end: the one place that owns the SIGTERM →
 * SIGKILL grace, the exit/close wait and the process-group kill, for run_command and the
 * verification runner alike. `start` gets `posix` and must put the child in a process group of its
 * own there (`detached: true`), with piped stdout and stderr. A timeout or an abort sends SIGTERM
 * to the tree, then SIGKILL after the grace; stragglers still in the group when the leader exits
 * are killed outright. The promise settles on `close`, or `closeGraceMs` after `exit` when a
 * grandchild holds the pipes; an abort rejects, everything else resolves.
 */
export function superviseChild(
  start: (posix: boolean) => ChildProcess,
  options: SuperviseOptions,
): Promise<SupervisedExit> {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(abortErrorOf(signal, options.abortMessage));
  const posix = process.platform !== 'win32';
  const started = performance.now();
  return new Promise<SupervisedExit>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = start(posix);
    } catch (err) {
      reject(options.startError(err));
      return;
    }
    let stopping: 'timeout' | 'abort' | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const cleanup = (): void => {
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
    };
    const stop = (why: 'timeout' | 'abort'): void => {
      if (stopping !== undefined || settled) return;
      stopping = why;
      killProcessTree(child, 'SIGTERM', posix);
      timers.push(setTimeout(() => killProcessTree(child, 'SIGKILL', posix), options.killGraceMs));
    };
    const onAbort = (): void => stop('abort');
    const finish = (): void => {
      if (settled) return;
      cleanup();
      // POSIX: the group outlives its leader; on Windows an exited pid may already name another process.
      if (options.killLeftovers && posix) killProcessTree(child, 'SIGKILL', posix);
      if (stopping === 'abort') {
        reject(abortErrorOf(signal, options.abortMessage));
        return;
      }
      const durationMs = Math.round(performance.now() - started);
      resolve({ exitCode: exitCodeOf(exit), timedOut: stopping === 'timeout', durationMs });
    };
    child.stdout?.on('data', (chunk: Buffer) => options.onOutput(chunk, 'stdout'));
    child.stderr?.on('data', (chunk: Buffer) => options.onOutput(chunk, 'stderr'));
    child.on('error', (err) => {
      if (child.pid !== undefined || settled) return;
      cleanup();
      reject(options.startError(err));
    });
    child.on('exit', (code, exitSignal) => {
      exit = { code, signal: exitSignal };
      // Stragglers left in the group after a stop are killed outright; then stop waiting for pipes.
      if (stopping !== undefined) killProcessTree(child, 'SIGKILL', posix);
      timers.push(setTimeout(finish, options.closeGraceMs));
    });
    child.on('close', (code, exitSignal) => {
      exit ??= { code, signal: exitSignal };
      finish();
    });
    timers.push(setTimeout(() => stop('timeout'), options.timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
