import assert from 'node:assert/strict';
import { MessageBus } from '../../../src/core/context/messageBus';
import type { RunEventBody } from '../../../src/core/model/runEvents';

function setup(inboxLimit?: number) {
  const events: RunEventBody[] = [];
  let n = 0;
  const bus = new MessageBus(
    (e) => events.push(e),
    () => `m${++n}`,
    inboxLimit === undefined ? {} : { inboxLimit },
  );
  return { bus, events };
}

describe('MessageBus', () => {
  it('delivers direct messages FIFO and emits message.sent', () => {
    const { bus, events } = setup();
    assert.equal(bus.send({ from: 'planner', to: 'coder', topic: 'task', body: { n: 1 } }), 'm1');
    bus.send({ from: 'tester', to: 'coder', topic: 'task', body: { n: 2 } });
    assert.deepEqual(
      bus.receive('coder').map((m) => [m.id, m.from, m.body]),
      [
        ['m1', 'planner', { n: 1 }],
        ['m2', 'tester', { n: 2 }],
      ],
    );
    assert.deepEqual(bus.receive('coder'), [], 'receive drains the inbox');
    assert.deepEqual(events[0], {
      type: 'message.sent',
      id: 'm1',
      from: 'planner',
      to: 'coder',
      topic: 'task',
      body: { n: 1 },
    });
  });

  it('broadcasts to every known agent except the sender', () => {
    const { bus } = setup();
    bus.register('coder');
    bus.register('tester');
    bus.send({ from: 'planner', to: '*', topic: 'plan-ready', body: null });
    assert.equal(bus.receive('coder').length, 1);
    assert.equal(bus.receive('tester').length, 1);
    assert.equal(bus.receive('planner').length, 0);
  });

  it('filters by topic, leaving other messages in order', () => {
    const { bus } = setup();
    bus.send({ from: 'a', to: 'b', topic: 'x', body: 1 });
    bus.send({ from: 'a', to: 'b', topic: 'y', body: 2 });
    bus.send({ from: 'a', to: 'b', topic: 'x', body: 3 });
    assert.deepEqual(
      bus.peek('b', { topic: 'y' }).map((m) => m.body),
      [2],
    );
    assert.deepEqual(
      bus.receive('b', { topic: 'x' }).map((m) => m.body),
      [1, 3],
    );
    assert.deepEqual(
      bus.peek('b').map((m) => m.body),
      [2],
    );
    assert.deepEqual(
      bus.receive('b').map((m) => m.body),
      [2],
    );
  });

  it('bounds each inbox and refuses a send whole when any recipient is full', () => {
    const { bus, events } = setup(2);
    bus.register('c');
    bus.send({ from: 'a', to: 'b', topic: 't', body: 1 });
    bus.send({ from: 'a', to: 'b', topic: 't', body: 2 });
    assert.throws(
      () => bus.send({ from: 'a', to: 'b', topic: 't', body: 3 }),
      /inbox of "b" is full \(2 unread\)\. "b" must receive its messages/,
    );
    assert.throws(() => bus.send({ from: 'a', to: '*', topic: 't', body: 4 }), /inbox of "b" is full/);
    assert.equal(bus.peek('c').length, 0, 'a refused broadcast reaches nobody');
    assert.equal(events.length, 2);
    bus.receive('b');
    bus.send({ from: 'a', to: 'b', topic: 't', body: 5 });
  });

  it('copies bodies, so a sender or reader cannot change what others see', () => {
    const { bus } = setup();
    bus.register('c');
    const body = { list: [1] };
    bus.send({ from: 'a', to: '*', topic: 't', body });
    body.list.push(2);
    const first = bus.receive('a');
    assert.equal(first.length, 0);
    const [msg] = bus.receive('c');
    assert.deepEqual(msg?.body, { list: [1] });
  });

  it('notifies listeners on delivery until disposed; a throwing listener is logged, not fatal', () => {
    const { bus, events } = setup();
    const seen: string[] = [];
    const sub = bus.onMessage('b', (m) => seen.push(m.topic));
    bus.onMessage('b', () => {
      throw new Error('listener bug');
    });
    bus.send({ from: 'a', to: 'b', topic: 'one', body: 1 });
    sub.dispose();
    bus.send({ from: 'a', to: 'b', topic: 'two', body: 2 });
    assert.deepEqual(seen, ['one']);
    assert.equal(bus.peek('b').length, 2, 'messages stay in the inbox');
    assert.ok(
      events.some(
        (e) => e.type === 'log' && e.level === 'warn' && /listener of agent "b" threw: listener bug/.test(e.message),
      ),
    );
  });

  it('rejects malformed messages with a clear error', () => {
    const { bus } = setup();
    assert.throws(() => bus.send({ from: '', to: 'b', topic: 't', body: 1 }), /"from" must be the sending agent id/);
    assert.throws(
      () => bus.send({ from: 'a', to: 'b', topic: 't', body: (() => 1) as never }),
      /body of message "t" from "a" is not JSON/,
    );
    assert.throws(() => bus.receive('*'), /broadcast address, not an agent id/);
  });
});
