import * as assert from 'node:assert/strict';
import { parseTsc } from '../../../src/core/verify/tscParser';
import { CAPTURE_CWD, readFixture, toCrlf, withoutKeys } from './fixtures';

const EXPECTED_LOCATIONS = ['src/a.ts:5:7', 'src/a.ts:6:25', 'src/b.ts:1:25', 'src/c.ts:3:14', 'src/e.ts:1:17'];

describe('parseTsc', () => {
  it('reads the plain form `file(line,col): error TSxxxx: …` as major build findings', () => {
    const findings = parseTsc(readFixture('tsc-plain.txt'));
    assert.deepEqual(
      findings.map((f) => f.location),
      EXPECTED_LOCATIONS,
    );
    assert.deepEqual(withoutKeys(findings[0]), {
      severity: 'major',
      category: 'build',
      message: "TS2322: Type 'string' is not assignable to type 'number'.",
      location: 'src/a.ts:5:7',
    });
  });

  it('keeps the indented elaboration under a diagnostic in its message', () => {
    const c = parseTsc(readFixture('tsc-plain.txt'))[3];
    assert.equal(
      c?.message,
      "TS2322: Type '{ a: number; nested: { b: number; }; }' is not assignable to type 'Foo'.\n" +
        "The types of 'nested.b' are incompatible between these types.\n" +
        "Type 'number' is not assignable to type 'string'.",
    );
  });

  it('reads the coloured --pretty form and ignores code frames, related info and the "Errors Files" table', () => {
    const findings = parseTsc(readFixture('tsc-pretty-color.txt'));
    assert.deepEqual(
      findings.map((f) => f.location),
      EXPECTED_LOCATIONS,
    );
    assert.ok(findings.every((f) => f.severity === 'major' && f.category === 'build'));
    assert.equal(
      findings[4]?.message,
      'TS2394: This overload signature is not compatible with its implementation signature.',
    );
  });

  it('gives the same findings for CRLF output', () => {
    assert.deepEqual(
      parseTsc(toCrlf(readFixture('tsc-pretty-color.txt'))),
      parseTsc(readFixture('tsc-pretty-color.txt')),
    );
    assert.deepEqual(parseTsc(toCrlf(readFixture('tsc-plain.txt'))), parseTsc(readFixture('tsc-plain.txt')));
  });

  it('makes absolute and Windows paths relative to cwd', () => {
    const abs = parseTsc(`${CAPTURE_CWD}/src/a.ts(5,7): error TS2322: x`, { cwd: CAPTURE_CWD });
    assert.equal(abs[0]?.location, 'src/a.ts:5:7');
    const win = parseTsc('C:\\work\\app\\src\\a.ts:5:7 - error TS2322: x', { cwd: 'C:\\work\\app' });
    assert.equal(win[0]?.location, 'src/a.ts:5:7');
  });

  it('reads a diagnostic with no file, such as a missing project', () => {
    assert.deepEqual(withoutKeys(parseTsc(readFixture('tsc-no-project.txt'))), [
      { severity: 'major', category: 'build', message: "TS5058: The specified path does not exist: 'nonexistent'." },
    ]);
  });

  it('maps warnings to medium and suggestions to minor', () => {
    const findings = parseTsc('src/a.ts(1,1): warning TS6133: unused\nsrc/a.ts(2,1): suggestion TS80001: convert');
    assert.deepEqual(
      findings.map((f) => f.severity),
      ['medium', 'minor'],
    );
  });

  it('finds nothing in clean output or in other tools’ output', () => {
    assert.deepEqual(withoutKeys(parseTsc('')), []);
    assert.deepEqual(withoutKeys(parseTsc(readFixture('eslint-stylish.txt'))), []);
    assert.deepEqual(withoutKeys(parseTsc(readFixture('mocha-spec.txt'))), []);
  });
});
