import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcessRunner, TIMEOUT_EXIT_CODE } from '../../../src/core/verify/childProcessRunner';
import type { VerificationStep } from '../../../src/core/verify/verificationStep';

const NODE = JSON.stringify(process.execPath);
const posixOnly = process.platform === 'win32' ? describe.skip : describe;

function step(command: string, timeoutMs?: number): VerificationStep {
  return timeoutMs === undefined ? { name: 'check', command } : { name: 'check', command, timeoutMs };
}

/** Whether a process still runs; a zombie (dead, not yet reaped by its new parent) counts as dead. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true;
  }
}

/** Waits until none of the pids is alive, or the deadline passes; returns the survivors. */
async function survivors(pids: readonly number[], deadlineMs = 10_000): Promise<number[]> {
  const until = Date.now() + deadlineMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** The pids a command wrote to its pid file: the shell's and the background sleep's. */
function readPids(file: string): number[] {
  return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number);
}

/** The pids written so far ([] while the file does not exist yet). */
function readPidsIfAny(file: string): number[] {
  return existsSync(file) ? readPids(file) : [];
}

describe('ChildProcessRunner', function () {
  this.timeout(15_000);
  let dir: string;
  const signal = new AbortController().signal;

  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'verify-runner-')));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the exit code and captures stdout and stderr together, in cwd', async () => {
    const script =
      "process.stdout.write('to stdout ' + process.cwd() + '\\n'); process.stderr.write('to stderr\\n'); process.exitCode = 3";
    const result = await new ChildProcessRunner().run(step(`${NODE} -e ${JSON.stringify(script)}`), {
      signal,
      cwd: dir,
    });
    assert.equal(result.exitCode, 3);
    assert.ok(result.output.includes(`to stdout ${dir}\n`), result.output);
    assert.ok(result.output.includes('to stderr\n'), result.output);
    assert.equal(result.timedOut, undefined);
    assert.ok(result.durationMs >= 0);
  });

  it('returns exit code 0 for a succeeding command', async () => {
    const result = await new ChildProcessRunner().run(step(`${NODE} -e "console.log('ok')"`), { signal, cwd: dir });
    assert.deepEqual([result.exitCode, result.output.trim()], [0, 'ok']);
  });

  posixOnly('process trees (POSIX)', () => {
    // No clock asserts: a command that was not stopped would run its `sleep 10` out, exit 0 and leave no survivors to find.
    it('kills the whole tree on timeout and reports exit code 124 instead of waiting for the command to end', async () => {
      const pidFile = join(dir, 'pids');
      const result = await new ChildProcessRunner().run(step(`echo $$ > pids; sleep 10 & echo $! >> pids; wait`, 300), {
        signal,
        cwd: dir,
      });
      assert.equal(result.exitCode, TIMEOUT_EXIT_CODE);
      assert.equal(result.timedOut, true);
      assert.match(
        result.output,
        /`echo \$\$ > pids; sleep 10 & echo \$! >> pids; wait` timed out after 300 ms; its process tree was killed\./,
      );
      const pids = readPids(pidFile);
      assert.equal(pids.length, 2);
      assert.deepEqual(await survivors(pids), []);
    });

    it('kills a plain `sleep 10` on timeout', async () => {
      const result = await new ChildProcessRunner().run(step('sleep 10', 200), { signal, cwd: dir });
      assert.equal(result.exitCode, 124);
      assert.equal(result.timedOut, true);
    });

    it('kills the whole tree on abort and rejects with the abort reason', async () => {
      const controller = new AbortController();
      const run = new ChildProcessRunner().run(step(`echo $$ > pids; sleep 10 & echo $! >> pids; wait`), {
        signal: controller.signal,
        cwd: dir,
      });
      // Abort once both pids are written (a fixed wait could end before the shell got that far on a loaded machine).
      while (readPidsIfAny(join(dir, 'pids')).length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      controller.abort();
      await assert.rejects(run, (err: Error) => err.name === 'AbortError');
      const pids = readPids(join(dir, 'pids'));
      assert.equal(pids.length, 2);
      assert.deepEqual(await survivors(pids), []);
    });

    it('escalates to SIGKILL when the process ignores SIGTERM', async () => {
      // A runner that never escalated would never end: mocha's timeout, not a clock assert, fails it.
      const script = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); console.log('ready')";
      const result = await new ChildProcessRunner({ killGraceMs: 200 }).run(
        step(`exec ${NODE} -e ${JSON.stringify(script)}`, 500),
        { signal, cwd: dir },
      );
      assert.equal(result.exitCode, 124);
      assert.equal(result.timedOut, true);
    });

    it('reports death by signal as 128 + the signal number', async () => {
      const result = await new ChildProcessRunner().run(step('kill -9 $$'), { signal, cwd: dir });
      assert.equal(result.exitCode, 137);
    });
  });

  it('rejects at once, starting nothing, when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const marker = join(dir, 'ran');
    await assert.rejects(
      new ChildProcessRunner().run(step(`${NODE} -e "require('fs').writeFileSync('ran', '')"`), {
        signal: controller.signal,
        cwd: dir,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.throws(() => readFileSync(marker));
  });

  it('keeps only the last megabyte of output and says how much was dropped', async () => {
    const script = "process.stdout.write('x'.repeat(3 * 1024 * 1024)); process.stdout.write('THE END')";
    const result = await new ChildProcessRunner().run(step(`${NODE} -e ${JSON.stringify(script)}`), {
      signal,
      cwd: dir,
    });
    assert.equal(result.exitCode, 0);
    const dropped = 3 * 1024 * 1024 + 'THE END'.length - 1024 * 1024;
    const note = `[… ${dropped} earlier bytes of output dropped]\n`;
    assert.ok(result.output.startsWith(note), result.output.slice(0, 80));
    assert.equal(result.output.length, note.length + 1024 * 1024);
    assert.ok(result.output.endsWith('xxTHE END'));
  });

  it('honours a smaller output bound and does not split a UTF-8 character', async () => {
    const script = "process.stdout.write('é'.repeat(5000))";
    const result = await new ChildProcessRunner({ maxOutputBytes: 1001 }).run(
      step(`${NODE} -e ${JSON.stringify(script)}`),
      { signal, cwd: dir },
    );
    const body = result.output.slice(result.output.indexOf('\n') + 1);
    assert.equal(body, 'é'.repeat(500));
    assert.match(result.output, /^\[… 9000 earlier bytes of output dropped\]\n/);
  });

  it('rejects a task-only step: only the VS Code host runs tasks', async () => {
    await assert.rejects(
      new ChildProcessRunner().run({ name: 'build', task: 'npm: build' }, { signal, cwd: dir }),
      /names VS Code task "npm: build" and no command/,
    );
  });

  it('rejects with a clear error when the working directory does not exist', async () => {
    const missing = join(dir, 'missing');
    await assert.rejects(new ChildProcessRunner().run(step('echo hi'), { signal, cwd: missing }), (err: Error) =>
      err.message.startsWith(`Could not start \`echo hi\` in ${missing}:`),
    );
  });
});
