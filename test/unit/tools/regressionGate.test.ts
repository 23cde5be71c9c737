import * as assert from 'node:assert/strict';
import type { BaselineCheck } from '../../../src/core/model/verificationBaseline';
import type { TaskGateView } from '../../../src/core/task/agent';
import { baselineCheckOf } from '../../../src/core/verify/baseline';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';
import { runVerification } from '../../../src/core/verify/verificationStep';
import { DEFAULT_THRESHOLDS } from '../../../src/core/verify/verificationThresholds';
import { createToolHarness, fakeTask, type FakeTask, type ToolHarness } from './toolHarness';

/** A node:test suite: `adds` passes until src/math.mjs is broken; `legacy` fails before any task runs. */
const FILES = {
  'src/math.mjs': 'export const add = (a, b) => a + b;\n',
  'src/other.mjs': 'export const two = 2;\n',
  'test/math.test.mjs':
    "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.mjs';\ntest('adds', () => assert.equal(add(1, 2), 3));\n",
  'test/legacy.test.mjs':
    "import test from 'node:test';\nimport assert from 'node:assert/strict';\ntest('legacy behaviour', () => assert.equal(1, 2));\n",
};
const STEP = { name: 'tests', command: 'node --test test/' };

describe('run_verification as a task gate: only what the task broke fails it', function () {
  this.timeout(30_000);
  let h: ToolHarness;
  let baseline: BaselineCheck;
  const runner = new ChildProcessRunner({ defaultTimeoutMs: 20_000 });
  beforeEach(async () => {
    h = await createToolHarness({
      files: FILES,
      rules: [{ effect: 'allow', command: 'node *' }],
      verification: { runner, steps: { tests: STEP } },
    });
    const outcome = await runVerification(STEP, runner, DEFAULT_THRESHOLDS, { cwd: h.root });
    baseline = baselineCheckOf(outcome);
    assert.equal(baseline.passed, false, 'the legacy test fails before the run');
  });
  afterEach(() => h.cleanup());

  /** An attempt whose gate sees the baseline and the given unfinished tasks. */
  function attempt(unfinished: string[], writes: string[]): FakeTask {
    const task = fakeTask({ task: { writes } });
    const gate: TaskGateView = {
      baseline: (name) => (name === 'tests' ? baseline : undefined),
      unfinishedOthers: () => unfinished,
      editedFiles: () => [],
    };
    return Object.assign(task, { gate });
  }

  it('passes a task that changed nothing that worked, reporting the failing legacy test as pre-existing', async () => {
    const task = attempt(['b'], ['src/other.mjs']);
    await h.call(task, 'propose_edit', { path: 'src/other.mjs', content: 'export const two = 1 + 1;\n' });
    const result = await h.call(task, 'run_verification', { name: 'tests' });
    assert.equal(result.data?.verdict, 'pass', result.content);
    assert.match(result.content, /1 finding\(s\) were already there before the run \(pre-existing\)/);
    assert.deepEqual(task.findings, [], 'nothing is reported against the task');
    const event = task.events.find((e) => e.type === 'verification.completed');
    assert.deepEqual(event?.type === 'verification.completed' && event.baseline, {
      new: 0,
      preExisting: 1,
      deferred: 0,
    });
  });

  it('fails a task that breaks a test that used to pass; its findings name the test', async () => {
    const task = attempt(['b', 'c'], ['src/math.mjs']);
    await h.call(task, 'propose_edit', { path: 'src/math.mjs', content: 'export const add = (a, b) => a - b;\n' });
    const result = await h.call(task, 'run_verification', { name: 'tests' });
    assert.equal(result.data?.verdict, 'fail');
    assert.match(result.content, /adds/);
    assert.match(result.content, /1 new failing test; at most 0 allowed/);
    assert.deepEqual(
      task.findings.map((f) => f.key),
      ['test | adds'],
    );
  });

  it("leaves another task's breakage to the run gate while tasks are unfinished, and counts it once none are", async () => {
    await h.write('src/math.mjs', 'export const add = (a, b) => a * b;\n');
    const early = attempt(['b'], ['src/other.mjs']);
    await h.call(early, 'propose_edit', { path: 'src/other.mjs', content: 'export const two = 2; // early\n' });
    const deferred = await h.call(early, 'run_verification', { name: 'tests' });
    assert.equal(deferred.data?.verdict, 'pass', deferred.content);
    assert.match(
      deferred.content,
      /1 other new finding\(s\) are outside the files this task edited while other tasks \(b\) are unfinished/,
    );
    assert.deepEqual(early.findings, []);

    const last = attempt([], ['src/other.mjs']);
    await h.call(last, 'propose_edit', { path: 'src/other.mjs', content: 'export const two = 2; // last\n' });
    const counted = await h.call(last, 'run_verification', { name: 'tests' });
    assert.equal(counted.data?.verdict, 'fail', 'with every other task done, nothing else can explain it');
  });

  it("judges a task's own check outright: the pre-existing failure fails it", async () => {
    const task = fakeTask({ task: { writes: ['src/other.mjs'], verify: ['node --test test/legacy.test.mjs'] } });
    const result = await h.call(task, 'run_verification', { command: 'node --test test/legacy.test.mjs' });
    assert.equal(result.data?.verdict, 'fail');
    assert.match(result.content, /the task's own check: it must pass/);
  });

  it('marks a command the policy refuses, so the gate can tell a refusal from a failure', async () => {
    const task = fakeTask({ task: { verify: ['python3 check.py'] } });
    const result = await h.call(task, 'run_verification', { command: 'python3 check.py' });
    assert.equal(result.isError, true);
    assert.equal(result.data?.refused, true);
  });
});
