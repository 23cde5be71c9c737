import assert from 'node:assert/strict';
import { MessageBus } from '../../../src/core/context/messageBus';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

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
      recipients: ['coder'],
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

  it('records every read: receive and markRead emit message.read with the ids taken', () => {
    const { bus, events } = setup();
    bus.send({ from: 'a', to: 'b', topic: 'x', body: 1 });
    bus.send({ from: 'a', to: 'b', topic: 'y', body: 2 });
    bus.send({ from: 'a', to: 'b', topic: 'z', body: 3 });
    bus.receive('b', { topic: 'x' });
    assert.equal(bus.markRead('b', ['m3', 'm9']), 1, 'only ids still in the inbox are taken');
    assert.equal(bus.markRead('b', ['m3']), 0);
    bus.receive('b', { topic: 'nothing' });
    assert.deepEqual(
      events.filter((e) => e.type === 'message.read'),
      [
        { type: 'message.read', agentId: 'b', ids: ['m1'] },
        { type: 'message.read', agentId: 'b', ids: ['m3'] },
      ],
      'a read that takes nothing records nothing',
    );
    assert.deepEqual(
      bus.peek('b').map((m) => m.id),
      ['m2'],
    );
  });

  it('the run state folded from its events holds exactly the unread inboxes', () => {
    const { bus, events } = setup();
    bus.register('c');
    bus.send({ from: 'a', to: 'b', topic: 'direct', body: { n: 1 } });
    bus.send({ from: 'a', to: '*', topic: 'all', body: 'hi' });
    bus.receive('c');
    const b = new EventBuilder('run-1');
    const state = foldEvents('run-1', [b.created(), ...events.map((e) => b.next(e))]);
    for (const agent of ['a', 'b', 'c']) assert.deepEqual(state.inboxes[agent], bus.peek(agent), agent);
  });

  it('restores unread inboxes (not read ones) from a folded state, and knows their agents again', () => {
    const first = setup();
    first.bus.register('c');
    first.bus.send({ from: 'a', to: 'b', topic: 'before-pause', body: { ready: true } });
    first.bus.send({ from: 'a', to: 'c', topic: 'already-read', body: 1 });
    first.bus.receive('c');
    const b = new EventBuilder('run-1');
    const state = foldEvents('run-1', [b.created(), ...first.events.map((e) => b.next(e))]);
    const resumed = setup();
    resumed.bus.restore(state.inboxes);
    assert.deepEqual(resumed.events, [], 'restoring records nothing');
    assert.deepEqual(
      resumed.bus.receive('b').map((m) => [m.from, m.topic, m.body]),
      [['a', 'before-pause', { ready: true }]],
    );
    assert.deepEqual(resumed.bus.receive('c'), []);
    resumed.bus.send({ from: 'b', to: '*', topic: 'after', body: null });
    assert.deepEqual(
      ['a', 'c'].map((id) => resumed.bus.peek(id).length),
      [1, 1],
      'a broadcast after the resume reaches the agents known before it',
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
