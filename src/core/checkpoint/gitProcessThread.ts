// Where git processes are started: starting a child process forks this process, which costs the
// calling thread milliseconds (more on a loaded machine, and more the larger the process), and the
// engine's thread is the one that answers model replies and applies edits. A worker thread of its
// own starts them instead; this thread only posts the command and reads the answer.
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';

/** What a finished git process left. */
export interface GitOutput {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** One git command: argv without a shell, its folder, its whole environment and stdin. */
export interface GitProcessRequest {
  binary: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  input: string | undefined;
}

/** Starts git processes; rejects (with the `code` of the spawn error) only when the process cannot be started. */
export interface GitSpawner {
  run(request: GitProcessRequest): Promise<GitOutput>;
}

/** How `startGit` reports: once, with what the process left or why it could not start. */
type GitStartResult = { output: GitOutput } | { error: Error & { code?: string } };

/**
 * Starts one git process without a shell and collects its output; calls `report` when it ends, or
 * with the error when it cannot start (both may be called for one process: the first counts).
 * The worker thread runs this function's source text, so it must stay self-contained: no names from
 * outside but its parameters and `Buffer`, and no named inner functions (a test build names them
 * through a helper the worker does not have).
 */
function startGit(start: typeof spawn, request: GitProcessRequest, report: (result: GitStartResult) => void): void {
  let child: ReturnType<typeof spawn>;
  try {
    child = start(request.binary, request.args, {
      cwd: request.cwd,
      env: request.env,
      shell: false,
      windowsHide: true,
      stdio: [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    report({ error: err as Error });
    return;
  }
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.once('error', (error) => report({ error }));
  child.once('close', (exitCode, signal) =>
    report({
      output: {
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      },
    }),
  );
  if (request.input !== undefined && child.stdin) {
    // git may exit before reading all of stdin (a bad argument); its exit code and stderr tell why, not EPIPE.
    child.stdin.once('error', () => undefined);
    child.stdin.end(request.input);
  }
}

/** Starts each git process from this thread. */
export const inThreadGitSpawner: GitSpawner = {
  run: (request) =>
    new Promise((resolve, reject) =>
      // A promise settles once, so a `close` after an `error` changes nothing.
      startGit(spawn, request, (result) => ('output' in result ? resolve(result.output) : reject(result.error))),
    ),
};

/**
 * The worker: says it is ready, then answers each `{ id, request }` with `{ id, output }` or
 * `{ id, error }`, once per id. It runs `startGit` itself, from its source text.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { spawn } = require('node:child_process');
const startGit = ${startGit.toString()};
parentPort.on('message', ({ id, request }) => {
  let settled = false;
  startGit(spawn, request, (result) => {
    if (settled) return;
    settled = true;
    if ('output' in result) parentPort.postMessage({ id, output: result.output });
    else {
      const err = result.error;
      parentPort.postMessage({ id, error: { message: String((err && err.message) || err), code: err && err.code } });
    }
  });
});
parentPort.postMessage({ ready: true });
`;

interface WorkerAnswer {
  ready?: true;
  id?: number;
  output?: GitOutput;
  error?: { message: string; code?: string };
}

/** How long a command asked for while the worker starts waits for it before starting from this thread. */
const READY_WAIT_MS = 200;

/**
 * Starts git processes from a worker thread, started on the first command. A command asked for
 * while the worker starts waits for it (tens of milliseconds, on another CPU, while this thread
 * goes on with its own work) for at most `readyWaitMs`; after that, and for good if the worker
 * cannot start or stops, commands start from this thread. The worker keeps the process alive only
 * while a command runs.
 */
export class WorkerGitSpawner implements GitSpawner {
  private worker: Worker | undefined;
  private ready = false;
  /** Set once the worker could not start or stopped: every later command starts from this thread. */
  private broken = false;
  private readonly pending = new Map<number, { resolve(output: GitOutput): void; reject(err: Error): void }>();
  private nextId = 0;
  private markSettled: () => void = () => undefined;
  /** Settles once the worker is ready, could not start or stopped. */
  private readonly settled = new Promise<void>((resolve) => (this.markSettled = resolve));
  /** Resolves `readyWaitMs` after the first command that had to wait for the worker. */
  private waitLimit: Promise<void> | undefined;

  constructor(private readonly readyWaitMs = READY_WAIT_MS) {}

  run(request: GitProcessRequest): Promise<GitOutput> {
    const worker = this.readyWorker();
    if (worker !== undefined) return this.post(worker, request);
    if (this.broken || this.readyWaitMs <= 0) return inThreadGitSpawner.run(request);
    return this.readyOrLate().then(() => {
      const ready = this.readyWorker();
      return ready === undefined ? inThreadGitSpawner.run(request) : this.post(ready, request);
    });
  }

  /** Settles when the worker is ready, could not start or stopped, or `readyWaitMs` after the first wait. */
  private readyOrLate(): Promise<void> {
    this.waitLimit ??= new Promise<void>((resolve) => setTimeout(resolve, this.readyWaitMs).unref());
    return Promise.race([this.settled, this.waitLimit]);
  }

  private post(worker: Worker, request: GitProcessRequest): Promise<GitOutput> {
    const id = this.nextId++;
    return new Promise<GitOutput>((resolve, reject) => {
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request: { ...request, args: [...request.args] } });
    });
  }

  /** Whether commands now start from the worker (for tests). */
  get inWorker(): boolean {
    return this.ready && !this.broken;
  }

  /** Resolves once the worker is ready (true) or could not start (false); starts it if it has not. */
  started(): Promise<boolean> {
    this.readyWorker();
    return this.settled.then(() => this.inWorker);
  }

  /** The worker once it is ready; starts it on the first call. */
  private readyWorker(): Worker | undefined {
    if (this.broken) return undefined;
    if (this.worker === undefined) this.start();
    return this.ready ? this.worker : undefined;
  }

  private start(): void {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true, stdout: false, stderr: false });
    } catch {
      this.broken = true;
      this.markSettled();
      return;
    }
    this.worker = worker;
    // Starting alone never keeps a process alive; a command someone waits for does.
    worker.unref();
    worker.on('message', (answer: WorkerAnswer) => {
      if (answer.ready) {
        this.ready = true;
        this.markSettled();
        // Unref'd before it was online did not hold: say it again, or an idle worker keeps the process alive.
        if (this.pending.size === 0) worker.unref();
        return;
      }
      if (answer.id === undefined) return;
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
      if (answer.output !== undefined) waiting?.resolve(answer.output);
      else
        waiting?.reject(
          Object.assign(new Error(answer.error?.message ?? 'git could not be started'), {
            ...(answer.error?.code === undefined ? {} : { code: answer.error.code }),
          }),
        );
    });
    const fail = (reason: string): void => {
      this.broken = true;
      this.markSettled();
      const err = new Error(`git's worker thread ${reason}`);
      for (const waiting of this.pending.values()) waiting.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err: unknown) => fail(`failed: ${String((err as Error)?.message ?? err)}`));
    worker.on('exit', (code) => fail(`stopped (exit code ${code})`));
  }
}

/** The process's git spawner: one worker thread shared by every checkpoint of every engine. */
export const PROCESS_GIT_SPAWNER: GitSpawner = new WorkerGitSpawner();
