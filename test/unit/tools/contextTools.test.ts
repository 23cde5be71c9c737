import * as assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { MessageBus } from '../../../src/core/context/messageBus';
import { SharedContext } from '../../../src/core/context/sharedContext';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { FINISH_TOOL, isFinishTaskArgs } from '../../../src/core/tools/finishTaskTool';
import { createToolHarness, fakeTask } from './toolHarness';
import type { ToolHarness } from './toolHarness';

describe('context, message and finish tools', () => {
  let h: ToolHarness;
  let emitted: RunEventBody[];
  let context: SharedContext;
  let bus: MessageBus;
  beforeEach(async () => {
    h = await createToolHarness();
    emitted = [];
    context = new SharedContext(systemClock, (e) => emitted.push(e));
    bus = new MessageBus((e) => emitted.push(e));
  });
  afterEach(() => h.cleanup());

  it('sets and gets shared, private and temporary values as each agent sees them', async () => {
    const coder = fakeTask({ agentId: 'coder', context, bus });
    const tester = fakeTask({ agentId: 'tester', context, bus });
    assert.equal(
      (await h.call(coder, 'context_set', { key: 'api', value: { port: 8080 } })).content,
      'Stored "api" (shared).',
    );
    assert.equal(
      (await h.call(coder, 'context_set', { key: 'note', value: 'mine', scope: 'private' })).content,
      'Stored "note" (private).',
    );
    assert.equal(
      (await h.call(coder, 'context_set', { key: 'lock', value: true, ttlSeconds: 60 })).content,
      'Stored "lock" (temporary).',
    );
    assert.equal((await h.call(tester, 'context_get', { key: 'api' })).content, '{"port":8080}');
    assert.equal((await h.call(tester, 'context_get', { key: 'lock' })).content, 'true');
    assert.equal(
      (await h.call(tester, 'context_get', { key: 'note' })).content,
      'Nothing is stored under "note". Keys you can read: api, lock.',
    );
    assert.equal((await h.call(coder, 'context_get', { key: 'note' })).content, '"mine"');
    const lock = emitted.find((e) => e.type === 'context.changed' && e.key === 'lock');
    assert.ok(lock?.type === 'context.changed' && lock.scope === 'temporary' && typeof lock.expiresAt === 'number');
  });

  it('answers bad context arguments with error results', async () => {
    const task = fakeTask({ context, bus });
    const noTtl = await h.call(task, 'context_set', { key: 'x', value: 1, scope: 'temporary' });
    assert.deepEqual(noTtl, { isError: true, content: 'A temporary entry needs ttlSeconds.' });
    const missing = await h.call(task, 'context_set', { key: 'x' });
    assert.equal(missing.isError, true);
    assert.match(missing.content, /value: a value is required/);
    const huge = await h.call(task, 'context_set', { key: 'x', value: 'y'.repeat(2_000_000) });
    assert.equal(huge.isError, true);
    assert.match(huge.content, /the limit is/);
  });

  it('sends and reads messages by topic, sending an identical message once per task', async () => {
    bus.register('tester');
    const coder = fakeTask({ agentId: 'coder', context, bus });
    const tester = fakeTask({ agentId: 'tester', context, bus });
    const sent = await h.call(coder, 'send_message', { to: 'tester', topic: 'api', body: { ready: true } });
    assert.match(sent.content, /^Sent message \S+ to tester about "api"\.$/);
    await h.call(coder, 'send_message', { to: 'tester', topic: 'api', body: { ready: true } });
    await h.call(coder, 'send_message', { to: '*', topic: 'status', body: 'half done' });
    const resumed = fakeTask({ agentId: 'coder', context, bus, journal: coder.journal, attempt: 2 });
    await h.call(resumed, 'send_message', { to: 'tester', topic: 'api', body: { ready: true } });
    assert.equal(emitted.filter((e) => e.type === 'message.sent').length, 2);
    const api = await h.call(tester, 'read_messages', { topic: 'api' });
    assert.match(api.content, /^\[\S+\] from coder about "api": \{"ready":true\}$/);
    const rest = await h.call(tester, 'read_messages', {});
    assert.match(rest.content, /^\[\S+\] from coder about "status": "half done"$/);
    assert.equal((await h.call(tester, 'read_messages', {})).content, 'No messages are waiting.');
  });

  it('finish_task returns a marker the loop recognises, and the guard checks its arguments', async () => {
    const result = await h.call(fakeTask(), FINISH_TOOL, {
      summary: 'Added the endpoint.',
      output: { files: ['a.ts'] },
    });
    assert.deepEqual(result, { content: 'Task finished.', data: { finished: true, summary: 'Added the endpoint.' } });
    assert.equal(isFinishTaskArgs({ summary: 'done', output: [1, 'two'] }), true);
    assert.equal(isFinishTaskArgs({ summary: 'done' }), true);
    assert.equal(isFinishTaskArgs({ summary: '  ' }), false);
    assert.equal(isFinishTaskArgs({ summary: 'done', extra: 1 }), false);
    assert.equal(isFinishTaskArgs({ summary: 'done', output: 1n }), false);
    assert.equal(isFinishTaskArgs('done'), false);
  });

  it('lets a policy rule switch off a context tool', async () => {
    const denied = await createToolHarness({
      rules: [{ effect: 'deny', tool: 'send_message', reason: 'agents work alone here' }],
    });
    try {
      const result = await denied.call(fakeTask({ context, bus }), 'send_message', { to: 'x', topic: 't', body: 1 });
      assert.equal(result.isError, true);
      assert.match(result.content, /Using send_message is not allowed: .*agents work alone here/);
      assert.equal(emitted.length, 0);
    } finally {
      await denied.cleanup();
    }
  });
});
