import assert from 'node:assert/strict';
// @ts-expect-error TS1479: webview/ is an ES module package; tsx loads it here through require(esm) at run time.
import { EMPTY_PANEL_STATE, MAX_LOG_LINES, reducePanelState } from '../../../webview/panelState.js';
// @ts-expect-error TS1479: as above.
import { criticalPath, neighbours } from '../../../webview/graph/layoutGraph.js';
import { logLines, RUN_ID, snapshot, taskView } from '../../webview/support/panelBuilders';

describe('webview panel state', () => {
  it('replaces everything on a snapshot and relayouts only when the shape changes', () => {
    let s = reducePanelState(EMPTY_PANEL_STATE, snapshot([taskView('a'), taskView('b', ['a'])]));
    assert.equal(s.graph?.tasks.length, 2);
    const shape = s.shapeVersion;
    s = reducePanelState(s, {
      type: 'event',
      runId: RUN_ID,
      event: { kind: 'task', task: taskView('a', [], { status: 'failed' }) },
    });
    assert.equal(s.graph?.tasks[0]?.status, 'failed');
    assert.equal(s.shapeVersion, shape, 'a status change keeps the layout');
    s = reducePanelState(s, { type: 'event', runId: RUN_ID, event: { kind: 'task', task: taskView('c', ['b']) } });
    assert.equal(s.shapeVersion, shape + 1, 'a new task relayouts');
  });

  it('ignores events of another run and caps the log', () => {
    const s0 = reducePanelState(EMPTY_PANEL_STATE, snapshot([taskView('a')]));
    const other = reducePanelState(s0, { type: 'event', runId: 'other', event: { kind: 'run', status: 'failed' } });
    assert.equal(other, s0);
    const s1 = reducePanelState(s0, {
      type: 'event',
      runId: RUN_ID,
      event: { kind: 'log', lines: logLines(MAX_LOG_LINES + 5) },
    });
    assert.equal(s1.logs.length, MAX_LOG_LINES);
    assert.equal(s1.logs[0]?.seq, 6, 'the oldest lines drop off');
  });

  it('finds the critical path by duration and the neighbours along edges', () => {
    const tasks = [
      taskView('a', [], { durationMs: 10 }),
      taskView('b', ['a'], { durationMs: 500 }),
      taskView('c', ['a'], { durationMs: 20 }),
      taskView('d', ['b', 'c'], { durationMs: 10 }),
    ];
    assert.deepEqual([...criticalPath(tasks)].sort(), ['a', 'b', 'd']);
    assert.deepEqual(neighbours(tasks).get('a'), { up: [], down: ['b', 'c'] });
    assert.deepEqual(neighbours(tasks).get('d'), { up: ['b', 'c'], down: [] });
  });
});
