import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { captureCommand, readCapturedOutput, readCapturedStatus } from './captureWrapper';
import { childEnvironment } from './childEnvironment';
import type {
  VerificationRunOptions,
  VerificationRunResult,
  VerificationRunner,
  VerificationStep,
} from './verificationStep';
import { superviseChild } from '../common/processTree';

/** Exit code reported when a verification is killed for running too long (as `timeout(1)` does). */
export const TIMEOUT_EXIT_CODE = 124;

/** Options for {@link ChildProcessRunner}. */
export interface ChildProcessRunnerOptions {
  /** Most bytes of combined output kept (the tail). Default 1 MiB. */
  maxOutputBytes?: number;
  /** Timeout for steps that set none. Default 10 minutes. */
  defaultTimeoutMs?: number;
  /** Wait between SIGTERM and SIGKILL when stopping a process tree. Default 2 s. */
  killGraceMs?: number;
  /** Extra environment variables set by the program itself, over the scrubbed environment. */
  env?: Record<string, string>;
  /**
   * Names of the parent's environment the user allow-listed for commands (exact, or patterns with
   * `*`); see {@link childEnvironment}. Everything else but a safe base set is withheld.
   */
  passEnv?: readonly string[];
  /** Variables always withheld unless passed by exact name, e.g. the provider key variables. */
  secretEnvNames?: readonly string[];
}

const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_KILL_GRACE_MS = 2000;
/** How long to wait for output pipes to close after the shell exits (a straggler may hold them). */
const CLOSE_GRACE_MS = 1000;

/**
 * Runs a step's command for the CLI through the platform shell (`/bin/sh`, `cmd.exe`) in `cwd`,
 * keeping the last `maxOutputBytes` of stdout and stderr combined. On timeout or abort the whole
 * process tree is killed: on POSIX the shell leads its own process group (`detached`) and the group
 * gets SIGTERM, then SIGKILL; on Windows `taskkill /T /F`. A timeout resolves with exit code 124 and
 * a note in the output; an abort rejects with the signal's reason once the tree is gone.
 * The command is run as given: checking it against policy is the caller's job, not this runner's.
 * Its environment is scrubbed by allow-list ({@link childEnvironment}): no provider key or token.
 */
export class ChildProcessRunner implements VerificationRunner {
  constructor(private readonly options: ChildProcessRunnerOptions = {}) {}

  /**
   * Runs `step.command`; rejects for a task-only step, a start failure, or an abort. With `record`
   * (POSIX), the command runs under the capture wrapper, which writes its exit status into that
   * folder as soon as it ends; a status already there means the command finished before a crash,
   * and its recorded result is returned without running it again.
   */
  async run(step: VerificationStep, options: VerificationRunOptions): Promise<VerificationRunResult> {
    const record = options.record !== undefined && process.platform !== 'win32' ? options.record : undefined;
    if (record === undefined || step.command === undefined) return this.spawnRun(step, options, undefined);
    const files = { output: path.join(record, 'output.log'), status: path.join(record, 'status') };
    const status = await readCapturedStatus(files.status);
    if (status !== undefined) {
      const output = await readCapturedOutput(files.output, this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
      return { exitCode: status, output, durationMs: 0 };
    }
    // A record without a status is a run a crash interrupted: it starts again from nothing.
    try {
      await rm(record, { recursive: true, force: true });
      await mkdir(record, { recursive: true });
    } catch {
      // No record can be kept (e.g. the state folder is read-only): the check still runs, unrecorded.
      return this.spawnRun(step, options, undefined);
    }
    return this.spawnRun(step, options, files);
  }

  private async spawnRun(
    step: VerificationStep,
    { signal, cwd }: VerificationRunOptions,
    files: { output: string; status: string } | undefined,
  ): Promise<VerificationRunResult> {
    const command = step.command;
    if (command === undefined) {
      throw new Error(
        `Verification "${step.name}" names VS Code task "${step.task ?? ''}" and no command; only the VS Code host can run tasks.`,
      );
    }
    const timeoutMs = step.timeoutMs ?? this.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const output = new OutputTail(this.options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const ended = await superviseChild(
      (posix) => {
        const wrapped = files === undefined ? undefined : captureCommand(command, files.output, files.status);
        return spawn(wrapped?.process ?? command, wrapped?.args ?? [], {
          cwd,
          shell: wrapped === undefined,
          detached: posix,
          stdio: ['ignore', 'pipe', 'pipe'],
          windowsHide: true,
          env: {
            ...childEnvironment(process.env, {
              ...(this.options.passEnv === undefined ? {} : { pass: this.options.passEnv }),
              ...(this.options.secretEnvNames === undefined ? {} : { secretNames: this.options.secretEnvNames }),
            }),
            ...this.options.env,
          },
        });
      },
      {
        signal,
        abortMessage: 'The verification was aborted.',
        timeoutMs,
        killGraceMs: this.options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
        closeGraceMs: CLOSE_GRACE_MS,
        onOutput: (chunk) => output.push(chunk),
        startError: (err) => startError(command, cwd, err),
      },
    );
    if (!ended.timedOut) return { exitCode: ended.exitCode, output: output.text(), durationMs: ended.durationMs };
    const note = `\n[agent-orchestrator] \`${command}\` timed out after ${timeoutMs} ms; its process tree was killed.\n`;
    return { exitCode: TIMEOUT_EXIT_CODE, output: output.text() + note, durationMs: ended.durationMs, timedOut: true };
  }
}

function startError(command: string, cwd: string, err: unknown): Error {
  const detail = err instanceof Error ? err.message : String(err);
  return new Error(`Could not start \`${command}\` in ${cwd}: ${detail}`);
}

/** The last `maxBytes` bytes of a stream of chunks, decoded as UTF-8 at the end. */
class OutputTail {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    let first = this.chunks[0];
    while (first !== undefined && this.size - first.length >= this.maxBytes) {
      this.chunks.shift();
      this.size -= first.length;
      this.dropped += first.length;
      first = this.chunks[0];
    }
  }

  text(): string {
    let bytes = Buffer.concat(this.chunks);
    let dropped = this.dropped;
    if (bytes.length > this.maxBytes) {
      dropped += bytes.length - this.maxBytes;
      bytes = bytes.subarray(bytes.length - this.maxBytes);
    }
    let start = 0;
    // Skip UTF-8 continuation bytes left over from a character cut in half.
    while (dropped > 0 && start < 3 && start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
    const text = bytes.subarray(start).toString('utf8');
    return dropped + start > 0 ? `[… ${dropped + start} earlier bytes of output dropped]\n${text}` : text;
  }
}
