import assert from 'node:assert/strict';
import { RunLogger } from '../../../src/core/observe/runLogger';
import type { RunEventBody } from '../../../src/core/model/runEvents';

function setup(options: ConstructorParameters<typeof RunLogger>[1] = {}) {
  const events: RunEventBody[] = [];
  return { events, log: new RunLogger((e) => events.push(e), options) };
}

describe('RunLogger', () => {
  it('drops entries below minLevel', () => {
    const { events, log } = setup({ minLevel: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    assert.deepEqual(
      events.map((e) => (e.type === 'log' ? `${e.level}:${e.message}` : e.type)),
      ['warn:w', 'error:e'],
    );
    assert.equal(log.isEnabled('info'), false);
  });

  it('defaults to info and omits empty fields', () => {
    const { events, log } = setup();
    log.debug('hidden');
    log.info('shown');
    assert.deepEqual(events, [{ type: 'log', level: 'info', message: 'shown' }]);
  });

  it('merges child fields over the parent and moves taskId onto the event', () => {
    const { events, log } = setup({ fields: { runPhase: 'execute', agent: 'root' } });
    const child = log.child({ taskId: 't7', agent: 'coder' });
    child.info('started', { attempt: 2 });
    log.info('parent');
    assert.deepEqual(events, [
      {
        type: 'log',
        level: 'info',
        message: 'started',
        taskId: 't7',
        fields: { runPhase: 'execute', agent: 'coder', attempt: 2 },
      },
      { type: 'log', level: 'info', message: 'parent', fields: { runPhase: 'execute', agent: 'root' } },
    ]);
  });

  it('sanitises fields to JSON: drops functions, turns Errors into their message, cuts cycles', () => {
    const { events, log } = setup();
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic.self = cyclic;
    log.error('failed', {
      err: new Error('disk full'),
      callback: () => 1,
      missing: undefined,
      big: 10n,
      ratio: Number.POSITIVE_INFINITY,
      when: new Date(0),
      cyclic,
      nested: { list: [1, () => 2, new Error('inner')] },
    });
    const e = events[0];
    assert.ok(e?.type === 'log');
    assert.deepEqual(e.fields, {
      err: 'disk full',
      big: '10',
      ratio: 'Infinity',
      when: '1970-01-01T00:00:00.000Z',
      cyclic: { name: 'c', self: '[Circular]' },
      nested: { list: [1, null, 'inner'] },
    });
  });

  it('keeps secrets out of logs', () => {
    const { events, log } = setup();
    log.warn('key sk-abcdefghijklmnopqrstuvwx rejected', {
      apiKey: 'anything',
      headers: { Authorization: 'Bearer x' },
      note: 'used sk-ant-0123456789abcdefghij',
    });
    const e = events[0];
    assert.ok(e?.type === 'log');
    assert.equal(e.message, 'key [redacted] rejected');
    assert.deepEqual(e.fields, {
      apiKey: '[redacted]',
      headers: { Authorization: '[redacted]' },
      note: 'used [redacted]',
    });
  });

  it('refuses an unknown level', () => {
    assert.throws(() => setup({ minLevel: 'verbose' as never }), /Unknown log level "verbose"/);
  });
});
