import assert from 'node:assert/strict';
import { taskBrief } from '../../../src/core/agents/taskBrief';
import {
  agentMessage,
  briefContext,
  dependencyResult,
  failingTest,
  previousFailure,
} from '../../support/briefBuilders';

/** The lines of the brief from the line starting with `heading` up to the next blank line. */
function section(brief: string, heading: string): string[] {
  const lines = brief.split('\n');
  const start = lines.findIndex((l) => l.startsWith(heading));
  assert.ok(start >= 0, `the brief has a section "${heading}":\n${brief}`);
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

describe('taskBrief', () => {
  it('states the task: id, title, description, and what it may change and read', () => {
    const brief = taskBrief(
      briefContext({
        task: {
          id: 'auth',
          title: 'Add JWT auth',
          description: 'Protect /api with a JWT check.',
          writes: ['src/auth.ts'],
          reads: ['src/server.ts'],
        },
      }),
    );
    assert.deepEqual(brief.split('\n').slice(0, 3), ['Task auth: Add JWT auth', '', 'Protect /api with a JWT check.']);
    assert.match(brief, /^You may change: src\/auth\.ts$/m);
    assert.match(brief, /^Relevant to read: src\/server\.ts$/m);
    assert.match(taskBrief(briefContext()), /^\(no further description\)$/m);
  });

  it('lists the acceptance criteria, one per line', () => {
    const brief = taskBrief(
      briefContext({ task: { acceptanceCriteria: ['401 without a token', 'tests in test/auth.test.ts pass'] } }),
    );
    assert.deepEqual(section(brief, 'Acceptance criteria:'), [
      'Acceptance criteria:',
      '- 401 without a token',
      '- tests in test/auth.test.ts pass',
    ]);
    assert.doesNotMatch(taskBrief(briefContext()), /Acceptance criteria/);
  });

  it("gives each dependency's title, summary, files changed and output", () => {
    const brief = taskBrief(
      briefContext({
        task: { dependencies: ['schema', 'config'] },
        dependencies: [
          dependencyResult('schema', {
            title: 'Define the user schema',
            summary: 'Added User with email and hash',
            changedPaths: ['src/user.ts', 'src/db/migrations/001.sql'],
            output: { table: 'users' },
          }),
          dependencyResult('config', { title: 'Read the secret', summary: undefined }),
        ],
      }),
    );
    assert.deepEqual(section(brief, 'Results of the tasks this one depends on:'), [
      'Results of the tasks this one depends on:',
      '- schema (Define the user schema): Added User with email and hash',
      '  Files changed: src/user.ts, src/db/migrations/001.sql',
      '  Output: {"table":"users"}',
      '- config (Read the secret): (no summary)',
    ]);
  });

  it('bounds what a dependency contributes: long output and summary are cut, long file lists shortened', () => {
    const paths = Array.from({ length: 45 }, (_, i) => `src/gen/f${i}.ts`);
    const brief = taskBrief(
      briefContext({
        task: { dependencies: ['gen'] },
        dependencies: [
          dependencyResult('gen', { summary: 's'.repeat(900), output: 'o'.repeat(5000), changedPaths: paths }),
        ],
      }),
    );
    const [, head, files, output] = section(brief, 'Results of the tasks');
    assert.ok(head!.length < 600 && head!.endsWith('… [cut at 500 characters]'), head);
    assert.match(files!, /src\/gen\/f29\.ts … and 15 more$/);
    assert.doesNotMatch(files!, /f30\.ts/);
    assert.ok(output!.length < 2100 && output!.endsWith('… [cut at 2000 characters]'));
  });

  it('shows the shared-context entries it is given, values shortened, and says how to read them whole', () => {
    const brief = taskBrief(
      briefContext({
        sharedContext: [
          { key: 'api/auth-header', value: 'Authorization: Bearer <jwt>' },
          { key: 'conventions', value: { quotes: 'single', long: 'x'.repeat(1000) } },
        ],
      }),
    );
    const lines = section(brief, 'Shared context');
    assert.equal(lines[0], 'Shared context (most relevant first; context_get reads a whole value):');
    assert.equal(lines[1], '- api/auth-header = "Authorization: Bearer <jwt>"');
    assert.ok(lines[2]!.startsWith('- conventions = {"quotes":"single","long":"xxx'));
    assert.ok(lines[2]!.endsWith('… [cut at 300 characters]'));
    assert.equal(lines.length, 3);
    assert.doesNotMatch(taskBrief(briefContext()), /Shared context/);
  });

  it('shows the unread messages with sender, topic and body, and how many more wait', () => {
    const brief = taskBrief(
      briefContext({
        unreadMessages: [
          agentMessage('msg-1', { from: 'architect', topic: 'api-shape', body: { route: '/api/login' } }),
          agentMessage('msg-2', { from: 'tester', topic: 'fixtures', body: 'use test/fixtures/users.json' }),
        ],
        moreUnreadMessages: 3,
      }),
    );
    assert.deepEqual(section(brief, 'Unread messages'), [
      'Unread messages for you (they count as read once this task succeeds):',
      '- [msg-1] from architect about "api-shape": {"route":"/api/login"}',
      '- [msg-2] from tester about "fixtures": "use test/fixtures/users.json"',
      '(3 more unread message(s) are waiting; read_messages takes them.)',
    ]);
    assert.doesNotMatch(taskBrief(briefContext()), /Unread messages/);
  });

  it('on a retry, names the previous failure: error, class, findings (majors first) and files already changed', () => {
    const brief = taskBrief(
      briefContext({
        previousAttempt: previousFailure({
          attempt: 1,
          agentId: 'coder',
          failureClass: 'retryable',
          message: 'Verification "npm test" failed:\n1 failing',
          findings: [
            failingTest('unused import', { severity: 'minor', category: 'lint', location: 'src/auth.ts:1' }),
            failingTest('auth › rejects an expired token', { location: 'test/auth.test.ts:42' }),
          ],
          changedPaths: ['src/auth.ts', 'test/auth.test.ts'],
        }),
      }),
    );
    assert.deepEqual(section(brief, 'This is attempt 2.'), [
      'This is attempt 2. The previous attempt (1, by coder) failed (retryable):',
      '  Verification "npm test" failed:',
      '  1 failing',
      'Its findings:',
      '- [major test] auth › rejects an expired token failed (test/auth.test.ts:42)',
      '- [minor lint] unused import failed (src/auth.ts:1)',
      'Already changed by earlier attempts: src/auth.ts, test/auth.test.ts',
      'Check the workspace state before changing anything, and fix what made the previous attempt fail.',
    ]);
  });

  it('on a retry after an interruption or without findings and edits, says so', () => {
    const brief = taskBrief(
      briefContext({
        previousAttempt: previousFailure({ failureClass: undefined, message: 'It was interrupted.' }),
      }),
    );
    const lines = section(brief, 'This is attempt 2.');
    assert.equal(lines[0], 'This is attempt 2. The previous attempt (1, by coder) did not finish:');
    assert.ok(lines.includes('Earlier attempts changed no files.'));
    assert.ok(!lines.includes('Its findings:'));
  });

  it('bounds the findings of the previous attempt', () => {
    const findings = Array.from({ length: 14 }, (_, i) =>
      failingTest(`case ${i}`, { message: `case ${i}\n${'x'.repeat(900)}` }),
    );
    const lines = section(taskBrief(briefContext({ previousAttempt: previousFailure({ findings }) })), 'Its findings:');
    assert.equal(lines.filter((l) => l.startsWith('- [major test] case')).length, 10);
    assert.ok(lines.includes('  … and 4 more'));
    assert.ok(lines.every((l) => l.length < 600));
  });

  it('says nothing about earlier attempts on a first attempt', () => {
    assert.doesNotMatch(taskBrief(briefContext()), /attempt/i);
  });
});
