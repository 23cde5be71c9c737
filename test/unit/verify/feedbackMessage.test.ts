import * as assert from 'node:assert/strict';
import { formatFindingsForAgent } from '../../../src/core/verify/feedbackMessage';
import type { Finding } from '../../../src/core/model/finding';
import { parseMocha } from '../../../src/core/verify/mochaParser';
import { CAPTURE_CWD, readFixture } from './fixtures';

function finding(severity: Finding['severity'], message: string, location?: string): Finding {
  return location === undefined
    ? { severity, category: 'test', message }
    : { severity, category: 'test', message, location };
}

describe('formatFindingsForAgent', () => {
  it('lists findings under a header with the command and counts', () => {
    const text = formatFindingsForAgent(
      [finding('major', 'should add: expected 3 got 4', 'test/a.test.ts:10'), finding('major', 'crashed')],
      { command: 'npm test' },
    );
    assert.equal(
      text,
      'Verification `npm test` failed: 2 major findings:\n- test/a.test.ts:10 — should add: expected 3 got 4\n- crashed',
    );
  });

  it('puts the most severe first and tags severities when they are mixed', () => {
    const text = formatFindingsForAgent(
      [finding('minor', 'style'), finding('major', 'broken', 'a.ts:1'), finding('medium', 'lint', 'b.ts:2')],
      {
        verdict: 'warn',
      },
    );
    assert.equal(
      text,
      'Verification passed with warnings: 1 major finding, 1 medium finding, 1 minor finding:\n' +
        '- [major] a.ts:1 — broken\n- [medium] b.ts:2 — lint\n- [minor] style',
    );
  });

  it('indents the continuation lines of a multi-line message', () => {
    const [mochaFailure] = parseMocha(readFixture('mocha-spec.txt'), { cwd: CAPTURE_CWD }).slice(2);
    assert.ok(mochaFailure);
    assert.equal(
      formatFindingsForAgent([mochaFailure], { command: 'npm test' }),
      'Verification `npm test` failed: 1 major finding:\n' +
        '- test/math.test.js:6:49 — math › add › should add one and two: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n' +
        '  4 !== 3\n  -4\n  +3',
    );
  });

  it('lists at most maxFindings and counts the rest', () => {
    const many = Array.from({ length: 30 }, (_, i) => finding('major', `failure ${i}`, `t.ts:${i + 1}`));
    const text = formatFindingsForAgent(many, { command: 'npm test' });
    const lines = text.split('\n');
    assert.equal(lines.filter((line) => line.startsWith('- ')).length, 20);
    assert.equal(lines[lines.length - 1], '…and 10 more findings not shown.');
    assert.equal(
      formatFindingsForAgent(many, { maxFindings: 3 })
        .split('\n')
        .filter((l) => l.startsWith('- ')).length,
      3,
    );
  });

  it('never exceeds maxChars, shares the room fairly, and counts what it left out', () => {
    const huge = finding('major', `first ${'x'.repeat(10_000)}`, 'a.ts:1');
    const others = Array.from({ length: 8 }, (_, i) =>
      finding('major', `failure ${i} ${'y'.repeat(300)}`, `b.ts:${i + 1}`),
    );
    const text = formatFindingsForAgent([huge, ...others], { command: 'npm test', maxChars: 1200 });
    assert.ok(text.length <= 1200, String(text.length));
    assert.ok(text.includes('- b.ts:1 — failure 0'), 'a long first finding must not crowd out the others');
    const shown = text.split('\n').filter((line) => line.startsWith('- ')).length;
    assert.match(text, new RegExp(`…and ${9 - shown} more findings not shown\\.$`));
    for (const maxChars of [1, 10, 50, 200, 4000]) {
      assert.ok(
        formatFindingsForAgent([huge, ...others], { command: 'npm test', maxChars }).length <= maxChars,
        String(maxChars),
      );
    }
  });

  it('keeps at most ten continuation lines of one finding', () => {
    const message = ['head', ...Array.from({ length: 30 }, (_, i) => `line ${i}`)].join('\n');
    const text = formatFindingsForAgent([finding('major', message)]);
    assert.equal(text.split('\n').length, 1 + 1 + 10 + 1);
    assert.ok(text.endsWith('  line 9\n  …'));
  });

  it('says so when there is nothing to list', () => {
    assert.equal(formatFindingsForAgent([], { command: 'npm test' }), 'Verification `npm test` failed.');
  });
});
