import * as assert from 'node:assert/strict';
import { parseJest, summariseJest } from '../../../src/core/verify/jestParser';
import { parseMocha, summariseMocha } from '../../../src/core/verify/mochaParser';
import { parsePytest, summarisePytest } from '../../../src/core/verify/pytestParser';
import { parseTestSummary, summariseTests } from '../../../src/core/verify/testSummaryParser';
import { CAPTURE_CWD, readFixture, toCrlf, withoutKeys } from './fixtures';

describe('test summary parsers', () => {
  describe('mocha', () => {
    it('reports each numbered failure block with its full title, error and first user frame', () => {
      const findings = parseMocha(readFixture('mocha-spec.txt'), { cwd: CAPTURE_CWD });
      assert.deepEqual(withoutKeys(findings), [
        {
          severity: 'major',
          category: 'test',
          message:
            'async › resolves in time: Error: Timeout of 50ms exceeded. For async tests and hooks, ensure "done()" is called; if returning a Promise, ensure it resolves. (/tmp/acme-app/test/async.test.js)',
          location: 'test/async.test.js',
        },
        {
          severity: 'major',
          category: 'test',
          message: 'math › throws on bad input: TypeError: input must be a number',
          location: 'test/math.test.js:10:43',
        },
        {
          severity: 'major',
          category: 'test',
          message:
            'math › add › should add one and two: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n4 !== 3\n-4\n+3',
          location: 'test/math.test.js:6:49',
        },
      ]);
    });

    it('summarises passing, pending and failing counts', () => {
      assert.deepEqual(summariseMocha(readFixture('mocha-spec.txt')), {
        framework: 'mocha',
        passed: 3,
        failed: 3,
        skipped: 1,
        total: 7,
      });
      assert.deepEqual(summariseMocha(readFixture('mocha-pass.txt')), {
        framework: 'mocha',
        passed: 2,
        failed: 0,
        skipped: 0,
        total: 2,
      });
    });

    it('reads coloured and CRLF output the same as plain', () => {
      const plain = parseMocha(readFixture('mocha-spec.txt'), { cwd: CAPTURE_CWD });
      assert.deepEqual(parseMocha(readFixture('mocha-spec-color.txt'), { cwd: CAPTURE_CWD }), plain);
      assert.deepEqual(parseMocha(toCrlf(readFixture('mocha-spec.txt')), { cwd: CAPTURE_CWD }), plain);
      assert.deepEqual(
        summariseMocha(readFixture('mocha-spec-color.txt')),
        summariseMocha(readFixture('mocha-spec.txt')),
      );
    });

    it('names a failing hook and ignores the numbered lines of the spec tree above "N failing"', () => {
      assert.deepEqual(withoutKeys(parseMocha(readFixture('mocha-hook.txt'))), [
        {
          severity: 'major',
          category: 'test',
          message: 'db › "before each" hook for "reads rows": Error: connection refused',
          location: 'test2/hooks.test.js:2:28',
        },
      ]);
    });

    it('keeps an unindented deep-equal diff with the failure and locates the TypeScript test file', () => {
      const [finding, ...rest] = parseMocha(readFixture('mocha-deep-equal.txt'));
      assert.equal(rest.length, 0);
      assert.equal(finding?.location, 'test/unit/verify/tscParser.test.ts:10:12');
      assert.match(
        finding?.message ?? '',
        /^parseTsc › reads the plain form .* as major build findings: AssertionError \[ERR_ASSERTION\]: Expected values to be strictly deep-equal:\n/,
      );
    });

    it('finds nothing when every test passes', () => {
      assert.deepEqual(withoutKeys(parseMocha(readFixture('mocha-pass.txt'))), []);
    });
  });

  describe('jest', () => {
    it('reports each ● block with its title, the error without the code frame, and the first user frame', () => {
      assert.deepEqual(withoutKeys(parseJest(readFixture('jest-failing.txt'))), [
        {
          severity: 'major',
          category: 'test',
          message:
            'Cart › adds an item: expect(received).toBe(expected) // Object.is equality\nExpected: 1\nReceived: 0',
          location: 'src/__tests__/cart.test.ts:12:31',
        },
        {
          severity: 'major',
          category: 'test',
          message:
            "Cart › totals › applies the discount: TypeError: Cannot read properties of undefined (reading 'rate')",
          location: 'src/cart.ts:22:46',
        },
      ]);
    });

    it('summarises the "Tests:" line, counting todo as skipped', () => {
      assert.deepEqual(summariseJest(readFixture('jest-failing.txt')), {
        framework: 'jest',
        passed: 4,
        failed: 2,
        skipped: 2,
        total: 8,
      });
    });

    it('reports a suite that failed to run against its file, skipping node_modules frames', () => {
      assert.deepEqual(withoutKeys(parseJest(readFixture('jest-suite-error.txt'))), [
        {
          severity: 'major',
          category: 'test',
          message:
            "test/parser.test.js: test suite failed to run: Cannot find module '../src/parser' from 'test/parser.test.js'",
          location: 'test/parser.test.js:1:19',
        },
      ]);
    });

    it('reads coloured output and reports a block repeated under "Summary of all failing tests" once', () => {
      const coloured =
        '\u001b[0m\u001b[7m\u001b[1m\u001b[31m FAIL \u001b[39m\u001b[22m\u001b[27m\u001b[0m \u001b[2msrc/\u001b[22m\u001b[1ma.test.ts\u001b[22m\n' +
        '\u001b[1m\u001b[31m  \u001b[1m● \u001b[22m\u001b[1madds\u001b[39m\u001b[22m\n\n    boom\n\n      \u001b[2mat Object.<anonymous> (\u001b[22msrc/a.test.ts\u001b[2m:3:9)\u001b[22m\n\n' +
        '\u001b[1mSummary of all failing tests\u001b[22m\n\u001b[31m FAIL \u001b[39m src/a.test.ts\n  ● adds\n\n    boom\n\n      at Object.<anonymous> (src/a.test.ts:3:9)\n\n' +
        '\u001b[1mTests:       \u001b[22m\u001b[1m\u001b[31m1 failed\u001b[39m\u001b[22m, 1 total\n';
      assert.deepEqual(withoutKeys(parseJest(coloured)), [
        { severity: 'major', category: 'test', message: 'adds: boom', location: 'src/a.test.ts:3:9' },
      ]);
      assert.deepEqual(summariseJest(coloured), { framework: 'jest', passed: 0, failed: 1, skipped: 0, total: 1 });
    });
    it('ignores ● configuration notices that are not test failures', () => {
      const text =
        '● Validation Warning:\n\n  Unknown option "testPathPattern" with value "x" was found.\n\n PASS  src/a.test.ts\n\nTests:       1 passed, 1 total\n';
      assert.deepEqual(withoutKeys(parseJest(text)), []);
      assert.deepEqual(summariseJest(text), { framework: 'jest', passed: 1, failed: 0, skipped: 0, total: 1 });
    });
  });

  describe('pytest', () => {
    it('reports each FAILED/ERROR line with the test name, reason and traceback line in the test file', () => {
      assert.deepEqual(withoutKeys(parsePytest(readFixture('pytest-failing.txt'))), [
        {
          severity: 'major',
          category: 'test',
          message: 'TestCart::test_adds_an_item: assert 0 == 1',
          location: 'tests/test_cart.py:14',
        },
        {
          severity: 'major',
          category: 'test',
          message: 'test_round[2.005-2.01]: assert 2.0 == 2.01',
          location: 'tests/test_money.py:21',
        },
        {
          severity: 'major',
          category: 'test',
          message: 'test_db (error): ConnectionError: database unavailable',
          location: 'tests/test_money.py:9',
        },
      ]);
    });

    it('summarises the final line, counting errors as failures', () => {
      assert.deepEqual(summarisePytest(readFixture('pytest-failing.txt')), {
        framework: 'pytest',
        passed: 3,
        failed: 3,
        skipped: 1,
        total: 7,
      });
    });

    it('reads -q output from Windows (CRLF, backslash traceback paths)', () => {
      const text = readFixture('pytest-quiet-windows.txt');
      assert.ok(text.includes('\r\n'));
      assert.deepEqual(withoutKeys(parsePytest(text)), [
        {
          severity: 'major',
          category: 'test',
          message: 'test_total: assert 10 == 11',
          location: 'tests/test_cart.py:22',
        },
      ]);
      assert.deepEqual(summarisePytest(text), { framework: 'pytest', passed: 2, failed: 1, skipped: 1, total: 4 });
    });

    it('falls back to the FAILURES sections when there is no short summary, and reads a collection error', () => {
      const withoutSummary =
        readFixture('pytest-failing.txt').split('=========================== short test summary info')[0] ?? '';
      assert.deepEqual(withoutKeys(parsePytest(withoutSummary).map((f) => [f.message, f.location])), [
        ['test_db', 'tests/test_money.py:9'],
        ['TestCart.test_adds_an_item', 'tests/test_cart.py:14'],
        ['test_round[2.005-2.01]', 'tests/test_money.py:21'],
      ]);
      const collection =
        "ERROR tests/test_bad.py - ModuleNotFoundError: No module named 'acme'\n=== 1 error in 0.08s ===";
      assert.deepEqual(withoutKeys(parsePytest(collection)), [
        {
          severity: 'major',
          category: 'test',
          message: "tests/test_bad.py (error): ModuleNotFoundError: No module named 'acme'",
          location: 'tests/test_bad.py',
        },
      ]);
      assert.deepEqual(summarisePytest(collection), {
        framework: 'pytest',
        passed: 0,
        failed: 1,
        skipped: 0,
        total: 1,
      });
    });

    it('summarises "no tests ran" and xfail/xpass counts', () => {
      assert.deepEqual(
        summarisePytest('============================ no tests ran in 0.01s ============================='),
        {
          framework: 'pytest',
          passed: 0,
          failed: 0,
          skipped: 0,
          total: 0,
        },
      );
      assert.deepEqual(summarisePytest('==== 4 passed, 1 xfailed, 1 xpassed, 2 warnings in 1.02s ===='), {
        framework: 'pytest',
        passed: 5,
        failed: 0,
        skipped: 1,
        total: 6,
      });
    });
  });

  describe('parseTestSummary / summariseTests', () => {
    it('reads whichever framework printed the output', () => {
      assert.equal(parseTestSummary(readFixture('npm-test-mocha.txt')).length, 3);
      assert.equal(parseTestSummary(readFixture('jest-failing.txt')).length, 2);
      assert.equal(parseTestSummary(readFixture('pytest-failing.txt')).length, 3);
      assert.equal(summariseTests(readFixture('npm-test-mocha.txt'))?.framework, 'mocha');
      assert.equal(summariseTests(readFixture('jest-failing.txt'))?.framework, 'jest');
      assert.equal(summariseTests(readFixture('pytest-quiet-windows.txt'))?.framework, 'pytest');
    });

    it('finds no failures and no summary in non-test output', () => {
      for (const name of ['tsc-plain.txt', 'eslint-stylish.txt', 'tsc-pretty-color.txt']) {
        assert.deepEqual(withoutKeys(parseTestSummary(readFixture(name))), [], name);
        assert.equal(summariseTests(readFixture(name)), undefined, name);
      }
    });
  });
});
