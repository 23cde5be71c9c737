// Stopping a child process with everything it started, and reading how it ended. Shared by the
// verification runner and run_command, which both start children in a process group of their own.
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
