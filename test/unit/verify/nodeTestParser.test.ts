import * as assert from 'node:assert/strict';
import { parseVerificationOutput } from '../../../src/core/verify/detectParser';
import { parseNodeTest, summariseNodeTest } from '../../../src/core/verify/nodeTestParser';
import { parseTestSummary } from '../../../src/core/verify/testSummaryParser';
import { NODE_TEST_CWD, readFixture, toCrlf } from './fixtures';

/** What both reporters of the same run must say, apart from each reporter's wording of the error. */
const EXPECTED = [
  {
    key: 'test | test/broken.test.mjs: test file failed to run',
    location: 'test/broken.test.mjs:1:1',
    title: 'test/broken.test.mjs: test file failed to run',
  },
  { key: 'test | math › adds big numbers', location: 'test/math.test.mjs:6:41', title: 'math › adds big numbers' },
  {
    key: 'test | math › nested › multiplies',
    location: 'test/math.test.mjs:8:37',
    title: 'math › nested › multiplies',
  },
  { key: 'test | throws an error', location: 'test/other.test.mjs:3:39', title: 'throws an error' },
];

describe("node's test runner parser (real node --test output)", () => {
  for (const fixture of ['node-test-tap.txt', 'node-test-spec.txt', 'node-test-spec-color.txt']) {
    it(`reports each failing test of ${fixture} by suite path, not the suites that failed because of them`, () => {
      const findings = parseNodeTest(readFixture(fixture), { cwd: NODE_TEST_CWD });
      assert.deepEqual(
        findings.map((f) => ({ key: f.key, location: f.location, title: f.message.split(':')[0] })),
        EXPECTED.map((e) => ({ ...e, title: e.title.split(':')[0] })),
      );
      assert.ok(findings.every((f) => f.severity === 'major' && f.category === 'test'));
    });
  }

  it('keeps the assertion text and leaves the stack and error properties out (TAP and spec)', () => {
    const [, tap] = parseNodeTest(readFixture('node-test-tap.txt'), { cwd: NODE_TEST_CWD });
    assert.equal(
      tap?.message,
      'math › adds big numbers: AssertionError: Expected values to be strictly equal:\n13 !== 12',
    );
    const [, spec] = parseNodeTest(readFixture('node-test-spec.txt'), { cwd: NODE_TEST_CWD });
    assert.equal(
      spec?.message,
      'math › adds big numbers: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n13 !== 12',
    );
    const [broken] = parseNodeTest(readFixture('node-test-spec.txt'), { cwd: NODE_TEST_CWD });
    assert.equal(broken?.message, 'test/broken.test.mjs: test file failed to run: test failed');
  });

  it('reads CRLF output the same, and summarises both reporters alike', () => {
    for (const fixture of ['node-test-tap.txt', 'node-test-spec.txt']) {
      assert.deepEqual(
        parseNodeTest(toCrlf(readFixture(fixture)), { cwd: NODE_TEST_CWD }),
        parseNodeTest(readFixture(fixture), { cwd: NODE_TEST_CWD }),
      );
      assert.deepEqual(summariseNodeTest(readFixture(fixture)), {
        framework: 'node',
        passed: 2,
        failed: 4,
        skipped: 2,
        total: 8,
      });
    }
    assert.deepEqual(summariseNodeTest(readFixture('node-test-pass-tap.txt')), {
      framework: 'node',
      passed: 2,
      failed: 0,
      skipped: 0,
      total: 2,
    });
    assert.deepEqual(parseNodeTest(readFixture('node-test-pass-tap.txt')), []);
  });

  it('is chosen for `node --test`, and the other readers find nothing in its output', () => {
    const tap = readFixture('node-test-tap.txt');
    assert.deepEqual(
      parseVerificationOutput('node --test test/', tap, 1, { cwd: NODE_TEST_CWD }),
      parseNodeTest(tap, { cwd: NODE_TEST_CWD }),
    );
    assert.deepEqual(parseTestSummary(tap, { cwd: NODE_TEST_CWD }), parseNodeTest(tap, { cwd: NODE_TEST_CWD }));
    const spec = readFixture('node-test-spec.txt');
    assert.deepEqual(parseTestSummary(spec, { cwd: NODE_TEST_CWD }), parseNodeTest(spec, { cwd: NODE_TEST_CWD }));
  });

  it('ignores TODO and SKIP directives on not-ok lines', () => {
    const tap = ['TAP version 13', '# Subtest: later', 'not ok 1 - later # TODO', '1..1', '# tests 1', '# pass 0'];
    assert.deepEqual(parseNodeTest(tap.join('\n')), []);
  });
});
