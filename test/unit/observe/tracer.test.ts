import assert from 'node:assert/strict';
import { Tracer } from '../../../src/core/observe/tracer';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { ManualClock } from '../../support/manualClock';

function setup() {
  const clock = new ManualClock(500);
  const events: RunEventBody[] = [];
  let n = 0;
  const tracer = new Tracer(
    (e) => events.push(e),
    clock,
    () => `s${++n}`,
  );
  return { clock, events, tracer };
}

describe('Tracer', () => {
  it('emits span.started with parent id and attributes, and span.ended with the duration', async () => {
    const { clock, events, tracer } = setup();
    const run = tracer.startSpan('run');
    const task = tracer.startSpan('task', { parentId: run.id, attributes: { taskId: 't1', fn: () => 1 } });
    await clock.advance(250);
    task.end();
    await clock.advance(50);
    run.end('error');
    assert.deepEqual(events, [
      { type: 'span.started', spanId: 's1', name: 'run' },
      { type: 'span.started', spanId: 's2', parentId: 's1', name: 'task', attributes: { taskId: 't1' } },
      { type: 'span.ended', spanId: 's2', name: 'task', durationMs: 250, status: 'ok' },
      { type: 'span.ended', spanId: 's1', name: 'run', durationMs: 300, status: 'error' },
    ]);
    assert.equal(task.parentId, 's1');
  });

  it('ends a span exactly once', async () => {
    const { clock, events, tracer } = setup();
    const span = tracer.startSpan('model.call');
    span.end('cancelled');
    await clock.advance(10);
    span.end('ok');
    assert.equal(span.ended, true);
    assert.deepEqual(
      events.filter((e) => e.type === 'span.ended'),
      [{ type: 'span.ended', spanId: 's1', name: 'model.call', durationMs: 0, status: 'cancelled' }],
    );
  });

  it('withSpan ends ok on return, error on throw, cancelled on abort, and rethrows', async () => {
    const { clock, events, tracer } = setup();
    const value = await tracer.withSpan('ok', async () => {
      await clock.sleep(0);
      return 42;
    });
    assert.equal(value, 42);
    await assert.rejects(
      tracer.withSpan('bad', () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    const aborted = new Error('stopped');
    aborted.name = 'AbortError';
    await assert.rejects(
      tracer.withSpan('stop', () => Promise.reject(aborted), { parentId: 'p' }),
      /stopped/,
    );
    assert.deepEqual(
      events
        .filter((e) => e.type === 'span.ended')
        .map((e) => (e.type === 'span.ended' ? `${e.name}:${e.status}` : '')),
      ['ok:ok', 'bad:error', 'stop:cancelled'],
    );
    assert.ok(events.some((e) => e.type === 'span.started' && e.name === 'stop' && e.parentId === 'p'));
  });

  it('hands the span to the function so it can parent children', async () => {
    const { events, tracer } = setup();
    await tracer.withSpan('task', (span) => tracer.withSpan('tool', () => undefined, { parentId: span.id }));
    assert.deepEqual(events[1], { type: 'span.started', spanId: 's2', parentId: 's1', name: 'tool' });
  });

  it('refuses a span without a name', () => {
    const { tracer } = setup();
    assert.throws(() => tracer.startSpan(''), /non-empty name/);
  });
});
