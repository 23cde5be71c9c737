import * as assert from 'node:assert/strict';
import type { Finding } from '../../../src/core/model/finding';
import {
  DEFAULT_CHECK_LIMITS,
  GateThresholdsError,
  describeLimits,
  judgeFindings,
  limitsFor,
  parseGateThresholds,
} from '../../../src/core/verify/gateThresholds';

const failingTest: Finding = { severity: 'major', category: 'test', message: 't' };
const compileError: Finding = { severity: 'major', category: 'build', message: 'e' };
const lintError: Finding = { severity: 'medium', category: 'lint', message: 'l' };
const lintWarning: Finding = { severity: 'minor', category: 'lint', message: 'w' };

describe('gate thresholds: new errors, warnings and failing tests per check', () => {
  it('defaults to no new error and no new failing test; warnings never fail', () => {
    assert.deepEqual(DEFAULT_CHECK_LIMITS, { errors: 0, warnings: Number.POSITIVE_INFINITY, failingTests: 0 });
    assert.equal(judgeFindings([lintWarning, lintWarning], DEFAULT_CHECK_LIMITS).verdict, 'pass');
    assert.deepEqual(judgeFindings([failingTest, lintError, compileError], DEFAULT_CHECK_LIMITS), {
      verdict: 'fail',
      counts: { errors: 2, warnings: 0, failingTests: 1 },
      reasons: ['1 new failing test; at most 0 allowed', '2 new errors; at most 0 allowed'],
    });
  });

  it('parses settings with per-check overrides; null means no limit', () => {
    const thresholds = parseGateThresholds({
      errors: 2,
      warnings: 10,
      checks: { 'npm run lint': { warnings: null, errors: 0 }, 'npm test': { failingTests: 1 } },
    });
    assert.deepEqual(limitsFor(thresholds, 'npm run lint'), {
      errors: 0,
      warnings: Number.POSITIVE_INFINITY,
      failingTests: 0,
    });
    assert.deepEqual(limitsFor(thresholds, 'npm test'), { errors: 2, warnings: 10, failingTests: 1 });
    assert.deepEqual(limitsFor(thresholds, 'other'), { errors: 2, warnings: 10, failingTests: 0 });
    assert.equal(describeLimits(limitsFor(thresholds, 'npm run lint')), 'errors 0, warnings any, failing tests 0');
  });

  it('names every bad field', () => {
    assert.throws(
      () => parseGateThresholds({ errors: -1, failing: 2, checks: { 'npm test': { warnings: 1.5 } } }),
      (err: unknown) => {
        assert.ok(err instanceof GateThresholdsError);
        assert.deepEqual([...err.problems].sort(), [
          'checks.npm test.warnings: must be a whole number ≥ 0, or null for no limit',
          'errors: must be a whole number ≥ 0, or null for no limit',
          'thresholds: unknown key(s) failing; allowed are errors, warnings, failingTests, checks',
        ]);
        return true;
      },
    );
    assert.throws(() => parseGateThresholds('strict'), /must be an object/);
  });
});
