import * as assert from 'node:assert/strict';
import type { Finding, Severity } from '../../../src/core/model/finding';
import {
  DEFAULT_THRESHOLDS,
  VerificationThresholdsError,
  evaluateFindings,
  parseVerificationThresholds,
} from '../../../src/core/verify/verificationThresholds';

function findings(counts: Partial<Record<Severity, number>>): Finding[] {
  return (Object.entries(counts) as Array<[Severity, number]>).flatMap(([severity, count]) =>
    Array.from({ length: count }, (_, i): Finding => ({ severity, category: 'lint', message: `${severity} ${i}` })),
  );
}

describe('verificationThresholds', () => {
  it('defaults: fail on any major, warn on any medium, ignore minor', () => {
    assert.deepEqual(parseVerificationThresholds(undefined), DEFAULT_THRESHOLDS);
    assert.deepEqual(parseVerificationThresholds({}), {
      failOn: { major: 0, medium: Infinity, minor: Infinity },
      warnOn: { major: 0, medium: 0, minor: Infinity },
    });
  });

  it('passes with no findings, or only minor ones', () => {
    assert.deepEqual(evaluateFindings([]), { verdict: 'pass', counts: { major: 0, medium: 0, minor: 0 }, reasons: [] });
    assert.equal(evaluateFindings(findings({ minor: 12 })).verdict, 'pass');
  });

  it('fails on major findings and says how many were allowed', () => {
    assert.deepEqual(evaluateFindings(findings({ major: 3, minor: 1 })), {
      verdict: 'fail',
      counts: { major: 3, medium: 0, minor: 1 },
      reasons: ['3 major findings; at most 0 allowed'],
    });
  });

  it('warns on medium findings under the defaults', () => {
    assert.deepEqual(evaluateFindings(findings({ medium: 1 })), {
      verdict: 'warn',
      counts: { major: 0, medium: 1, minor: 0 },
      reasons: ['1 medium finding; more than 0 is a warning'],
    });
  });

  it('applies configured limits, null meaning unlimited, and lists failures before warnings', () => {
    const thresholds = parseVerificationThresholds({ failOn: { major: null, medium: 2 }, warnOn: { minor: 3 } });
    assert.equal(evaluateFindings(findings({ major: 5 }), thresholds).verdict, 'warn');
    assert.equal(evaluateFindings(findings({ medium: 2 }), thresholds).verdict, 'warn');
    assert.deepEqual(evaluateFindings(findings({ medium: 3, minor: 4 }), thresholds).reasons, [
      '3 medium findings; at most 2 allowed',
      '4 minor findings; more than 3 is a warning',
    ]);
    assert.equal(evaluateFindings(findings({ minor: 3 }), thresholds).verdict, 'pass');
  });

  it('accepts Infinity from code', () => {
    assert.equal(parseVerificationThresholds({ failOn: { major: Infinity } }).failOn.major, Infinity);
  });

  it('rejects bad config with a message naming every bad field', () => {
    let caught: unknown;
    try {
      parseVerificationThresholds({ failOn: { major: -1, majr: 0 }, warnOn: { minor: 1.5 }, failon: {} });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof VerificationThresholdsError);
    assert.equal(
      caught.message,
      'Invalid verification thresholds:\n' +
        '  failOn.major: must be a whole number ≥ 0, or null for no limit\n' +
        '  failOn: unknown key(s) majr; allowed are major, medium, minor\n' +
        '  warnOn.minor: must be a whole number ≥ 0, or null for no limit\n' +
        '  thresholds: unknown key(s) failon; allowed are failOn, warnOn',
    );
  });

  it('rejects a non-object with an example of the right shape', () => {
    assert.throws(
      () => parseVerificationThresholds(5),
      /thresholds: must be an object such as \{ "failOn": \{ "major": 0 \} \}/,
    );
    assert.throws(
      () => parseVerificationThresholds({ warnOn: 'all' }),
      /warnOn: must be an object such as \{ "major": 0, "medium": 5 \}/,
    );
    assert.throws(
      () => parseVerificationThresholds({ failOn: { minor: '3' } }),
      /failOn\.minor: must be a whole number/,
    );
  });
});
