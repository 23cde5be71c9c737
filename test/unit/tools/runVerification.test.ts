import * as assert from 'node:assert/strict';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';
import type { VerificationRunner } from '../../../src/core/verify/verificationStep';
import { createToolHarness, fakeTask } from './toolHarness';
import type { ToolHarness } from './toolHarness';

/** Fails with a tsc-style error while src/a.ts still contains BUG. */
const CHECK_SCRIPT = `
const text = require('fs').readFileSync('src/a.ts', 'utf8');
if (text.includes('BUG')) {
  console.log("src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.");
  process.exit(2);
}
console.log('all good');
`;

describe('run_verification', () => {
  let h: ToolHarness;
  let runs: string[];
  beforeEach(async () => {
    runs = [];
    const real = new ChildProcessRunner({ defaultTimeoutMs: 20_000 });
    const runner: VerificationRunner = {
      run: (step, options) => {
        runs.push(step.name);
        return real.run(step, options);
      },
    };
    h = await createToolHarness({
      files: { 'src/a.ts': 'const a = BUG;\n', 'check.js': CHECK_SCRIPT },
      rules: [{ effect: 'allow', command: 'node *' }],
      verification: {
        runner,
        steps: {
          check: { name: 'check', command: 'node check.js' },
          build: { name: 'build', command: 'node -e "process.exit(0)"' },
        },
      },
    });
  });
  afterEach(() => h.cleanup());

  it('runs a named step that fails: findings reported, event recorded, feedback for the agent', async () => {
    const task = fakeTask({ task: { writes: ['src'] } });
    const result = await h.call(task, 'run_verification', { name: 'check' });
    assert.equal(result.isError, true);
    assert.deepEqual(result.data, { verdict: 'fail', exitCode: 2, replayed: false });
    assert.match(result.content, /^Verification `node check\.js` failed: 1 major finding:\n- src\/a\.ts:1:7 — /);
    assert.match(result.content, /Exit code 2\. 1 major finding; at most 0 allowed/);
    assert.equal(task.findings.length, 1);
    assert.deepEqual(
      { ...task.findings[0], message: undefined },
      {
        severity: 'major',
        category: 'build',
        location: 'src/a.ts:1:7',
        message: undefined,
        key: "tsc | src/a.ts | TS2322 | Type 'string' is not assignable to type 'number'.",
      },
    );
    const event = task.events.find((e) => e.type === 'verification.completed');
    assert.deepEqual(event && { ...event, durationMs: 0 }, {
      type: 'verification.completed',
      taskId: 't1',
      name: 'check',
      exitCode: 2,
      verdict: 'fail',
      counts: { major: 1, medium: 0, minor: 0 },
      durationMs: 0,
    });
  });

  it('passes once the agent fixed the file, re-running because the fingerprint changed', async () => {
    const task = fakeTask({ task: { writes: ['src'] } });
    await h.call(task, 'run_verification', { name: 'check' });
    await h.call(task, 'propose_edit', { path: 'src/a.ts', content: 'const a = 1;\n' });
    const result = await h.call(task, 'run_verification', { name: 'check' });
    assert.equal(result.isError, undefined);
    assert.equal(result.content, 'Verification `node check.js` passed (exit code 0).');
    assert.deepEqual(runs, ['check', 'check']);
  });

  it('re-runs after an edit of a file the task did not declare', async () => {
    const task = fakeTask();
    await h.call(task, 'run_verification', { name: 'check' });
    await h.call(task, 'propose_edit', { path: 'src/a.ts', content: 'const a = 1;\n' });
    assert.equal((await h.call(task, 'run_verification', { name: 'check' })).data?.verdict, 'pass');
    assert.deepEqual(runs, ['check', 'check']);
  });

  it('does not re-run a verification completed before a crash while nothing changed', async () => {
    const first = fakeTask({ task: { writes: ['src'] } });
    await h.call(first, 'run_verification', { name: 'check' });
    const resumed = fakeTask({ task: { writes: ['src'] }, journal: first.journal, attempt: 2 });
    const replay = await h.call(resumed, 'run_verification', { name: 'check' });
    assert.deepEqual(runs, ['check']);
    assert.equal(replay.data?.replayed, true);
    assert.match(replay.content, /Recorded result of an identical earlier run/);
    assert.deepEqual([resumed.findings.length, resumed.events.length], [0, 0], 'findings and events are not repeated');
    await h.write('src/a.ts', 'const a = 1;\n');
    assert.equal((await h.call(resumed, 'run_verification', { name: 'check' })).data?.verdict, 'pass');
    assert.deepEqual(runs, ['check', 'check']);
  });

  it('lists the configured names for an unknown or missing name, and runs the only step when there is one', async () => {
    const unknown = await h.call(fakeTask(), 'run_verification', { name: 'lint' });
    assert.deepEqual(unknown, {
      isError: true,
      content: 'There is no verification named "lint" (configured: build, check).',
    });
    const unnamed = await h.call(fakeTask(), 'run_verification', {});
    assert.match(unnamed.content, /^Say which verification to run \(configured: build, check\)/);
    const both = await h.call(fakeTask(), 'run_verification', { name: 'check', command: 'node check.js' });
    assert.equal(both.isError, true);
    assert.deepEqual(runs, []);
    const single = await createToolHarness({
      verification: { ...h.verification, steps: { build: { name: 'build', command: 'node -e "process.exit(0)"' } } },
    });
    try {
      assert.equal((await single.call(fakeTask(), 'run_verification', {})).data?.verdict, 'pass');
      assert.deepEqual(runs, ['build']);
    } finally {
      await single.cleanup();
    }
  });

  it('runs a command the policy allows outright', async () => {
    const result = await h.call(fakeTask(), 'run_verification', { command: 'node check.js' });
    assert.equal(result.data?.verdict, 'fail');
    assert.deepEqual(runs, ['node check.js']);
  });

  it('refuses a chained command even when each part would be allowed, and a denied one (checklist 10, 12)', async () => {
    const chained = await h.call(fakeTask(), 'run_verification', { command: 'node check.js && node check.js' });
    assert.equal(chained.isError, true);
    assert.match(
      chained.content,
      /^This command needs approval, which run_verification cannot ask for \(.*shell operators.*\)\. Use a configured verification instead \(configured: build, check\)\./,
    );
    const network = await h.call(fakeTask(), 'run_verification', { command: 'curl https://example.invalid' });
    assert.match(
      network.content,
      /^The command was refused: Denied command "curl https:\/\/example\.invalid".*reaches the network/,
    );
    const unlisted = await h.call(fakeTask(), 'run_verification', { command: 'make test' });
    assert.match(unlisted.content, /^This command needs approval/);
    assert.deepEqual(runs, []);
  });
});
