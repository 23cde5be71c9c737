import assert from 'node:assert/strict';
import { modelTimeBoundMs } from '../../bench/endToEndBench';
import { phaseBreakdown, type PhaseEvent, type PhaseRequest } from '../../bench/endToEndPhases';
import type { ScriptedTask } from '../../support/scriptedTeam';

const SIX: ScriptedTask[] = [
  { id: 'a', title: 'a' },
  { id: 'b', title: 'b' },
  { id: 'c', title: 'c' },
  { id: 'd', title: 'd', dependencies: ['a', 'b'] },
  { id: 'e', title: 'e', dependencies: ['c'] },
  { id: 'f', title: 'f', dependencies: ['d', 'e'] },
];

describe('bench/end to end: the model-time bound and the phase breakdown', () => {
  it('bounds a run by the planner turn plus the longest chain of task turns, times the latency', () => {
    // a|b|c (2 turns each), then d|e, then f: three tasks deep, 6 turns, plus one planner turn.
    assert.equal(
      modelTimeBoundMs(SIX, () => 2, 1, 300),
      2100,
    );
    // Width does not count: 16 independent two-turn tasks take two turns after the planner's.
    const sixteen = Array.from({ length: 16 }, (_, i) => ({ id: `p${i}`, title: `p${i}` }));
    assert.equal(
      modelTimeBoundMs(sixteen, () => 2, 1, 300),
      900,
    );
    // A task that needed a third turn lengthens its chain only.
    assert.equal(
      modelTimeBoundMs(SIX, (id) => (id === 'e' ? 3 : 2), 1, 100),
      800,
    );
  });

  it('a checkpoint taken during the first turn leaves no wait after the reply', () => {
    const events: PhaseEvent[] = [
      { type: 'run.created', at: 100 },
      { type: 'run.phase', at: 470, phase: 'execute' },
      { type: 'task.started', at: 480, taskId: 'x' },
      { type: 'checkpoint.taken', at: 600, taskId: 'x' },
      { type: 'task.succeeded', at: 1150, taskId: 'x' },
      { type: 'run.completed', at: 1155 },
    ];
    const requests: PhaseRequest[] = [
      { taskId: undefined, receivedAt: 150, finishedAt: 450 },
      { taskId: 'x', receivedAt: 500, finishedAt: 800 },
      { taskId: 'x', receivedAt: 840, finishedAt: 1140 },
    ];
    const rows = phaseBreakdown({ spawnAt: 0, exitAt: 1200, events, requests }, [{ id: 'x', title: 'x' }]);
    const byName = new Map(rows);
    assert.equal(byName.get('first reply → checkpoint taken (git, if still running)'), 0);
    assert.equal(byName.get('→ next request (approval, edit, store)'), 40);
    assert.equal(
      rows.reduce((sum, [, ms]) => sum + ms, 0),
      1200,
    );
  });

  it('splits the wall time along the critical chain into phases that add up to it', () => {
    const events: PhaseEvent[] = [];
    const requests: PhaseRequest[] = [{ taskId: undefined, receivedAt: 150, finishedAt: 450 }];
    const ev = (type: string, at: number, extra: Partial<PhaseEvent> = {}): number =>
      events.push({ type, at, ...extra });
    ev('run.created', 100);
    ev('run.phase', 470, { phase: 'execute' });
    // x, then y after it: each starts, asks, gets a checkpoint, asks again, succeeds.
    let t = 470;
    for (const id of ['x', 'y']) {
      ev('task.started', (t += 10), { taskId: id });
      requests.push({ taskId: id, receivedAt: (t += 20), finishedAt: (t += 300) });
      ev('checkpoint.taken', (t += 40), { taskId: id });
      requests.push({ taskId: id, receivedAt: (t += 15), finishedAt: (t += 300) });
      ev('task.succeeded', (t += 5), { taskId: id });
    }
    ev('run.completed', (t += 2));
    const rows = phaseBreakdown({ spawnAt: 0, exitAt: t + 30, events, requests }, [
      { id: 'x', title: 'x' },
      { id: 'y', title: 'y', dependencies: ['x'] },
    ]);
    const byName = new Map(rows);
    assert.equal(byName.get('CLI start → run.created'), 100);
    assert.equal(byName.get('planner model turns'), 300);
    assert.equal(byName.get('model turns'), 1200);
    assert.equal(byName.get('first reply → checkpoint taken (git, if still running)'), 80);
    assert.equal(byName.get('→ next request (approval, edit, store)'), 30);
    assert.equal(byName.get('run.completed → process exit'), 30);
    assert.equal(
      rows.reduce((sum, [, ms]) => sum + ms, 0),
      t + 30,
      'the phases account for the whole wall time',
    );
  });
});
