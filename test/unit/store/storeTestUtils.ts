import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { applyRunEvent, emptyRunState, type RunState } from '../../../src/core/model/runState';
import type { RunStore } from '../../../src/core/store/runStore';
import type { RunWriter } from '../../../src/core/store/runWriter';

/** The repository root, so child processes resolve `tsx` the way mocha does. */
export const REPO_ROOT = resolve(__dirname, '../../..');

/** A fresh temp folder per test, removed afterwards; call inside a `describe`. */
export function useTempDir(): () => string {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-store-'));
  });
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (!dir) throw new Error('temp dir used outside a test');
    return dir;
  };
}

/** Starts one of the TypeScript scripts in `children/` in a separate Node process. */
export function spawnChild(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'children', script), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the exit code; rejects with stderr when the child fails. */
export function waitForExit(child: ChildProcess): Promise<number | null> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0 || signal) resolvePromise(code);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

/** Resolves once the child prints `line` on stdout. */
export function waitForLine(child: ChildProcess, line: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (out.split('\n').includes(line)) {
        child.stdout?.off('data', onData);
        resolvePromise();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing "${line}"`)));
  });
}

/** The pid of a process that has already exited: what a crashed window leaves in its lock. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start a child process');
  await new Promise((resolvePromise) => child.once('exit', resolvePromise));
  return pid;
}

/** A run written the way a run session writes it: each event is folded into the one state, then appended. */
export interface WrittenRun {
  readonly writer: RunWriter;
  /** The state the writer snapshots; `record` folds into it. */
  readonly state: RunState;
  readonly warnings: readonly string[];
  /** Folds `event` into `state` (a no-op for a seq already folded), then appends it to the writer. */
  record(event: RunEvent): void;
}

function written(writer: RunWriter, state: RunState, warnings: readonly string[]): WrittenRun {
  return {
    writer,
    state,
    warnings,
    record: (event) => {
      applyRunEvent(state, event);
      writer.append(event);
    },
  };
}

/** Creates a run in `store` with a fresh empty state, as the orchestrator does. */
export async function createRun(store: RunStore, runId: string): Promise<WrittenRun> {
  const state = emptyRunState(runId);
  return written(await store.create(runId, state), state, []);
}

/** Opens a run of `store` to resume it, as the orchestrator does. */
export async function openRun(store: RunStore, runId: string): Promise<WrittenRun> {
  const opened = await store.open(runId);
  return written(opened.writer, opened.state, opened.warnings);
}
