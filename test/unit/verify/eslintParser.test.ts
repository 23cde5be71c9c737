import * as assert from 'node:assert/strict';
import { parseEslint, parseEslintJson, parseEslintStylish } from '../../../src/core/verify/eslintParser';
import { CAPTURE_CWD, readFixture, toCrlf, withoutKeys } from './fixtures';

const LOCATIONS = [
  'src/broken.js:1:10',
  'src/lint.js:1:1',
  'src/lint.js:1:5',
  'src/lint.js:2:10',
  'src/lint.js:3:9',
  'src/lint.js:3:20',
  'src/lint.js:4:10',
  'src/other.js:1:5',
  'src/other.js:2:3',
];
const SEVERITIES = ['major', 'minor', 'medium', 'medium', 'minor', 'medium', 'medium', 'medium', 'minor'];

describe('parseEslint', () => {
  it('reads the stylish format: errors medium, warnings minor, parse errors major, rule id in the message', () => {
    const findings = parseEslint(readFixture('eslint-stylish.txt'), { cwd: CAPTURE_CWD });
    assert.deepEqual(
      findings.map((f) => f.location),
      LOCATIONS,
    );
    assert.deepEqual(
      findings.map((f) => f.severity),
      SEVERITIES,
    );
    assert.ok(findings.every((f) => f.category === 'lint'));
    assert.equal(findings[2]?.message, "'unused' is assigned a value but never used (no-unused-vars)");
    assert.equal(findings[0]?.message, 'Parsing error: Unexpected token (');
  });

  it('keeps absolute paths when no cwd is given', () => {
    assert.equal(parseEslintStylish(readFixture('eslint-stylish.txt'))[1]?.location, '/tmp/acme-app/src/lint.js:1:1');
  });

  it('reads coloured stylish output the same as plain', () => {
    assert.deepEqual(
      parseEslint(readFixture('eslint-stylish-color.txt'), { cwd: CAPTURE_CWD }),
      parseEslint(readFixture('eslint-stylish.txt'), { cwd: CAPTURE_CWD }),
    );
  });

  it('reads `--format json` with the same findings as stylish (messages keep their final period)', () => {
    const json = parseEslint(readFixture('eslint-format.json'), { cwd: CAPTURE_CWD });
    assert.deepEqual(
      json.map((f) => f.location),
      LOCATIONS,
    );
    assert.deepEqual(
      json.map((f) => f.severity),
      SEVERITIES,
    );
    assert.equal(json[2]?.message, "'unused' is assigned a value but never used. (no-unused-vars)");
  });

  it('finds the JSON after npm’s script banner and returns undefined for non-JSON', () => {
    const withBanner = `\n> acme-app@1.0.0 lint\n> eslint -f json src\n\n${readFixture('eslint-format.json')}\n`;
    assert.equal(parseEslintJson(withBanner, { cwd: CAPTURE_CWD })?.length, 9);
    assert.equal(parseEslintJson(readFixture('eslint-stylish.txt')), undefined);
    assert.deepEqual(withoutKeys(parseEslintJson('[]')), []);
  });

  it('reads Windows CRLF stylish output with drive-letter paths and scoped rule ids', () => {
    const findings = parseEslint(readFixture('eslint-stylish-windows.txt'), { cwd: 'C:\\Users\\dev\\acme-app' });
    assert.deepEqual(withoutKeys(findings), [
      {
        severity: 'medium',
        category: 'lint',
        message: "'unused' is assigned a value but never used (no-unused-vars)",
        location: 'src/lint.js:1:5',
      },
      {
        severity: 'minor',
        category: 'lint',
        message: "Expected '===' and instead saw '==' (eqeqeq)",
        location: 'src/lint.js:3:9',
      },
      {
        severity: 'medium',
        category: 'lint',
        message:
          'React Hook "useState" is called conditionally. React Hooks must be called in the exact same order in every component render (react-hooks/rules-of-hooks)',
        location: 'src/components/Cart.tsx:7:11',
      },
      {
        severity: 'medium',
        category: 'lint',
        message: 'Unexpected any. Specify a different type (@typescript-eslint/no-explicit-any)',
        location: 'src/components/Cart.tsx:9:3',
      },
    ]);
    assert.deepEqual(
      withoutKeys(parseEslint(toCrlf(readFixture('eslint-stylish.txt')), { cwd: CAPTURE_CWD }).map((f) => f.location)),
      LOCATIONS,
    );
  });

  it('finds nothing in clean output or in tsc output', () => {
    assert.deepEqual(withoutKeys(parseEslint('')), []);
    assert.deepEqual(withoutKeys(parseEslint(readFixture('tsc-plain.txt'))), []);
  });
});
