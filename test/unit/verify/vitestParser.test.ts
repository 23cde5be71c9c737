import * as assert from 'node:assert/strict';
import { parseVerificationOutput } from '../../../src/core/verify/detectParser';
import { parseTestSummary, summariseTests } from '../../../src/core/verify/testSummaryParser';
import { parseVitest, summariseVitest } from '../../../src/core/verify/vitestParser';
import { readFixture, toCrlf, VITEST_CWD } from './fixtures';

describe('Vitest parser (real vitest 3 output)', () => {
  it('reports each FAIL block of the failure report: path as name, error without diff or code frame, the frame as location', () => {
    assert.deepEqual(parseVitest(readFixture('vitest-failing.txt'), { cwd: VITEST_CWD }), [
      {
        severity: 'major',
        category: 'test',
        message:
          "test/broken.test.js: test file failed to run: Error: Cannot find module '../src/missing.js' imported from '/tmp/vitest-fixture/test/broken.test.js'\nCaused by: Error: Failed to load url ../src/missing.js (resolved id: ../src/missing.js) in /tmp/vitest-fixture/test/broken.test.js. Does the file exist?",
        location: 'test/broken.test.js:2:1',
        key: 'test | test/broken.test.js: test file failed to run',
      },
      {
        severity: 'major',
        category: 'test',
        message: 'math › adds big numbers: AssertionError: expected 13 to be 12 // Object.is equality',
        location: 'test/math.test.js:5:53',
        key: 'test | test/math.test.js › math › adds big numbers',
      },
      {
        severity: 'major',
        category: 'test',
        message: 'math › nested › multiplies: AssertionError: expected 6 to deeply equal 7',
        location: 'test/math.test.js:7:48',
        key: 'test | test/math.test.js › math › nested › multiplies',
      },
      {
        severity: 'major',
        category: 'test',
        message: 'throws an error: TypeError: boom: cannot read x of undefined',
        location: 'test/other.test.js:3:37',
        key: 'test | test/other.test.js › throws an error',
      },
    ]);
  });

  it('reads coloured and CRLF output the same as plain, and ignores the progress tree above the report', () => {
    const plain = parseVitest(readFixture('vitest-failing.txt'), { cwd: VITEST_CWD });
    assert.deepEqual(parseVitest(readFixture('vitest-color.txt'), { cwd: VITEST_CWD }), plain);
    assert.deepEqual(parseVitest(toCrlf(readFixture('vitest-failing.txt')), { cwd: VITEST_CWD }), plain);
    assert.equal(plain.length, 4, 'the × lines of the tree are not counted again');
  });

  it('summarises the Tests line, and finds nothing in a passing run', () => {
    assert.deepEqual(summariseVitest(readFixture('vitest-failing.txt')), {
      framework: 'vitest',
      passed: 2,
      failed: 3,
      skipped: 1,
      total: 6,
    });
    assert.deepEqual(summariseVitest(readFixture('vitest-pass.txt')), {
      framework: 'vitest',
      passed: 2,
      failed: 0,
      skipped: 0,
      total: 2,
    });
    assert.deepEqual(parseVitest(readFixture('vitest-pass.txt')), []);
    assert.equal(summariseTests(readFixture('vitest-color.txt'))?.framework, 'vitest');
  });

  it('is chosen for `npx vitest run` and `npm test`, and no other reader reports its output', () => {
    const viaCommand = parseVerificationOutput('npx vitest run', readFixture('vitest-failing.txt'), 1, {
      cwd: VITEST_CWD,
    });
    assert.deepEqual(viaCommand, parseVitest(readFixture('vitest-failing.txt'), { cwd: VITEST_CWD }));
    assert.deepEqual(parseTestSummary(readFixture('vitest-failing.txt'), { cwd: VITEST_CWD }), viaCommand);
    assert.equal(parseVerificationOutput('npm test', readFixture('vitest-failing.txt'), 1).length, 4);
  });
});
