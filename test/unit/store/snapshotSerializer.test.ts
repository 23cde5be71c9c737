import assert from 'node:assert/strict';
import { PlanSchema } from '../../../src/core/model/planSchema';
import type { RunEvent, RunEventOf, RunEventType } from '../../../src/core/model/runEvents';
import { applyRunEvent, emptyRunState } from '../../../src/core/model/runState';
import type { RunState } from '../../../src/core/model/runState';
import { ALL_TASKS, isKnownEventType, tasksTouchedBy } from '../../../src/core/store/knownEventTypes';
import { SnapshotSerializer } from '../../../src/core/store/snapshotSerializer';
import { EventBuilder } from '../../support/eventBuilders';

type Body<T extends RunEventType> = Omit<RunEventOf<T>, 'seq' | 'at' | 'runId'>;

const plan = (ids: string[]) =>
  PlanSchema.parse({
    goal: 'g',
    tasks: ids.map((id, i) => ({ id, title: id, dependencies: i === 0 ? [] : [ids[0]!] })),
  });
const usage = { inputTokens: 10, outputTokens: 5, costUsd: 0.001 };
const finding = (taskId: string) => ({ severity: 'minor' as const, category: 'lint' as const, message: 'm', taskId });

/** Samples of every event type about task `id` (the compiler fails when a type has none). */
function samples(id: string): { [T in RunEventType]: Array<Body<T>> } {
  return {
    'run.created': [{ type: 'run.created', goal: 'g', dryRun: false, budget: {} }],
    'run.phase': [{ type: 'run.phase', phase: 'execute' }],
    'plan.ready': [{ type: 'plan.ready', plan: plan(['a', 'b', 'c']) }],
    'plan.rejected': [{ type: 'plan.rejected', issues: [{ code: 'empty', message: 'no tasks' }] }],
    'plan.task.added': [
      { type: 'plan.task.added', task: plan([`r-${id}`]).tasks[0]!, kind: 'repair', reason: 'gate failed' },
    ],
    'task.assigned': [{ type: 'task.assigned', taskId: id, agentId: 'tester' }],
    'task.reset': [{ type: 'task.reset', taskId: id, reason: 'again' }],
    'task.action': (['cancel', 'retry', 'skip', 'reassign'] as const).map((action) => ({
      type: 'task.action',
      taskId: id,
      action,
      agentId: 'tester',
    })),
    'task.started': [{ type: 'task.started', taskId: id, agentId: 'coder', attempt: 2 }],
    'task.step.started': [{ type: 'task.step.started', taskId: id, attempt: 2, key: 'k' }],
    'task.step.completed': [{ type: 'task.step.completed', taskId: id, attempt: 2, key: `k${id}`, result: [1] }],
    'task.succeeded': [
      { type: 'task.succeeded', taskId: id, agentId: 'coder', attempt: 2, durationMs: 1, output: 'o' },
    ],
    'task.attempt.failed': [
      {
        type: 'task.attempt.failed',
        taskId: id,
        agentId: 'coder',
        attempt: 2,
        durationMs: 1,
        failureClass: 'reassign',
        message: 'x',
        next: 'reassign',
      },
    ],
    'task.waited': [
      { type: 'task.waited', taskId: id, attempt: 2, kind: 'lock', startedAt: 1, durationMs: 2, detail: 'src/a.ts' },
    ],
    'task.failed': [{ type: 'task.failed', taskId: id, message: 'gave up' }],
    'task.skipped': [{ type: 'task.skipped', taskId: id, blockedBy: 'a', reason: 'a failed' }],
    'task.cancelled': [{ type: 'task.cancelled', taskId: id, attempt: 2 }],
    'usage.recorded': [
      { type: 'usage.recorded', taskId: id, provider: 'openai', model: 'm', usage },
      { type: 'usage.recorded', provider: 'openai', model: 'm', usage },
    ],
    'finding.reported': [{ type: 'finding.reported', finding: finding(id) }],
    'budget.exceeded': [
      { type: 'budget.exceeded', taskId: id, limit: 'tokens', max: 1, used: 2, requested: 3 },
      { type: 'budget.exceeded', limit: 'cost', max: 1, used: 2, requested: 3 },
    ],
    'run.paused': [{ type: 'run.paused', reason: 'budget' }],
    'run.resumed': [{ type: 'run.resumed', budget: { maxTokens: 5 } }],
    'run.completed': [
      {
        type: 'run.completed',
        status: 'failed',
        counts: { pending: 0, running: 0, succeeded: 0, failed: 1, skipped: 2, cancelled: 0 },
      },
    ],
    'approval.requested': [
      {
        type: 'approval.requested',
        taskId: id,
        approvalId: `ap-${id}`,
        kind: 'edit',
        path: 'a.ts',
        summary: 's',
        protected: false,
      },
    ],
    'approval.decided': [
      { type: 'approval.decided', taskId: id, approvalId: `ap-${id}`, decision: 'accepted', by: 'user' },
    ],
    'edit.applied': [{ type: 'edit.applied', taskId: id, approvalId: `ap-${id}`, path: `${id}.ts` }],
    'verification.completed': [
      {
        type: 'verification.completed',
        taskId: id,
        name: 'npm test',
        exitCode: 0,
        verdict: 'pass',
        counts: { major: 0, medium: 0, minor: 0 },
        durationMs: 1,
        key: 'test',
        outcome: {
          step: 'npm test',
          findings: [],
          exitCode: 0,
          output: '',
          durationMs: 1,
          verdict: 'pass',
          counts: { major: 0, medium: 0, minor: 0 },
          reasons: [],
        },
      },
    ],
    'verification.baseline': [{ type: 'verification.baseline', checks: [] }],
    'run.gate': [{ type: 'run.gate', round: 1, passed: false, checks: [] }],
    'checkpoint.taken': [{ type: 'checkpoint.taken', taskId: id, checkpointId: 'cp', ref: 'refs/x' }],
    'review.accepted': [{ type: 'review.accepted', path: 'a.ts', hunkId: 'h1' }],
    'review.reverted': [{ type: 'review.reverted', path: 'a.ts' }],
    'context.changed': [{ type: 'context.changed', key: 'k', scope: 'shared', value: 1 }],
    'message.sent': [{ type: 'message.sent', id: `m-${id}`, from: 'coder', to: '*', topic: 't', body: {} }],
    'message.read': [{ type: 'message.read', agentId: 'tester', ids: ['m-a'] }],
    log: [{ type: 'log', level: 'info', message: 'hi', taskId: id }],
    'span.started': [{ type: 'span.started', spanId: 's', name: 'n' }],
    'span.ended': [{ type: 'span.ended', spanId: 's', name: 'n', durationMs: 1, status: 'ok' }],
    metrics: [{ type: 'metrics', counters: { c: 1 }, histograms: {} }],
  };
}

