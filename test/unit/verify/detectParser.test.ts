import * as assert from 'node:assert/strict';
import { FALLBACK_TAIL_LINES, inferCategory, parseVerificationOutput } from '../../../src/core/verify/detectParser';
import { CAPTURE_CWD, readFixture } from './fixtures';

describe('parseVerificationOutput', () => {
  it('uses the tsc parser for tsc commands', () => {
    const findings = parseVerificationOutput('npx tsc -p . --noEmit', readFixture('tsc-plain.txt'), 2, {
      cwd: CAPTURE_CWD,
    });
    assert.equal(findings.length, 5);
    assert.ok(findings.every((f) => f.category === 'build' && f.severity === 'major'));
  });

  it('uses the ESLint parser for eslint commands, including a path to the binary', () => {
    const findings = parseVerificationOutput('./node_modules/.bin/eslint src', readFixture('eslint-stylish.txt'), 1, {
      cwd: CAPTURE_CWD,
    });
    assert.equal(findings.length, 9);
    assert.ok(findings.every((f) => f.category === 'lint'));
  });

  it('uses only the chosen parser: tsc output under an eslint command yields the fallback', () => {
    const findings = parseVerificationOutput('eslint .', readFixture('tsc-plain.txt'), 1);
    assert.equal(findings.length, 1);
    assert.match(findings[0]?.message ?? '', /^`eslint \.` failed with exit code 1\. Last lines of output:\n/);
  });

  it('reads test summaries for mocha, jest, pytest and package-manager test scripts', () => {
    assert.equal(parseVerificationOutput('npm test', readFixture('npm-test-mocha.txt'), 3).length, 3);
    assert.equal(parseVerificationOutput('npm run test', readFixture('npm-test-mocha.txt'), 3).length, 3);
    assert.equal(parseVerificationOutput('yarn test --ci', readFixture('jest-failing.txt'), 1).length, 2);
    assert.equal(parseVerificationOutput('npx jest', readFixture('jest-failing.txt'), 1).length, 2);
    assert.equal(parseVerificationOutput('python -m pytest -q', readFixture('pytest-quiet-windows.txt'), 1).length, 1);
    assert.equal(parseVerificationOutput('npm: test', readFixture('jest-failing.txt'), 1).length, 2);
  });

  it('tries every parser for an unknown command, such as a script that runs tsc and eslint', () => {
    const output = `${readFixture('tsc-plain.txt')}\n${readFixture('eslint-stylish.txt')}`;
    const findings = parseVerificationOutput('npm run check', output, 1, { cwd: CAPTURE_CWD });
    assert.deepEqual(
      [findings.filter((f) => f.category === 'build').length, findings.filter((f) => f.category === 'lint').length],
      [5, 9],
    );
  });

  it('falls back to one major finding quoting the last lines when a failing command yields nothing', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `\u001b[31mline ${i + 1}\u001b[0m`);
    const findings = parseVerificationOutput('make check', `${lines.join('\r\n')}\r\n\r\n`, 2, { taskId: 't1' });
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding?.severity, 'major');
    assert.equal(finding?.category, 'custom');
    assert.equal(finding?.taskId, 't1');
    const quoted = (finding?.message ?? '').split('\n').slice(1);
    assert.equal(quoted.length, FALLBACK_TAIL_LINES);
    assert.equal(quoted[0], 'line 21');
    assert.equal(quoted[quoted.length - 1], 'line 40');
  });

  it('gives the fallback the inferred or the requested category and says when nothing was printed', () => {
    assert.equal(parseVerificationOutput('npm test', 'Error: no test specified', 1)[0]?.category, 'test');
    assert.equal(parseVerificationOutput('npm run build', 'boom', 1)[0]?.category, 'build');
    assert.equal(parseVerificationOutput('npm run lint', 'boom', 1)[0]?.category, 'lint');
    assert.equal(parseVerificationOutput('./audit.sh', 'boom', 1, { category: 'security' })[0]?.category, 'security');
    assert.equal(
      parseVerificationOutput('true', '', 7)[0]?.message,
      '`true` failed with exit code 7 and printed nothing.',
    );
  });

  it('adds no fallback finding on exit 0', () => {
    assert.deepEqual(parseVerificationOutput('make check', 'all good\n', 0), []);
    assert.deepEqual(parseVerificationOutput('npm test', readFixture('mocha-pass.txt'), 0), []);
  });

  it('stamps the task id on parsed findings', () => {
    const findings = parseVerificationOutput('tsc', readFixture('tsc-plain.txt'), 2, { taskId: 'task-7' });
    assert.ok(findings.length > 0 && findings.every((f) => f.taskId === 'task-7'));
  });

  it('inferCategory reads the command’s words', () => {
    assert.deepEqual(
      ['tsc -b', 'npx eslint .', 'pytest', 'npm t', 'C:\\tools\\mocha.cmd', 'cargo audit'].map(inferCategory),
      ['build', 'lint', 'test', 'test', 'test', 'custom'],
    );
  });
});
