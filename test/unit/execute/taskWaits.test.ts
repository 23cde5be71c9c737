import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunEvent, RunEventOf } from '../../../src/core/model/runEvents';
import { RunEventSchema } from '../../../src/core/model/runEvents';
import { taskWaitedEvent, MIN_RECORDED_WAIT_MS } from '../../../src/core/model/taskWaits';
import { RunStore } from '../../../src/core/store/runStore';
import { approveEditOnce } from '../../../src/core/tools/approveEditOnce';
import type { ApprovalPort } from '../../../src/core/tools/approvalPort';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import type { TaskContext } from '../../../src/core/task/agent';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { scaledClock } from '../../support/scaledClock';
import { testAgent, waitingAgent } from '../../support/testAgents';

/** A clock 1,000 times faster than real time: a minute of rate limit passes in 60 ms. */
const FAST = 1000;

const waits = (events: readonly RunEvent[]): RunEventOf<'task.waited'>[] =>
  events.filter((e): e is RunEventOf<'task.waited'> => e.type === 'task.waited');
const first = <T extends RunEvent['type']>(events: readonly RunEvent[], type: T, taskId: string): RunEventOf<T> => {
  const found = events.find((e) => e.type === type && 'taskId' in e && e.taskId === taskId);
  assert.ok(found, `a ${type} event of ${taskId}`);
  return found as RunEventOf<T>;
};

/** One model request through the run's quota gate; the remote model answers at once. */
async function oneRequest(ctx: TaskContext): Promise<void> {
  await ctx.callModel(
    { key: { provider: 'fake', model: 'm' }, estimatedInputTokens: 50, maxOutputTokens: 50, estimatedCostUsd: 0.01 },
    async () => ({ value: 'ok', usage: { inputTokens: 50, outputTokens: 50, costUsd: 0.01 } }),
  );
}

