import * as assert from 'node:assert/strict';
import { baselineCheckOf } from '../../../src/core/verify/baseline';
import { parseVerificationOutput } from '../../../src/core/verify/detectParser';
import { DEFAULT_CHECK_LIMITS } from '../../../src/core/verify/gateThresholds';
import { judgeTaskGate } from '../../../src/core/verify/taskGate';
import { evaluateFindings } from '../../../src/core/verify/verificationThresholds';
import type { VerificationOutcome } from '../../../src/core/verify/verificationStep';

function outcomeOf(output: string, exitCode: number): VerificationOutcome {
  const findings = parseVerificationOutput('node check.mjs', output, exitCode);
  return { step: 'node check.mjs', findings, ...evaluateFindings(findings), exitCode, output, durationMs: 1 };
}

/** A whole-project check as a user writes one: a line per file, a count, exit 1 until all six exist. */
function projectCheck(present: readonly string[]): VerificationOutcome {
  const files = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => `${id}.txt`);
  const lines = files.map((f) => (present.includes(f) ? `✓ ${f}` : `✗ ${f} is missing`));
  lines.push(`${present.length} of 6 files present (checked in 4ms)`);
  return outcomeOf(lines.join('\n'), present.length === 6 ? 0 : 1);
}

const input = (edited: string[], unfinishedOthers: string[]) => ({
  label: 'node check.mjs',
  limits: DEFAULT_CHECK_LIMITS,
  edited,
  unfinishedOthers,
});

describe('a task gate on a whole-project check that passes only when the whole goal is done', () => {
  const baseline = baselineCheckOf(projectCheck([]));

  it("passes each task while others are unfinished: new lines of a check that was failing are progress, not the task's fault", async () => {
    const first = await judgeTaskGate(projectCheck(['a.txt']), baseline, input(['a.txt'], ['b', 'c', 'd', 'e', 'f']));
    assert.equal(first.verdict, 'pass', first.text);
    assert.equal(first.blamed.length, 0);
    assert.equal(first.deferred.length, 1, 'the new lines ("✓ a.txt", "1 of 6") are left to the end');
    assert.match(first.text, /the end-of-run check looks at them again/);
    const fifth = await judgeTaskGate(
      projectCheck(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']),
      baseline,
      input(['e.txt'], ['f']),
    );
    assert.equal(fifth.verdict, 'pass');
  });

  it('passes the last task, whose work makes the check pass', async () => {
    const last = await judgeTaskGate(
      projectCheck(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt', 'f.txt']),
      baseline,
      input(['f.txt'], []),
    );
    assert.equal(last.verdict, 'pass');
  });

  it('fails the last task when the check still shows something new with nothing else left to blame', async () => {
    const last = await judgeTaskGate(
      projectCheck(['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']),
      baseline,
      input(['f.txt'], []),
    );
    assert.equal(last.verdict, 'fail');
    assert.match(last.text, /5 of 6 files present/);
  });

  it('blames a task for a check it turned from passing to failing when the output names its file', async () => {
    const green = baselineCheckOf(outcomeOf('all good', 0));
    const broken = await judgeTaskGate(
      outcomeOf('SyntaxError: Unexpected token in src/a.js', 1),
      green,
      input(['src/a.js'], ['b']),
    );
    assert.equal(broken.verdict, 'fail');
    const elsewhere = await judgeTaskGate(
      outcomeOf('SyntaxError: Unexpected token in src/b.js', 1),
      green,
      input(['src/a.js'], ['b']),
    );
    assert.equal(elsewhere.verdict, 'pass', 'another task is still working on src/b.js');
    assert.equal(elsewhere.deferred.length, 1, 'the finding that quotes the new lines');
  });
});
