import assert from 'node:assert/strict';
import { TaskFailure } from '../../../src/core/model/failure';
import { gate, whenAborted } from '../../support/gate';
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
    // The branch left behind goes on when its signal aborts, or once the run is over, whichever is first.
    const runOver = gate();
    let leftBehind: Promise<unknown> = Promise.resolve();
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      leftSignal = ctx.signal;
      const branch = (async () => {
        await Promise.race([whenAborted(ctx.signal), runOver.opened]);
        await ctx.step('edit', async () => (effects.push(`attempt ${ctx.attempt}`), true));
      })();
      leftBehind = branch.catch(() => undefined);
      await Promise.all([
        branch,
        Promise.reject(new TaskFailure('the acceptance criteria contradict each other', 'fatal')),
      ]);
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'failed');
    runOver.open();
    await leftBehind;
    assert.equal(leftSignal?.aborted, true, "the failed attempt's signal was never aborted");
    assert.deepEqual(effects, [], 'an edit ran for a task that had already failed (and after run.completed)');
  });
});
