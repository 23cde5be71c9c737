import { spawn } from 'node:child_process';
import { superviseChild, type OutputStream } from '../common/processTree';

/** How to run one program. */
export interface CommandProcessOptions {
  argv: readonly string[];
  cwd: string;
  /** The whole environment of the child (already scrubbed by the caller). */
  env: Record<string, string>;
  timeoutMs: number;
  /** Most bytes of combined stdout and stderr kept for the result: the first and last halves. */
  maxOutputBytes: number;
  /** Stops the process tree and rejects with the signal's reason. */
  signal: AbortSignal;
  /** Each chunk of output as it arrives (stdout and stderr interleaved), with the pipe it came from. */
  onOutput?(chunk: Buffer, stream: OutputStream): void;
  /** Wait between SIGTERM and SIGKILL of the process group. Default 1 s. */
  killGraceMs?: number;
}

/** What a finished (or timed-out) program left. */
export interface CommandProcessResult {
  /** The exit code; 128 + signal number when a signal ended it; 124 after a timeout. */
  exitCode: number;
  /** Bounded output: head, a "[N bytes not shown]" line, tail. */
  output: string;
  /** Bytes of output that are not in `output`. */
  hiddenBytes: number;
  timedOut: boolean;
  durationMs: number;
}

/** Exit code of a program killed for running too long (as `timeout(1)` reports). */
export const COMMAND_TIMEOUT_EXIT_CODE = 124;

const DEFAULT_KILL_GRACE_MS = 1000;
/** How long to wait for output pipes to close after the program exits (a grandchild may hold them). */
const CLOSE_GRACE_MS = 500;

/**
 * Runs argv directly (no shell) in its own process group on POSIX (`detached`), so a timeout or an
 * abort kills the whole tree: SIGTERM to the group, then SIGKILL; `taskkill /T /F` on Windows.
 * When the program exits on its own, what it left running in its group is killed too, so a
 * background grandchild cannot outlive the call. Output is kept bounded as it streams.
 */
export async function runCommandProcess(options: CommandProcessOptions): Promise<CommandProcessResult> {
  const { argv, cwd } = options;
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('No program to run.');
  const output = new BoundedOutput(options.maxOutputBytes);
  const ended = await superviseChild(
    (posix) =>
      spawn(program, args, {
        cwd,
        shell: false,
        detached: posix,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
        env: options.env,
      }),
    {
      signal: options.signal,
      abortMessage: 'The command was cancelled.',
      timeoutMs: options.timeoutMs,
      killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
      closeGraceMs: CLOSE_GRACE_MS,
      onOutput: (chunk, stream) => {
        output.push(chunk);
        options.onOutput?.(chunk, stream);
      },
      startError: (err) => startError(program, cwd, err),
      // What the program left in its group (a background grandchild) goes with it.
      killLeftovers: true,
    },
  );
  return {
    exitCode: ended.timedOut ? COMMAND_TIMEOUT_EXIT_CODE : ended.exitCode,
    output: output.text(),
    hiddenBytes: output.hiddenBytes(),
    timedOut: ended.timedOut,
    durationMs: ended.durationMs,
  };
}

function startError(program: string, cwd: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT')
    return new Error(`There is no program "${program}" on PATH (or the folder ${cwd} is gone); check its name.`);
  const detail = err instanceof Error ? err.message : String(err);
  return new Error(`Could not start "${program}" in ${cwd}: ${detail}`);
}

/** The first and last halves of a byte stream, with how much of the middle was dropped. */
export class BoundedOutput {
  private readonly head: Buffer[] = [];
  private headSize = 0;
  private readonly tail: Buffer[] = [];
  private tailSize = 0;
  private dropped = 0;
  private readonly half: number;

  constructor(maxBytes: number) {
    this.half = Math.max(1, Math.floor(maxBytes / 2));
  }

  push(chunk: Buffer): void {
    let rest = chunk;
    if (this.headSize < this.half) {
      const take = rest.subarray(0, this.half - this.headSize);
      this.head.push(take);
      this.headSize += take.length;
      rest = rest.subarray(take.length);
    }
    if (rest.length === 0) return;
    this.tail.push(rest);
    this.tailSize += rest.length;
    while (this.tailSize > this.half) {
      const first = this.tail[0];
      if (first === undefined) break;
      const over = this.tailSize - this.half;
      if (first.length <= over) {
        this.tail.shift();
        this.tailSize -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(over);
        this.tailSize -= over;
        this.dropped += over;
      }
    }
  }

  /** Bytes not in {@link text}. */
  hiddenBytes(): number {
    return this.dropped;
  }

  /** Head and tail decoded as UTF-8, with the gap between them named. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    if (this.dropped === 0) return head + tail;
    return `${head}\n[… ${this.dropped} bytes not shown …]\n${tail}`;
  }
}