describe('task waits as run events (task.waited)', () => {
  it('records a lock wait for a task whose file another task holds, and a rate-limit wait at 1 request per minute', async () => {
    const clock = scaledClock(FAST);
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 3 }, async (ctx) => {
      await oneRequest(ctx);
      await new Promise((r) => setTimeout(r, 2));
    });
    const { orchestrator, events } = makeHarness({
      agents: [agent],
      clock,
      limits: { requestsPerMinute: 1 },
      settings: { maxConcurrency: 3 },
    });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { writes: ['src/x.ts'] }), task('b', { writes: ['src/x.ts'] }), task('c')]),
    }).done;
    assert.equal(result.status, 'succeeded');

    const all = waits(events);
    // b waited for a's lock on src/x.ts and ends its wait when it starts.
    const lock = all.filter((w) => w.kind === 'lock');
    assert.deepEqual(
      lock.map((w) => [w.taskId, w.attempt]),
      [['b', 1]],
    );
    const bStarted = first(events, 'task.started', 'b');
    const aDone = first(events, 'task.succeeded', 'a');
    assert.ok(events.indexOf(lock[0]!) < events.indexOf(bStarted), 'the wait is recorded before the start it ends');
    assert.ok(lock[0]!.durationMs >= MIN_RECORDED_WAIT_MS);
    assert.ok(lock[0]!.startedAt <= aDone.at, 'b began waiting while a held the lock');
    assert.ok(lock[0]!.startedAt + lock[0]!.durationMs <= bStarted.at);

    // Three requests at one per minute: at least the second and third waited, inside their attempts.
    const rate = all.filter((w) => w.kind === 'rateLimit');
    assert.ok(rate.length >= 2, JSON.stringify(rate));
    assert.equal(new Set(rate.map((w) => w.taskId)).size, rate.length, 'one wait per request');
    for (const w of rate) {
      assert.equal(w.detail, 'fake/m');
      assert.equal(w.attempt, 1);
      assert.ok(w.startedAt >= first(events, 'task.started', w.taskId).at, 'the wait lies inside the attempt');
      assert.ok(w.durationMs > 0);
      const usage = events.find((e) => e.type === 'usage.recorded' && e.taskId === w.taskId)!;
      assert.ok(events.indexOf(w) < events.indexOf(usage), 'the wait ended before the request was sent');
    }
    const ends = rate.map((w) => w.startedAt + w.durationMs);
    assert.deepEqual(
      ends,
      [...ends].sort((x, y) => x - y),
      'admitted one after another',
    );
    assert.equal(all.filter((w) => w.kind !== 'lock' && w.kind !== 'rateLimit').length, 0);

    // The fold keeps them on the task, for the run panel's timeline.
    assert.deepEqual(
      result.state.tasks.b!.waits?.map((w) => w.kind),
      all.filter((w) => w.taskId === 'b').map((w) => w.kind),
    );
    assert.equal(result.state.tasks.b!.waits?.[0]?.kind, 'lock');
  });

  it('records an approval wait inside the attempt and a budget wait that ends when the task starts again', async () => {
    const clock = scaledClock(FAST);
    const slowPerson: ApprovalPort = {
      decideEdit: async () => {
        await new Promise((r) => setTimeout(r, 10));
        return { decision: 'rejected', by: 'user', reason: 'not now' };
      },
    };
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      if (ctx.task.id === 'a') {
        const tools = { task: ctx, approvals: slowPerson } as Pick<ToolContext, 'task' | 'approvals'>;
        await approveEditOnce(
          tools as ToolContext,
          {
            approvalId: 'a:edit:src/x.ts:1',
            runId: ctx.runId,
            taskId: 'a',
            agentId: ctx.agentId,
            path: 'src/x.ts',
            before: '',
            after: 'x',
            reason: 'asks',
            protected: false,
            policy: 'ask',
          },
          'edit:1',
          false,
        );
      }
      await oneRequest(ctx);
    });
    const { orchestrator, events } = makeHarness({ agents: [agent], clock, settings: { maxConcurrency: 1 } });
    const paused = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a'), task('b', { dependencies: ['a'] })]),
      budget: { maxTokens: 150 },
    }).done;
    assert.equal(paused.status, 'paused');
    const approval = waits(events).filter((w) => w.kind === 'approval');
    assert.deepEqual(
      approval.map((w) => [w.taskId, w.attempt, w.detail]),
      [['a', 1, 'src/x.ts']],
    );
    const requested = first(events, 'approval.requested', 'a');
    const decided = first(events, 'approval.decided', 'a');
    assert.ok(events.indexOf(requested) < events.indexOf(approval[0]!));
    assert.ok(events.indexOf(approval[0]!) < events.indexOf(decided));
    assert.ok(approval[0]!.durationMs >= MIN_RECORDED_WAIT_MS);
    assert.equal(paused.state.tasks.b!.budgetBlockedAt, first(events, 'budget.exceeded', 'b').at);

    // Some time passes before a person raises the budget.
    await new Promise((r) => setTimeout(r, 10));
    const done = await (await orchestrator.resume(paused.runId, { budget: { maxTokens: 1000 } })).done;
    assert.equal(done.status, 'succeeded');
    const budget = waits(events).filter((w) => w.kind === 'budget');
    assert.equal(budget.length, 1);
    const exceeded = first(events, 'budget.exceeded', 'b');
    const restarted = events.filter((e) => e.type === 'task.started' && e.taskId === 'b').at(-1)!;
    assert.equal(budget[0]!.taskId, 'b');
    assert.equal(budget[0]!.attempt, (restarted as RunEventOf<'task.started'>).attempt);
    assert.equal(budget[0]!.startedAt, exceeded.at);
    assert.ok(budget[0]!.durationMs >= MIN_RECORDED_WAIT_MS);
    assert.ok(events.indexOf(budget[0]!) < events.indexOf(restarted));
    assert.equal(done.state.tasks.b!.budgetBlockedAt, undefined, 'the start ended the budget wait');
  });

  it('does not record a wait shorter than the minimum', () => {
    assert.equal(taskWaitedEvent('t', 1, 'lock', 100, 100 + MIN_RECORDED_WAIT_MS - 1), undefined);
    assert.equal(taskWaitedEvent('t', 1, 'lock', 100, 100 + MIN_RECORDED_WAIT_MS)?.type, 'task.waited');
  });

  it('survives the store: written, read back and folded, and a log without any wait still loads', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ao-waits-'));
    try {
      const store = new RunStore({ root });
      const { orchestrator } = makeHarness({
        agents: [waitingAgent({ id: 'coder', capabilities: ['code'], maxLoad: 2 }, 5)],
        store,
        clock: scaledClock(FAST),
      });
      const ran = await orchestrator.start({
        goal: 'g',
        plan: plan([task('a', { writes: ['f'] }), task('b', { writes: ['f'] })]),
      }).done;
      const loaded = await store.load(ran.runId);
      assert.deepEqual(loaded.state.tasks.b?.waits, ran.state.tasks.b?.waits);
      assert.equal(loaded.state.tasks.b?.waits?.[0]?.kind, 'lock');
      const body = taskWaitedEvent('a', 1, 'approval', 0, 50, 'src/x.ts')!;
      assert.equal(RunEventSchema.parse({ ...body, seq: 1, at: 50, runId: 'r' }).type, 'task.waited');
      assert.throws(() => RunEventSchema.parse({ ...body, kind: 'coffee', seq: 1, at: 50, runId: 'r' }));
      const quiet = await (
        await makeHarness({ agents: [testAgent({ id: 'coder', capabilities: ['code'] })], store }).orchestrator
      ).start({ goal: 'g', plan: plan([task('a')]) }).done;
      assert.equal((await store.load(quiet.runId)).state.tasks.a?.waits, undefined);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
