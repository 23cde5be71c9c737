import assert from 'node:assert/strict';
import { EventBuilder } from '../../support/eventBuilders';
import { task } from '../../support/planBuilders';
import { applyRunEvent, emptyRunState, retryableTaskIds, type RunState } from '../../../src/core/model/runState';
import { RunEventSchema, type RunEventBody } from '../../../src/core/model/runEvents';

/** a → b → c, and d → c; `a` failed, so b and c were skipped; d succeeded. */
function failedChain(): { state: RunState; b: EventBuilder } {
  const b = new EventBuilder('run-1');
  const state = emptyRunState('run-1');
  const body: RunEventBody[] = [
    { type: 'run.created', goal: 'g', dryRun: false, budget: {} },
    { type: 'task.started', taskId: 'a', agentId: 'coder', attempt: 1 },
    { type: 'task.failed', taskId: 'a', message: 'broken' },
    { type: 'task.skipped', taskId: 'b', blockedBy: 'a', reason: 'Dependency "a" failed.' },
    { type: 'task.skipped', taskId: 'c', blockedBy: 'b', reason: 'Dependency "b" did not succeed.' },
  ];
  applyRunEvent(state, b.next(body[0]!));
  applyRunEvent(
    state,
    b.planReady([task('a'), task('b', { dependencies: ['a'] }), task('d'), task('c', { dependencies: ['b', 'd'] })]),
  );
  for (const e of body.slice(1)) applyRunEvent(state, b.next(e));
  return { state, b };
}

describe('the fold of task.action (a person acting on one task)', () => {
  it('is one schema-valid event; its fields round-trip through the log schema', () => {
    const { b } = failedChain();
    const e = b.next({ type: 'task.action', taskId: 'a', action: 'retry', note: 'Use v2.' });
    assert.deepEqual(RunEventSchema.parse(JSON.parse(JSON.stringify(e))), e);
    assert.equal(RunEventSchema.safeParse({ ...e, action: 'explode' }).success, false);
  });

  it('skip of a failed task: it is skipped by a person, and the tasks it blocked wait again', () => {
    const { state, b } = failedChain();
    applyRunEvent(state, b.next({ type: 'task.action', taskId: 'a', action: 'skip', reason: 'done by hand' }));
    assert.equal(state.tasks.a?.status, 'skipped');
    assert.deepEqual(state.tasks.a?.personAction, { kind: 'skip', reason: 'done by hand' });
    assert.equal(state.tasks.b?.status, 'pending');
    assert.equal(state.tasks.c?.status, 'pending');
    assert.deepEqual(retryableTaskIds(state), [], 'a resume does not run a task a person skipped');
  });

  it('retry with a note: the task and what it blocked wait again, the note is kept, attempts so far are spent', () => {
    const { state, b } = failedChain();
    applyRunEvent(state, b.next({ type: 'task.action', taskId: 'a', action: 'retry', note: 'Use v2.' }));
    assert.equal(state.tasks.a?.status, 'pending');
    assert.equal(state.tasks.a?.retryNote, 'Use v2.');
    assert.equal(state.tasks.a?.attemptsBeforeRetry, 1);
    assert.equal(state.tasks.a?.failure, undefined);
    assert.equal(state.tasks.c?.status, 'pending');
  });

  it('a task a person skipped stays skipped when its own dependency is retried', () => {
    const { state, b } = failedChain();
    applyRunEvent(state, b.next({ type: 'task.action', taskId: 'b', action: 'skip' }));
    applyRunEvent(state, b.next({ type: 'task.action', taskId: 'a', action: 'retry' }));
    assert.equal(state.tasks.b?.status, 'skipped');
    assert.equal(state.tasks.b?.personAction?.kind, 'skip');
  });

  it('cancel: the task is cancelled at once and stays so; reassign while running restarts on the new agent', () => {
    const { state, b } = failedChain();
    applyRunEvent(state, b.next({ type: 'task.started', taskId: 'd', agentId: 'coder', attempt: 1 }));
    applyRunEvent(state, b.next({ type: 'task.action', taskId: 'd', action: 'reassign', agentId: 'second' }));
    assert.equal(state.tasks.d?.status, 'running');
    applyRunEvent(state, b.next({ type: 'task.cancelled', taskId: 'd', attempt: 1 }));
    assert.equal(state.tasks.d?.status, 'pending', 'the stopped attempt is followed by one on the new agent');
    assert.equal(state.tasks.d?.assignedAgent, 'second');
    applyRunEvent(state, b.next({ type: 'task.action', taskId: 'd', action: 'cancel' }));
    assert.equal(state.tasks.d?.status, 'cancelled');
    assert.equal(state.tasks.d?.personAction?.kind, 'cancel');
  });
});
