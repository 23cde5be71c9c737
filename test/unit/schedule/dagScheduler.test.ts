import assert from 'node:assert/strict';
import { DagScheduler } from '../../../src/core/schedule/dagScheduler';
import { ReadyQueue } from '../../../src/core/schedule/readyQueue';
import { validatePlan } from '../../../src/core/plan/validatePlan';
import { plan, task } from '../../support/planBuilders';

function graphOf(input: ReturnType<typeof plan>) {
  const v = validatePlan(input, { maxTasks: 1000 });
  if (!v.ok) throw new Error(v.issues.map((i) => i.message).join());
  return v.graph;
}

function takeAll(s: DagScheduler): string[] {
  return s.offer(() => 'take').map((i) => s.graph.tasks[i]!.id);
}

describe('ReadyQueue', () => {
  it('pops in comparator order and ignores duplicates', () => {
    const q = new ReadyQueue((a, b) => a < b);
    [5, 3, 9, 1, 3, 7].forEach((n) => q.push(n));
    const out: number[] = [];
    for (let x = q.pop(); x !== undefined; x = q.pop()) out.push(x);
    assert.deepEqual(out, [1, 3, 5, 7, 9]);
  });
});

describe('DagScheduler', () => {
  it('orders the ready set by critical-path length, then priority, then plan order', () => {
    const g = graphOf(
      plan([
        task('lowShort', { priority: 10 }),
        task('highShort', { priority: 90 }),
        task('long1'),
        task('long2', { dependencies: ['long1'] }),
        task('long3', { dependencies: ['long2'] }),
        task('tieA'),
        task('tieB'),
      ]),
    );
    const s = new DagScheduler(g);
    assert.deepEqual(takeAll(s), ['long1', 'highShort', 'tieA', 'tieB', 'lowShort']);
  });

  it('releases dependents only when all their dependencies succeeded', () => {
    const s = new DagScheduler(graphOf(plan([task('a'), task('b'), task('c', { dependencies: ['a', 'b'] })])));
    takeAll(s);
    assert.deepEqual(s.succeed(0), []);
    assert.deepEqual(s.succeed(1), [2]);
    assert.equal(s.stateOf(2), 'ready');
  });

  it('skips everything downstream of a failure, and only that', () => {
    const s = new DagScheduler(
      graphOf(plan([task('a'), task('b', { dependencies: ['a'] }), task('c', { dependencies: ['b'] }), task('d')])),
    );
    takeAll(s);
    assert.deepEqual(s.fail(0).sort(), [1, 2]);
    assert.equal(s.stateOf(3), 'running');
    s.succeed(3);
    assert.ok(s.finished);
  });

  it('keeps skipped candidates ready and stops a pass on request', () => {
    const s = new DagScheduler(graphOf(plan([task('a'), task('b'), task('c')])));
    let seen = 0;
    const taken = s.offer((i) => (++seen === 1 ? 'skip' : i === 1 ? 'take' : 'stop'));
    assert.deepEqual(taken, [1]);
    assert.equal(s.count('ready'), 2);
  });

  it('rebuilds from recovered statuses: done stays done, downstream of failed is skipped', () => {
    const g = graphOf(
      plan([task('a'), task('b', { dependencies: ['a'] }), task('x'), task('y', { dependencies: ['x'] }), task('z')]),
    );
    const s = new DagScheduler(g, (id) => (id === 'a' ? 'succeeded' : id === 'x' ? 'failed' : 'pending'));
    assert.equal(s.stateOf(0), 'succeeded');
    assert.equal(s.stateOf(1), 'ready');
    assert.equal(s.stateOf(3), 'skipped');
    assert.deepEqual(takeAll(s).sort(), ['b', 'z']);
  });

  it('delays, holds and requeues', () => {
    const s = new DagScheduler(graphOf(plan([task('a'), task('b')])));
    takeAll(s);
    s.delay(0);
    s.hold(1);
    assert.equal(s.idle, false, 'a delayed task keeps the run busy');
    s.requeue(0);
    assert.deepEqual(takeAll(s), ['a']);
    assert.deepEqual(s.releaseHeld(), [1]);
    assert.equal(s.stateOf(1), 'ready');
  });
});
