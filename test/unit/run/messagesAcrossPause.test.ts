import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { taskBrief } from '../../../src/core/agents/taskBrief';
import type { RunHandle } from '../../../src/core/run/orchestrator';
import { RunStore } from '../../../src/core/store/runStore';
import type { Agent } from '../../../src/core/task/agent';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** A plan where `send` (by the sender) runs before `read` (by the reader). */
const sendThenRead = plan([
  task('send', { requiredCapabilities: ['design'] }),
  task('read', { dependencies: ['send'], requiredCapabilities: ['code'] }),
]);

describe('unread messages across pause and resume', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-messages-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** An orchestrator of its own (as after a restart) on the store in `dir`. */
  const orchestratorOn = (agents: Agent[]) =>
    makeHarness({ agents, store: new RunStore({ root: join(dir, 'store') }) });

  it('a message sent before a pause is read after the resume, by an engine that never saw it sent', async () => {
    const run: { handle?: RunHandle } = {};
    const sender = testAgent({ id: 'sender', capabilities: ['design'] }, async (ctx) => {
      ctx.messages.send('reader', 'api-shape', { login: 'POST /login' });
      ctx.messages.send('reader', 'style', 'single quotes');
      run.handle?.pause('paused between send and read');
      return { summary: 'sent' };
    });
    const first = orchestratorOn([sender, testAgent({ id: 'reader', capabilities: ['code'] })]);
    run.handle = first.orchestrator.start({ goal: 'g', plan: sendThenRead });
    const paused = await run.handle.done;
    assert.equal(paused.status, 'paused');
    assert.equal(paused.state.tasks.read?.status, 'pending', 'the reader has not run');
    assert.equal(paused.state.inboxes.reader?.length, 2);

    const briefs: string[] = [];
    const received: unknown[] = [];
    const reader = testAgent({ id: 'reader', capabilities: ['code'] }, async (ctx) => {
      briefs.push(taskBrief(ctx));
      received.push(...ctx.messages.receive('api-shape').map((m) => [m.from, m.body]));
      return { summary: 'read' };
    });
    const second = orchestratorOn([testAgent({ id: 'sender', capabilities: ['design'] }), reader]);
    const resumed = await (await second.orchestrator.resume(paused.runId)).done;
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(received, [['sender', { login: 'POST /login' }]]);
    assert.match(briefs[0]!, /^- \[\S+\] from sender about "api-shape": \{"login":"POST \/login"\}$/m);
    assert.match(briefs[0]!, /^- \[\S+\] from sender about "style": "single quotes"$/m);
    assert.deepEqual(resumed.state.inboxes.reader, [], 'the messages of the brief were read when the task succeeded');
    const { state } = await new RunStore({ root: join(dir, 'store') }).load(paused.runId);
    assert.deepEqual(state.inboxes.reader, [], 'the store agrees');
  });

  it('a message read before the pause is not delivered again after the resume', async () => {
    let handle: RunHandle | undefined;
    const seen: string[][] = [];
    const agents = (): Agent[] => [
      testAgent({ id: 'sender', capabilities: ['design'] }, async (ctx) => {
        ctx.messages.send('reader', 'first', 1);
        return {};
      }),
      testAgent({ id: 'reader', capabilities: ['code'] }, async (ctx) => {
        seen.push([...ctx.unreadMessages.map((m) => m.topic), ...ctx.messages.receive().map((m) => m.topic)]);
        if (ctx.task.id === 'read') handle?.pause('after the first read');
        return {};
      }),
    ];
    const first = orchestratorOn(agents());
    handle = first.orchestrator.start({
      goal: 'g',
      plan: plan([...sendThenRead.tasks, task('again', { dependencies: ['read'], requiredCapabilities: ['code'] })]),
    });
    const paused = await handle.done;
    assert.equal(paused.status, 'paused');
    const second = orchestratorOn(agents());
    handle = undefined;
    const resumed = await (await second.orchestrator.resume(paused.runId)).done;
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(seen, [['first', 'first'], []]);
  });
});
