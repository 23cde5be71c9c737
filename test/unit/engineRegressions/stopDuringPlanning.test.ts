import assert from 'node:assert/strict';
import { abortReason } from '../../../src/core/common/clock';
import type { Planner } from '../../../src/core/plan/planner';
import { gate, whenAborted, type Gate } from '../../support/gate';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** Coverage (these pass): pause and cancel that arrive while the planner is still working. */
describe('regression: pause and cancel during planning', () => {
  /** A planner that says when it has started and answers only once the test releases it (or, if it honours it, on abort). */
  const slowPlanner = (honourSignal: boolean): { planner: Planner; started: Gate; release: Gate } => {
    const started = gate();
    const release = gate();
    const planner: Planner = {
      plan: async (_goal, { signal }) => {
        started.open();
        await Promise.race([release.opened, ...(honourSignal ? [whenAborted(signal)] : [])]);
        if (honourSignal && signal.aborted) throw abortReason(signal);
        return plan([task('a'), task('b', { dependencies: ['a'] })]);
      },
    };
    return { planner, started, release };
  };

  it('cancel before the session exists and during planning ends cancelled without running a task', async () => {
    const ran: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => (ran.push(ctx.task.id), {}));
    const slow = slowPlanner(false);
    const { orchestrator } = makeHarness({ agents: [agent], planner: slow.planner });
    const early = orchestrator.start({ goal: 'g' });
    early.cancel();
    const during = orchestrator.start({ goal: 'g' });
    await slow.started.opened;
    during.cancel();
    slow.release.open();
    assert.equal((await early.done).status, 'cancelled');
    assert.equal((await during.done).status, 'cancelled');
    assert.deepEqual(ran, []);
  });

  it('pause during planning keeps the plan, starts nothing, and resume runs it', async () => {
    const ran: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => (ran.push(ctx.task.id), {}));
    const slow = slowPlanner(true);
    const { orchestrator } = makeHarness({ agents: [agent], planner: slow.planner });
    const handle = orchestrator.start({ goal: 'g' });
    await slow.started.opened;
    handle.pause('wait');
    slow.release.open();
    const paused = await handle.done;
    assert.equal(paused.status, 'paused');
    assert.equal(paused.state.pauseReason, 'wait');
    assert.deepEqual(ran, []);
    const resumed = await (await orchestrator.resume(paused.runId)).done;
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(ran, ['a', 'b']);
  });
});
