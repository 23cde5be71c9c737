import * as assert from 'node:assert/strict';
import { comparableLines, comparableText } from '../../../src/core/verify/comparableText';
import { parseEslint } from '../../../src/core/verify/eslintParser';
import { keyOfFinding } from '../../../src/core/verify/findingKey';
import { parseJest } from '../../../src/core/verify/jestParser';
import { parseMocha } from '../../../src/core/verify/mochaParser';
import { parseNodeTest } from '../../../src/core/verify/nodeTestParser';
import { parsePytest } from '../../../src/core/verify/pytestParser';
import { parseTsc } from '../../../src/core/verify/tscParser';
import { parseVitest } from '../../../src/core/verify/vitestParser';
import { CAPTURE_CWD, NODE_TEST_CWD, readFixture, VITEST_CWD } from './fixtures';

/** The same output with every line and column number moved, as after an edit above the problems. */
function shiftLines(text: string): string {
  return text
    .replace(
      /(\.[cm]?[jt]sx?|\.py):(\d+)(?::(\d+))?/g,
      (_, ext: string, line: string, col?: string) =>
        `${ext}:${Number(line) + 7}${col === undefined ? '' : `:${Number(col) + 2}`}`,
    )
    .replace(/\((\d+),(\d+)\)/g, (_, line: string, col: string) => `(${Number(line) + 7},${Number(col) + 2})`)
    .replace(
      /^(\s+)(\d+):(\d+)(\s+(?:error|warning))/gm,
      (_, sp: string, line: string, col: string, rest: string) => `${sp}${Number(line) + 7}:${Number(col) + 2}${rest}`,
    );
}

describe('finding keys: what a finding is, never where it is', () => {
  const cases = [
    ['tsc', () => parseTsc(readFixture('tsc-plain.txt'), { cwd: CAPTURE_CWD }), 'tsc-plain.txt', parseTsc],
    [
      'eslint',
      () => parseEslint(readFixture('eslint-stylish.txt'), { cwd: CAPTURE_CWD }),
      'eslint-stylish.txt',
      parseEslint,
    ],
    ['mocha', () => parseMocha(readFixture('mocha-spec.txt'), { cwd: CAPTURE_CWD }), 'mocha-spec.txt', parseMocha],
    ['jest', () => parseJest(readFixture('jest-failing.txt')), 'jest-failing.txt', parseJest],
    ['pytest', () => parsePytest(readFixture('pytest-failing.txt')), 'pytest-failing.txt', parsePytest],
    [
      'vitest',
      () => parseVitest(readFixture('vitest-failing.txt'), { cwd: VITEST_CWD }),
      'vitest-failing.txt',
      parseVitest,
    ],
    [
      'node:test',
      () => parseNodeTest(readFixture('node-test-tap.txt'), { cwd: NODE_TEST_CWD }),
      'node-test-tap.txt',
      parseNodeTest,
    ],
  ] as const;

  for (const [tool, parse, fixture, parser] of cases) {
    it(`${tool}: every finding has a key without a line number, and the keys survive moved lines`, () => {
      const findings = parse();
      assert.ok(findings.length > 0);
      for (const finding of findings) {
        assert.ok(finding.key, `${tool} finding without key: ${finding.message}`);
        if (finding.location?.match(/:(\d+)/)) {
          const line = /:(\d+)/.exec(finding.location)?.[1] ?? '';
          assert.ok(!finding.key.includes(`:${line}`), `key ${finding.key} carries line ${line}`);
        }
      }
      const cwd = tool === 'vitest' ? VITEST_CWD : tool === 'node:test' ? NODE_TEST_CWD : CAPTURE_CWD;
      const moved = parser(shiftLines(readFixture(fixture)), { cwd });
      assert.deepEqual(
        moved.map((f) => f.key),
        findings.map((f) => f.key),
      );
      assert.notDeepEqual(
        moved.map((f) => f.location),
        findings.map((f) => f.location),
        'the fixture really moved',
      );
    });
  }

  it('test keys are the test name: the same failing test with another error has the same key', () => {
    const [first] = parseMocha(readFixture('mocha-spec.txt'), { cwd: CAPTURE_CWD });
    const changed = readFixture('mocha-spec.txt').replace('Timeout of 50ms exceeded', 'Timeout of 90ms exceeded');
    assert.equal(parseMocha(changed, { cwd: CAPTURE_CWD })[0]?.key, first?.key);
    assert.equal(first?.key, 'test | async › resolves in time');
  });

  it('tsc and eslint keys are tool, file, code or rule, and message', () => {
    assert.deepEqual(
      parseTsc("src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.").map((f) => f.key),
      ["tsc | src/a.ts | TS2322 | Type 'string' is not assignable to type 'number'."],
    );
    assert.deepEqual(
      parseEslint("/w/src/a.js\n  2:5  error  'x' is defined but never used  no-unused-vars\n", { cwd: '/w' }).map(
        (f) => f.key,
      ),
      ["eslint | src/a.js | no-unused-vars | 'x' is defined but never used"],
    );
  });

  it('findings without a parser key are keyed by category, file and first message line', () => {
    assert.equal(
      keyOfFinding({ severity: 'major', category: 'build', message: 'Cannot find x\nmore', location: 'src/a.ts:10:2' }),
      'build | src/a.ts | Cannot find x',
    );
  });

  it('comparable text drops timings, durations, clock times, temp folders and line numbers', () => {
    assert.equal(comparableText('  3 passing (62ms)'), '3 passing (<time>)');
    assert.equal(comparableText('=== 2 failed, 3 passed in 0.12s ==='), '=== 2 failed, 3 passed in <time> ===');
    assert.equal(comparableText('   Start at  08:31:42'), 'Start at <time>');
    assert.equal(comparableText('  duration_ms: 605.266867'), 'duration_ms: <n>');
    assert.equal(comparableText("Cannot find '/tmp/ao-x1y2/ws/b.js'"), "Cannot find '<tmp>/ws/b.js'");
    assert.equal(comparableText('C:\\Users\\me\\AppData\\Local\\Temp\\ao-1\\a.js'), '<tmp>\\a.js');
    assert.equal(comparableText('/var/folders/ab/cd12/T/ao-9/x.js'), '<tmp>/x.js');
    assert.equal(comparableText('src/a.ts:12:50 - error'), 'src/a.ts:<line> - error');
    assert.equal(comparableText('  File "x.py", line 12, in f'), 'File "x.py", line <n>, in f');
    assert.equal(comparableText('found 3 of 6 files'), 'found 3 of 6 files');
    assert.deepEqual(comparableLines('a (1ms)\n\nb\na (2ms)\r\n'), ['a (<time>)', 'b']);
  });
});
