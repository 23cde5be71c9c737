import assert from 'node:assert/strict';
import { TaskSpecSchema, type TaskSpec, type TaskSpecInput } from '../../../src/core/model/planSchema';
import type { RunEvent } from '../../../src/core/model/runEvents';
import {
  dependencyResults,
  MAX_BRIEF_MESSAGES,
  MAX_CONTEXT_ENTRIES,
  messagesForBrief,
  previousAttempt,
  relevantContext,
  taskBackground,
} from '../../../src/core/execute/taskBackground';
import { agentMessage } from '../../support/briefBuilders';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';
import { task } from '../../support/planBuilders';

const spec = (id: string, over: Partial<TaskSpecInput> = {}): TaskSpec => TaskSpecSchema.parse(task(id, over));

/** A run whose plan holds `tasks`, then `more(b)`'s events, folded. */
function stateOf(tasks: TaskSpecInput[], more: (b: EventBuilder) => RunEvent[] = () => []) {
  const b = new EventBuilder('run-bg');
  return foldEvents('run-bg', [b.created(), b.planReady(tasks), ...more(b)]);
}

describe('taskBackground', () => {
  describe('dependency results', () => {
    it("carry each dependency's title, summary and the paths its applied edits changed, once each", () => {
      const tasks = [task('schema', { title: 'Define the user schema' }), task('api', { dependencies: ['schema'] })];
      const state = stateOf(tasks, (b) => [
        b.taskStarted('schema'),
        b.editApplied('schema', 'src/user.ts'),
        b.editApplied('schema', 'src/db/001.sql'),
        b.editApplied('schema', 'src/user.ts'),
        b.editApplied('other', 'src/unrelated.ts'),
        b.taskSucceeded('schema'),
      ]);
      const specs = tasks.map((t) => TaskSpecSchema.parse(t));
      assert.deepEqual(dependencyResults(state, specs, specs[1]!), [
        {
          taskId: 'schema',
          title: 'Define the user schema',
          summary: 'done schema',
          changedPaths: ['src/user.ts', 'src/db/001.sql'],
        },
      ]);
    });
  });

  describe('shared context', () => {
    it('puts keys that mention the task first, each group most recently written first', () => {
      const t = spec('auth', { dependencies: ['schema'], writes: ['src/auth/jwt.ts'], reads: ['docs/**'] });
      const state = stateOf([], (b) => [
        b.context('style', 'single quotes'),
        b.context('jwt-secret-name', 'JWT_SECRET'),
        b.context('decisions', ['use bcrypt']),
        b.context('schema:columns', ['email', 'hash']),
        b.context('auth/notes', 'expire after 1h'),
        b.context('docs/links', 'https://example.test'),
        b.context('style', 'double quotes'),
      ]);
      assert.deepEqual(
        relevantContext(state, t).map((e) => e.key),
        ['docs/links', 'auth/notes', 'schema:columns', 'jwt-secret-name', 'style', 'decisions'],
      );
      assert.deepEqual(relevantContext(state, t).find((e) => e.key === 'style')?.value, 'double quotes');
    });

    it('matches whole words only, and leaves private and temporary entries out', () => {
      const state = stateOf([], (b) => [
        b.context('t10-result', 1),
        b.context('t1-result', 2),
        b.next({ type: 'context.changed', key: 't1-private', scope: 'private', agentId: 'coder', value: 3 }),
        b.next({ type: 'context.changed', key: 't1-temp', scope: 'temporary', value: 4, expiresAt: 9e15 }),
        b.context('later', 5),
      ]);
      assert.deepEqual(
        relevantContext(state, spec('t1')).map((e) => e.key),
        ['t1-result', 'later', 't10-result'],
      );
    });

    it(`is bounded to ${MAX_CONTEXT_ENTRIES} entries, and drops deleted keys`, () => {
      const state = stateOf([], (b) => [
        ...Array.from({ length: 30 }, (_, i) => b.context(`k${i}`, i)),
        b.next({ type: 'context.changed', key: 'k29', scope: 'shared', deleted: true }),
      ]);
      const keys = relevantContext(state, spec('t1')).map((e) => e.key);
      assert.equal(keys.length, MAX_CONTEXT_ENTRIES);
      assert.deepEqual(keys.slice(0, 2), ['k28', 'k27']);
    });
  });

  describe('previous attempt', () => {
    it('is absent on a first attempt', () => {
      const state = stateOf([task('t1')], (b) => [b.taskStarted('t1')]);
      assert.equal(previousAttempt(state, 't1', 1), undefined);
    });

    it("gives the latest earlier attempt's error, class and its own findings, and every path changed so far", () => {
      const state = stateOf([task('t1')], (b) => [
        b.taskStarted('t1', 'coder', 1),
        b.editApplied('t1', 'src/sum.ts'),
        b.finding('major', 'sum › adds: expected 3, got 4', { taskId: 't1' }),
        b.attemptFailed('t1', 'coder', 1, 'Verification failed: 1 failing'),
        b.taskStarted('t1', 'helper', 2),
        b.editApplied('t1', 'test/sum.test.ts'),
        b.finding('minor', 'another task', { taskId: 'other' }),
        b.finding('major', 'sum › handles negatives: expected -1, got 1', { taskId: 't1' }),
        b.attemptFailed('t1', 'helper', 2, 'Verification failed: 1 failing test'),
        b.taskStarted('t1', 'coder', 3),
      ]);
      const previous = previousAttempt(state, 't1', 3);
      assert.deepEqual(previous, {
        attempt: 2,
        agentId: 'helper',
        failureClass: 'retryable',
        message: 'Verification failed: 1 failing test',
        findings: [
          { severity: 'major', category: 'test', message: 'sum › handles negatives: expected -1, got 1', taskId: 't1' },
        ],
        changedPaths: ['src/sum.ts', 'test/sum.test.ts'],
      });
    });

    it('says an attempt was interrupted when it has no outcome (a crash or a stop)', () => {
      const state = stateOf([task('t1')], (b) => [b.taskStarted('t1', 'coder', 1), b.taskStarted('t1', 'coder', 2)]);
      const previous = previousAttempt(state, 't1', 2);
      assert.equal(previous?.failureClass, undefined);
      assert.match(previous?.message ?? '', /interrupted before it finished/);
    });
  });

  describe('unread messages', () => {
    it(`hands over at most ${MAX_BRIEF_MESSAGES}, oldest first, within a size budget; the first always`, () => {
      const many = Array.from({ length: 15 }, (_, i) => agentMessage(`m${i}`));
      assert.deepEqual(
        messagesForBrief(many).map((m) => m.id),
        many.slice(0, MAX_BRIEF_MESSAGES).map((m) => m.id),
      );
      const big = [agentMessage('huge', { body: 'x'.repeat(20_000) }), agentMessage('next')];
      assert.deepEqual(
        messagesForBrief(big).map((m) => m.id),
        ['huge'],
      );
      const state = stateOf([task('t1')], (b) => [b.taskStarted('t1')]);
      const bg = taskBackground(state, [spec('t1')], spec('t1'), 1, many);
      assert.equal(bg.unreadMessages.length + bg.moreUnreadMessages, 15);
    });
  });
});
