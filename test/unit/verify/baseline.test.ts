import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model/finding';
import { baselineCheckOf, compareWithBaseline } from '../../../src/core/verify/baseline';
import { parseVerificationOutput } from '../../../src/core/verify/detectParser';
import { evaluateFindings } from '../../../src/core/verify/verificationThresholds';
import type { VerificationOutcome } from '../../../src/core/verify/verificationStep';
import { NODE_TEST_CWD, readFixture } from './fixtures';

/** The outcome a step with this command, output and exit code gives (parsed as runVerification does). */
function outcomeOf(command: string, output: string, exitCode: number, cwd?: string): VerificationOutcome {
  const findings: Finding[] = parseVerificationOutput(command, output, exitCode, cwd === undefined ? {} : { cwd });
  return { step: command, findings, ...evaluateFindings(findings), exitCode, output, durationMs: 5 };
}

const TAP = readFixture('node-test-tap.txt');

describe('baseline comparison', () => {
  it('keeps exit status, keyed findings and comparable lines of a check', () => {
    const check = baselineCheckOf(outcomeOf('node --test', TAP, 1, NODE_TEST_CWD));
    assert.equal(check.name, 'node --test');
    assert.equal(check.passed, false);
    assert.deepEqual(
      check.findings.map((f) => f.key),
      [
        'test | test/broken.test.mjs: test file failed to run',
        'test | math › adds big numbers',
        'test | math › nested › multiplies',
        'test | throws an error',
      ],
    );
    assert.ok(check.lines.includes('# pass 2'));
    assert.ok(!check.lines.some((l) => /duration_ms: \d/.test(l)), 'durations are not kept as they were');
  });

  it('the same failures in a later run are pre-existing, fixed ones are counted, new ones are fresh', () => {
    const baseline = baselineCheckOf(outcomeOf('node --test', TAP, 1, NODE_TEST_CWD));
    const same = compareWithBaseline(
      outcomeOf('node --test', TAP.replace(/duration_ms: [\d.]+/g, 'duration_ms: 9'), 1, NODE_TEST_CWD),
      baseline,
    );
    assert.deepEqual([same.fresh.length, same.preExisting.length, same.fixed], [0, 4, 0]);
    assert.ok(same.preExisting.every((f) => f.preExisting === true));

    // One test fixed, and a test that used to pass fails now.
    const later = TAP.replace('not ok 4 - throws an error', 'ok 4 - throws an error').replace(
      'ok 1 - adds small numbers',
      'not ok 1 - adds small numbers',
    );
    const compared = compareWithBaseline(outcomeOf('node --test', later, 1, NODE_TEST_CWD), baseline);
    assert.deepEqual(
      compared.fresh.map((f) => f.key),
      ['test | math › adds small numbers'],
    );
    assert.equal(compared.fixed, 1);
    assert.equal(compared.passedBefore, false);
  });

  it('matches by key and counts: a second copy of a known problem is new', () => {
    const one = "src/a.ts(3,7): error TS2304: Cannot find name 'x'.";
    const baseline = baselineCheckOf(outcomeOf('tsc', one, 2));
    const moved = compareWithBaseline(outcomeOf('tsc', one.replace('(3,7)', '(30,1)'), 2), baseline);
    assert.deepEqual([moved.fresh.length, moved.preExisting.length], [0, 1], 'a moved line is the same finding');
    const twice = compareWithBaseline(outcomeOf('tsc', `${one}\n${one.replace('(3,7)', '(9,1)')}`, 2), baseline);
    assert.deepEqual([twice.fresh.length, twice.preExisting.length], [1, 1]);
  });

  it('compares output no parser understands line by line, without timings and temp paths', () => {
    const before = 'checking the goal\nmissing: b.txt\nmissing: c.txt\nchecked in 12ms\n';
    const baseline = baselineCheckOf(outcomeOf('node check.mjs', before, 1));
    assert.equal(baseline.findings[0]?.key, 'unparsed output');
    const fewer = compareWithBaseline(
      outcomeOf('node check.mjs', 'checking the goal\nmissing: c.txt\nchecked in 30ms\n', 1),
      baseline,
    );
    assert.deepEqual([fewer.fresh.length, fewer.preExisting.length], [0, 1], 'nothing new: the same failure');
    const worse = compareWithBaseline(
      outcomeOf('node check.mjs', 'checking the goal\nmissing: c.txt\nSyntaxError in /tmp/ao-q1/ws/a.js\n', 1),
      baseline,
    );
    assert.equal(worse.fresh.length, 1);
    assert.match(worse.fresh[0]!.message, /lines it did not have before the run:\nSyntaxError in <tmp>\/ws\/a\.js$/);
  });

  it('a check that passed at baseline and fails now is a regression even with nothing new to show', () => {
    const baseline = baselineCheckOf(outcomeOf('npm run lint', '', 0));
    assert.equal(baseline.passed, true);
    const failing = outcomeOf('npm run lint', 'src/x.js\n  1:1  warning  Unexpected var  no-var\n', 1);
    const compared = compareWithBaseline(failing, baseline);
    assert.equal(compared.passedBefore, true);
    assert.deepEqual(
      compared.fresh.map((f) => [f.severity, f.message.split('\n')[0]]),
      [
        ['minor', 'Unexpected var (no-var)'],
        ['major', '`npm run lint` passed before the run and fails now (exit code 1). Last lines of output:'],
      ],
    );
  });
});
