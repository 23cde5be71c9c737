import assert from 'node:assert/strict';
import { renderState } from '../../../src/cli/showCommand';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

const waited = (taskId: string, kind: 'lock' | 'rateLimit', durationMs: number): RunEventBody => ({
  type: 'task.waited',
  taskId,
  attempt: 1,
  kind,
  startedAt: 0,
  durationMs,
});

describe('agent-orchestrator show: waits', () => {
  it('sums the recorded waits by kind in one line', () => {
    const b = new EventBuilder('run-w');
    const events = [
      b.created('g'),
      b.planReady([
        { id: 'a', title: 'A' },
        { id: 'b', title: 'B' },
      ]),
      b.next(waited('b', 'lock', 2000)),
      b.taskStarted('b'),
      b.next(waited('b', 'rateLimit', 1000)),
      b.next(waited('a', 'rateLimit', 500)),
    ];
    const text = renderState(foldEvents('run-w', events), false, Date.now());
    assert.match(text, /^Waited: {3}file locks 2s, rate limits 1\.5s$/m);
  });

  it('prints no wait line for a run that never waited, as before', () => {
    const b = new EventBuilder('run-q');
    const text = renderState(foldEvents('run-q', [b.created('g'), b.planReady([{ id: 'a', title: 'A' }])]), false, 0);
    assert.doesNotMatch(text, /Waited/);
  });
});
