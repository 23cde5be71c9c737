import assert from 'node:assert/strict';
import { TaskFailure } from '../../../src/core/model/failure';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * runAttempt() calls finishAttempt() (lock release and releaseLoad both fire pump()
 * synchronously) before handleFailure() decides to pause. The pump runs while the run is not yet
 * paused, so a failure that pauses the run (budget reached, approval needed) first starts the next
 * ready task.
 */
describe('regression: a failure that pauses the run', () => {
  it('starts no other task on its way to the pause (budget)', async () => {
    const sideEffects: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      await ctx.step('prepare', async () => (sideEffects.push(ctx.task.id), true));
      await ctx.callModel(
        { key: { provider: 'p', model: 'm' }, estimatedInputTokens: 50, maxOutputTokens: 50, estimatedCostUsd: 0 },
        async () => ({
          value: 1,
          usage: { inputTokens: 50, outputTokens: 50, costUsd: 0 },
        }),
      );
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent], settings: { maxConcurrency: 1 } });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { priority: 90 }), task('b', { priority: 50 }), task('c', { priority: 10 })]),
      budget: { maxTokens: 100 },
    }).done;
    assert.equal(result.status, 'paused');
    const started = events.filter((e) => e.type === 'task.started').map((e) => (e as { taskId: string }).taskId);
    assert.deepEqual(started, ['a', 'b'], 'a task was started after the budget was reached, on the way to the pause');
    assert.deepEqual(sideEffects, ['a', 'b']);
  });

  it('starts no other task on its way to the pause (approval needed)', async () => {
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 4 }, async (ctx) => {
      if (ctx.task.id === 'a') throw new TaskFailure('approval needed', 'needs-human');
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent], settings: { maxConcurrency: 1 } });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { priority: 90 }), task('b', { priority: 10 })]),
    }).done;
    assert.equal(result.status, 'paused');
    const started = events.filter((e) => e.type === 'task.started').map((e) => (e as { taskId: string }).taskId);
    assert.deepEqual(started, ['a']);
  });
});
