import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { TaskFailure } from '../../../src/core/model/failure';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * An attempt's AbortController is aborted only on cancel or timeout, never when the attempt ends.
 * Work the agent started and did not await (the usual Promise.all where one branch fails) keeps
 * going with a live signal: it can still pass ctx.step() and edit after the task moved on.
 */
describe('regression: work left behind by a failed attempt', () => {
  it('is aborted when the attempt ends, so its steps never run', async () => {
    const effects: string[] = [];
    let leftSignal: AbortSignal | undefined;
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      leftSignal = ctx.signal;
      await Promise.all([
        (async () => {
          await systemClock.sleep(30, ctx.signal).catch(() => undefined);
          await ctx.step('edit', async () => (effects.push(`attempt ${ctx.attempt}`), true));
        })(),
        Promise.reject(new TaskFailure('the acceptance criteria contradict each other', 'fatal')),
      ]);
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'failed');
    await systemClock.sleep(50);
    assert.equal(leftSignal?.aborted, true, "the failed attempt's signal was never aborted");
    assert.deepEqual(effects, [], 'an edit ran for a task that had already failed (and after run.completed)');
  });
});
