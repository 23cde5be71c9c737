import assert from 'node:assert/strict';
import { Metrics } from '../../../src/core/observe/metrics';
import type { RunEventBody } from '../../../src/core/model/runEvents';

function setup() {
  const events: RunEventBody[] = [];
  return { events, metrics: new Metrics((e) => events.push(e)) };
}

describe('Metrics', () => {
  it('counts and summarises histograms', () => {
    const { metrics } = setup();
    metrics.counter('model.calls').add();
    metrics.counter('model.calls').add(2);
    const latency = metrics.histogram('model.latencyMs');
    for (const v of [120, 80, 300]) latency.record(v);
    assert.deepEqual(metrics.snapshot(), {
      counters: { 'model.calls': 3 },
      histograms: { 'model.latencyMs': { count: 3, sum: 500, min: 80, max: 300 } },
    });
  });

  it('flush emits one metrics event with everything, and nothing when nothing changed', () => {
    const { events, metrics } = setup();
    assert.equal(metrics.flush(), false);
    metrics.counter('a').add(1);
    metrics.histogram('h').record(5);
    assert.equal(metrics.flush(), true);
    assert.equal(metrics.flush(), false);
    metrics.counter('a').add(0);
    assert.equal(metrics.flush(), false, 'adding zero changes nothing');
    metrics.counter('b').add(4);
    metrics.flush();
    assert.deepEqual(events, [
      { type: 'metrics', counters: { a: 1 }, histograms: { h: { count: 1, sum: 5, min: 5, max: 5 } } },
      { type: 'metrics', counters: { a: 1, b: 4 }, histograms: { h: { count: 1, sum: 5, min: 5, max: 5 } } },
    ]);
  });

  it('snapshots are copies', () => {
    const { metrics } = setup();
    metrics.histogram('h').record(1);
    const snap = metrics.snapshot();
    const h = snap.histograms.h;
    assert.ok(h);
    h.count = 99;
    assert.equal(metrics.snapshot().histograms.h?.count, 1);
  });

  it('refuses negative counts, non-finite observations and empty names', () => {
    const { metrics } = setup();
    assert.throws(() => metrics.counter('c').add(-1), /can only grow.*use a histogram/);
    assert.throws(() => metrics.histogram('h').record(Number.NaN), /needs a finite number/);
    assert.throws(() => metrics.counter(''), /non-empty name/);
  });
});
