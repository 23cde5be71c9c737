import assert from 'node:assert/strict';
import { renderRunSummary } from '../../../src/core/store/summaryMarkdown';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

describe('store/summaryMarkdown', () => {
  function sampleState() {
    const b = new EventBuilder('md');
    return foldEvents('md', [
      b.created('Add JWT auth'),
      b.planReady([
        { id: 'api', title: 'Write the API | handlers\nand routes' },
        { id: 'tests', title: 'Write tests', dependencies: ['api'] },
      ]),
      b.taskStarted('api', 'coder'),
      b.usage('api', 1200, 300, 0.042),
      b.taskSucceeded('api', 'coder'),
      b.taskStarted('tests', 'tester'),
      b.attemptFailed('tests', 'tester', 1),
      b.taskStarted('tests', 'tester', 2),
      b.finding('major', 'token is never verified', { location: 'src/auth.ts:12', taskId: 'api' }),
      b.finding('minor', 'unused import'),
      b.finding('major', 'secret in log\n# not a heading'),
      b.context('db-password-hint', 'SECRET-VALUE-123'),
      b.paused('Budget reached: 100000 tokens'),
    ]);
  }

  it('has the goal, status, dates and totals', () => {
    const md = renderRunSummary(sampleState());
    assert.match(md, /^# Run summary: Add JWT auth$/m);
    assert.match(md, /\*\*Status:\*\* paused/);
    assert.match(md, /\*\*Created:\*\* 2025-01-15T09:00:01\.000Z/);
    assert.match(md, /\*\*Tokens:\*\* 1500 \(1200 in, 300 out\)/);
    assert.match(md, /\*\*Cost:\*\* \$0\.04/);
    assert.match(md, /## Paused\n\nBudget reached: 100000 tokens/);
  });

  it('has one table row per task in plan order, with cells escaped', () => {
    const md = renderRunSummary(sampleState());
    const section = md.slice(md.indexOf('## Tasks'), md.indexOf('## Findings'));
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| Task') && !line.startsWith('| ---'));
    assert.deepEqual(rows, [
      '| api | Write the API \\| handlers and routes | succeeded | coder | 1 | 2.0 s |',
      '| tests | Write tests | running | tester | 2 |  |',
    ]);
  });

  it('groups findings by severity, most severe first, one line each', () => {
    const md = renderRunSummary(sampleState());
    const major = md.indexOf('### Major (2)');
    const minor = md.indexOf('### Minor (1)');
    assert.ok(major > 0 && minor > major);
    assert.match(md, /- \*\*test:\*\* token is never verified \(`src\/auth\.ts:12`, task `api`\)/);
    assert.match(md, /- \*\*test:\*\* secret in log # not a heading/);
    assert.doesNotMatch(md, /^# not a heading/m);
  });

  it('lists context keys but never their values', () => {
    const md = renderRunSummary(sampleState());
    assert.match(md, /db-password-hint/);
    assert.doesNotMatch(md, /SECRET-VALUE-123/);
  });

  it('renders an empty run without failing', () => {
    const md = renderRunSummary(foldEvents('empty', []));
    assert.match(md, /# Run summary: \(no goal\)/);
    assert.match(md, /No tasks\./);
    assert.match(md, /No findings\./);
  });
});
