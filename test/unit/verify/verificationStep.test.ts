import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model/finding';
import { DEFAULT_THRESHOLDS, parseVerificationThresholds } from '../../../src/core/verify/verificationThresholds';
import { VerificationStepSchema, runVerification } from '../../../src/core/verify/verificationStep';
import type {
  VerificationRunOptions,
  VerificationRunResult,
  VerificationRunner,
  VerificationStep,
} from '../../../src/core/verify/verificationStep';
import { CAPTURE_CWD, readFixture, withoutKeys } from './fixtures';

/** A runner that answers with a scripted result and records what it was asked. */
class ScriptedRunner implements VerificationRunner {
  readonly calls: Array<{ step: VerificationStep; options: VerificationRunOptions }> = [];
  constructor(private readonly answer: VerificationRunResult | Error) {}
  async run(step: VerificationStep, options: VerificationRunOptions): Promise<VerificationRunResult> {
    this.calls.push({ step, options });
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

const step = (fields: Partial<VerificationStep> = {}): VerificationStep =>
  VerificationStepSchema.parse({ name: 'unit tests', command: 'npm test', ...fields });

describe('verificationStep', () => {
  describe('VerificationStepSchema', () => {
    it('accepts a command step and a task step', () => {
      assert.deepEqual(
        VerificationStepSchema.parse({ name: 'lint', command: 'npm run lint', category: 'lint', timeoutMs: 60_000 }),
        {
          name: 'lint',
          command: 'npm run lint',
          category: 'lint',
          timeoutMs: 60_000,
        },
      );
      assert.deepEqual(VerificationStepSchema.parse({ name: 'build', task: 'npm: build' }), {
        name: 'build',
        task: 'npm: build',
      });
    });

    it('rejects a step with neither command nor task, a bad category, a bad timeout and unknown keys', () => {
      const messages = (input: unknown): string[] => {
        const result = VerificationStepSchema.safeParse(input);
        return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      };
      assert.deepEqual(messages({ name: 'x' }), [': a verification step needs a "command" or a "task"']);
      assert.deepEqual(messages({ name: ' ', command: 'a' }), ['name: name must not be empty']);
      assert.deepEqual(messages({ name: 'x', command: 'a', timeoutMs: 0 }), ['timeoutMs: timeoutMs must be positive']);
      assert.equal(messages({ name: 'x', command: 'a', category: 'style' }).length, 1);
      assert.equal(messages({ name: 'x', command: 'a', cmd: 'b' }).length, 1);
    });
  });

  describe('runVerification', () => {
    it('parses the runner’s output, judges it and passes cwd and signal through', async () => {
      const runner = new ScriptedRunner({ exitCode: 3, output: readFixture('mocha-spec-color.txt'), durationMs: 812 });
      const controller = new AbortController();
      const outcome = await runVerification(step(), runner, DEFAULT_THRESHOLDS, {
        cwd: CAPTURE_CWD,
        signal: controller.signal,
        taskId: 't9',
      });
      assert.equal(runner.calls[0]?.options.cwd, CAPTURE_CWD);
      assert.equal(runner.calls[0]?.options.signal, controller.signal);
      assert.equal(outcome.step, 'unit tests');
      assert.equal(outcome.verdict, 'fail');
      assert.deepEqual(outcome.counts, { major: 3, medium: 0, minor: 0 });
      assert.deepEqual(outcome.reasons, ['3 major findings; at most 0 allowed']);
      assert.deepEqual(
        outcome.findings.map((f) => [f.location, f.taskId]),
        [
          ['test/async.test.js', 't9'],
          ['test/math.test.js:10:43', 't9'],
          ['test/math.test.js:6:49', 't9'],
        ],
      );
      assert.equal(outcome.exitCode, 3);
      assert.equal(outcome.durationMs, 812);
      assert.ok(!outcome.output.includes('\u001b'), 'output is stored without colour codes');
    });

    it('passes a clean run', async () => {
      const runner = new ScriptedRunner({ exitCode: 0, output: readFixture('mocha-pass.txt'), durationMs: 5 });
      const outcome = await runVerification(step(), runner, DEFAULT_THRESHOLDS, { cwd: '/w' });
      assert.deepEqual([outcome.verdict, outcome.findings], ['pass', []]);
    });

    it('warns or fails on lint findings according to the thresholds', async () => {
      const runner = new ScriptedRunner({
        exitCode: 1,
        output: readFixture('eslint-stylish-windows.txt'),
        durationMs: 5,
      });
      const lint = step({ name: 'lint', command: 'eslint .' });
      assert.equal(
        (await runVerification(lint, runner, DEFAULT_THRESHOLDS, { cwd: 'C:\\Users\\dev\\acme-app' })).verdict,
        'warn',
      );
      const strict = parseVerificationThresholds({ failOn: { medium: 0 } });
      const outcome = await runVerification(lint, runner, strict, { cwd: 'C:\\Users\\dev\\acme-app' });
      assert.equal(outcome.verdict, 'fail');
      assert.deepEqual(outcome.reasons, ['3 medium findings; at most 0 allowed']);
    });

    it('uses the runner’s own problems instead of parsing when it reports some', async () => {
      const problems: Finding[] = [
        { severity: 'major', category: 'build', message: 'Cannot find name x', location: 'src/a.ts:1:1' },
      ];
      const runner = new ScriptedRunner({ exitCode: 2, output: readFixture('tsc-plain.txt'), durationMs: 5, problems });
      const outcome = await runVerification(
        step({ command: undefined, task: 'tsc: build - tsconfig.json' }),
        runner,
        DEFAULT_THRESHOLDS,
        { cwd: '/w', taskId: 'x' },
      );
      assert.deepEqual(withoutKeys(outcome.findings), [{ ...problems[0], taskId: 'x' }]);
    });

    it('falls back to one major finding for a failing command with unrecognised output', async () => {
      const runner = new ScriptedRunner({ exitCode: 1, output: 'Segmentation fault\n', durationMs: 5 });
      const outcome = await runVerification(
        step({ command: './run-checks.sh', category: 'security' }),
        runner,
        DEFAULT_THRESHOLDS,
        { cwd: '/w' },
      );
      assert.deepEqual(withoutKeys(outcome.findings), [
        {
          severity: 'major',
          category: 'security',
          message: '`./run-checks.sh` failed with exit code 1. Last lines of output:\nSegmentation fault',
        },
      ]);
      assert.equal(outcome.verdict, 'fail');
    });

    it('turns a timeout into one major finding even when the partial output parsed into lesser findings', async () => {
      const runner = new ScriptedRunner({
        exitCode: 124,
        output: readFixture('eslint-stylish.txt'),
        durationMs: 100,
        timedOut: true,
      });
      const outcome = await runVerification(step({ command: 'eslint .', timeoutMs: 100 }), runner, DEFAULT_THRESHOLDS, {
        cwd: CAPTURE_CWD,
      });
      assert.equal(outcome.verdict, 'fail');
      const timeouts = outcome.findings.filter((f) =>
        f.message.startsWith('Verification `eslint .` timed out after 100 ms and was stopped.'),
      );
      assert.equal(timeouts.length, 1);
      assert.equal(outcome.counts.major, 2, 'the parse error plus the timeout, no exit-code fallback on top');
    });

    it('reports a step that cannot start as a failing finding', async () => {
      const runner = new ScriptedRunner(new Error('spawn /bin/sh ENOENT'));
      const outcome = await runVerification(step(), runner, DEFAULT_THRESHOLDS, { cwd: '/nowhere' });
      assert.equal(outcome.verdict, 'fail');
      assert.equal(outcome.exitCode, -1);
      assert.deepEqual(withoutKeys(outcome.findings), [
        { severity: 'major', category: 'test', message: 'Verification `npm test` could not run: spawn /bin/sh ENOENT' },
      ]);
    });

    it('rethrows when the run was aborted instead of reporting a verdict', async () => {
      const controller = new AbortController();
      controller.abort();
      const runner = new ScriptedRunner(new Error('aborted'));
      await assert.rejects(
        runVerification(step(), runner, DEFAULT_THRESHOLDS, { cwd: '/w', signal: controller.signal }),
        /aborted/,
      );
    });

    it('bounds the output it keeps to its tail', async () => {
      const output = `${'noise\n'.repeat(10_000)}the end\n`;
      const runner = new ScriptedRunner({ exitCode: 0, output, durationMs: 5 });
      const outcome = await runVerification(step(), runner, DEFAULT_THRESHOLDS, { cwd: '/w', maxOutputChars: 100 });
      assert.equal(outcome.output.length, 100);
      assert.ok(outcome.output.startsWith('…') && outcome.output.endsWith('the end\n'));
    });
  });
});