const allSamples = (id: string): Array<Body<RunEventType>> => Object.values(samples(id)).flat();

/** A run with a plan of a, b (depends on a) and c (depends on a): a failed, b and c skipped because of it. */
function baseState(): { state: RunState; b: EventBuilder } {
  const b = new EventBuilder('r1');
  const state = emptyRunState('r1');
  const events = [
    b.next({ type: 'run.created', goal: 'g', dryRun: false, budget: {} }),
    b.next({ type: 'plan.ready', plan: plan(['a', 'b', 'c']) }),
    b.next({ type: 'task.started', taskId: 'a', agentId: 'coder', attempt: 1 }),
    b.next({ type: 'task.failed', taskId: 'a', message: 'gave up' }),
    b.next({ type: 'task.skipped', taskId: 'b', blockedBy: 'a', reason: 'a failed' }),
    b.next({ type: 'task.skipped', taskId: 'c', blockedBy: 'a', reason: 'a failed' }),
  ];
  for (const e of events) applyRunEvent(state, e);
  return { state, b };
}

const taskTexts = (state: RunState): Map<string, string> =>
  new Map(Object.entries(state.tasks).map(([id, t]) => [id, JSON.stringify(t)]));

describe('store/snapshotSerializer: snapshots reuse the JSON of tasks no event changed since the last one', () => {
  it('knows every event type, and no other', () => {
    for (const sample of allSamples('a')) assert.ok(isKnownEventType(sample.type), sample.type);
    assert.equal(isKnownEventType('future.event'), false);
    assert.equal(isKnownEventType('toString'), false);
  });

  it('folding an event changes no task but the one tasksTouchedBy names (every type, on a run with dependents)', () => {
    let checked = 0;
    for (const id of ['a', 'b']) {
      for (const sample of allSamples(id)) {
        const { state, b } = baseState();
        const before = taskTexts(state);
        const event = b.next(sample as never);
        applyRunEvent(state, event);
        const touched = tasksTouchedBy(event);
        if (touched === ALL_TASKS) continue;
        for (const [taskId, text] of taskTexts(state)) {
          if (taskId === touched) continue;
          assert.equal(text, before.get(taskId), `${event.type} about ${id} changed task ${taskId}`);
        }
        checked++;
      }
    }
    assert.ok(checked > 60, `only ${checked} samples were checked`);
  });

  it('an incremental snapshot is byte for byte the snapshot a fresh serializer makes, through a long random run', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const { state, b } = baseState();
    const incremental = new SnapshotSerializer();
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const options = allSamples(ids[random(ids.length)]!);
      const event: RunEvent = b.next(options[random(options.length)]! as never);
      applyRunEvent(state, event);
      incremental.noteEvent(event);
      if (i % 3 !== 2) continue;
      const expected = new SnapshotSerializer().serialize(state, i, 1000);
      assert.deepEqual(incremental.serialize(state, i, 1000), expected, `after event ${event.seq} (${event.type})`);
      compared++;
    }
    assert.equal(compared, 200);
  });

  it('reuses the JSON of tasks no event named, and serialises a replaced task object again', () => {
    const b = new EventBuilder('r1');
    const state = emptyRunState('r1');
    applyRunEvent(state, b.next({ type: 'plan.ready', plan: plan(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) }));
    const serializer = new SnapshotSerializer();
    serializer.serialize(state, 0, 1); // few tasks changed: every task's JSON is kept from here on
    // Changed without an event (never done outside the fold): the kept JSON shows the change is not seen...
    state.tasks.b!.failure = 'changed in place';
    const event = b.next({ type: 'task.started', taskId: 'c', agentId: 'coder', attempt: 1 });
    applyRunEvent(state, event);
    serializer.noteEvent(event);
    const reused = serializer.serialize(state, 0, 1).toString('utf8');
    assert.doesNotMatch(reused, /changed in place/);
    assert.match(reused, /"c":\{"id":"c","status":"running"/);
    // ...while a replaced task object is never taken from the cache.
    state.tasks.a = { ...state.tasks.a!, summary: 'replaced' };
    assert.match(serializer.serialize(state, 0, 1).toString('utf8'), /"summary":"replaced"/);
    state.tasks.a = { ...state.tasks.a, summary: 'replaced twice' };
    assert.match(serializer.serialize(state, 0, 1).toString('utf8'), /"summary":"replaced twice"/);
  });

  it('serialises all tasks in one pass when most of them changed, with the same bytes', () => {
    const { state, b } = baseState();
    const serializer = new SnapshotSerializer();
    serializer.serialize(state, 0, 1);
    serializer.serialize(state, 0, 1);
    for (const taskId of ['a', 'b']) {
      const event = b.next({ type: 'task.started', taskId, agentId: 'coder', attempt: 2 });
      applyRunEvent(state, event);
      serializer.noteEvent(event);
    }
    assert.deepEqual(serializer.serialize(state, 0, 1), new SnapshotSerializer().serialize(state, 0, 1));
  });
});
