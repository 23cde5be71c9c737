import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import type { Planner } from '../../../src/core/plan/planner';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** Coverage (these pass): pause and cancel that arrive while the planner is still working. */
describe('regression: pause and cancel during planning', () => {
  const slowPlanner = (ms: number, honourSignal: boolean): Planner => ({
    plan: async (_goal, { signal }) => {
      await systemClock.sleep(ms, honourSignal ? signal : undefined);
      return plan([task('a'), task('b', { dependencies: ['a'] })]);
    },
  });

  it('cancel before the session exists and during planning ends cancelled without running a task', async () => {
    const ran: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => (ran.push(ctx.task.id), {}));
    const { orchestrator } = makeHarness({ agents: [agent], planner: slowPlanner(30, false) });
    const early = orchestrator.start({ goal: 'g' });
    early.cancel();
    const during = orchestrator.start({ goal: 'g' });
    setTimeout(() => during.cancel(), 5);
    assert.equal((await early.done).status, 'cancelled');
    assert.equal((await during.done).status, 'cancelled');
    assert.deepEqual(ran, []);
  });

  it('pause during planning keeps the plan, starts nothing, and resume runs it', async () => {
    const ran: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => (ran.push(ctx.task.id), {}));
    const { orchestrator } = makeHarness({ agents: [agent], planner: slowPlanner(20, true) });
    const handle = orchestrator.start({ goal: 'g' });
    setTimeout(() => handle.pause('wait'), 5);
    const paused = await handle.done;
    assert.equal(paused.status, 'paused');
    assert.equal(paused.state.pauseReason, 'wait');
    assert.deepEqual(ran, []);
    const resumed = await (await orchestrator.resume(paused.runId)).done;
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(ran, ['a', 'b']);
  });
});
