import assert from 'node:assert/strict';
import type { Planner } from '../../../src/core/plan/planner';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** Stands in for the remote model: counts the requests it actually received. */
class CountingModelServer {
  readonly received: string[] = [];
  async handle(
    taskId: string,
  ): Promise<{ value: string; usage: { inputTokens: number; outputTokens: number; costUsd: number } }> {
    this.received.push(taskId);
    return { value: `answer for ${taskId}`, usage: { inputTokens: 50, outputTokens: 50, costUsd: 0.01 } };
  }
}

describe('checklist 24: a run budget refuses the request that would cross it before it is sent, and the run pauses', () => {
  it('never sends the request that would cross the token budget, pauses, and finishes after the budget is raised', async () => {
    const server = new CountingModelServer();
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      const answer = await ctx.callModel(
        {
          key: { provider: 'fake', model: 'm' },
          estimatedInputTokens: 50,
          maxOutputTokens: 50,
          estimatedCostUsd: 0.01,
        },
        () => server.handle(ctx.task.id),
      );
      return { output: answer };
    });
    const { orchestrator, events } = makeHarness({ agents: [agent], settings: { maxConcurrency: 1 } });
    const chain = plan([
      task('a'),
      task('b', { dependencies: ['a'] }),
      task('c', { dependencies: ['b'] }),
      task('d', { dependencies: ['c'] }),
    ]);
    const first = await orchestrator.start({ goal: 'g', plan: chain, budget: { maxTokens: 250 } }).done;

    assert.equal(first.status, 'paused');
    assert.deepEqual(server.received, ['a', 'b'], 'the third request was never issued');
    assert.equal(
      first.state.usage.inputTokens + first.state.usage.outputTokens,
      200,
      'no tokens beyond the budget were spent',
    );
    const exceeded = events.find(
      (e): e is Extract<RunEvent, { type: 'budget.exceeded' }> => e.type === 'budget.exceeded',
    );
    assert.deepEqual(
      { limit: exceeded?.limit, max: exceeded?.max, used: exceeded?.used, requested: exceeded?.requested },
      { limit: 'tokens', max: 250, used: 200, requested: 100 },
    );
    assert.match(first.state.pauseReason ?? '', /budget/i);
    assert.equal(first.state.tasks.c!.status, 'pending');

    const resumed = await (await orchestrator.resume(first.runId, { budget: { maxTokens: 1000 } })).done;
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(server.received, ['a', 'b', 'c', 'd']);
    assert.equal(resumed.state.budget.maxTokens, 1000);
  });

  it('holds parallel agents to a money budget without overspending', async () => {
    const server = new CountingModelServer();
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 8 }, async (ctx) => {
      await ctx.callModel(
        {
          key: { provider: 'fake', model: 'm' },
          estimatedInputTokens: 50,
          maxOutputTokens: 50,
          estimatedCostUsd: 0.01,
        },
        async () => {
          await new Promise((r) => setTimeout(r, 10));
          return server.handle(ctx.task.id);
        },
      );
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent], settings: { maxConcurrency: 8 } });
    const wide = plan(Array.from({ length: 8 }, (_, i) => task(`t${i}`)));
    const result = await orchestrator.start({ goal: 'g', plan: wide, budget: { maxCostUsd: 0.035 } }).done;
    assert.equal(result.status, 'paused');
    assert.equal(server.received.length, 3, 'eight parallel agents sent only what the budget covers');
    assert.ok(result.state.usage.costUsd <= 0.035 + 1e-9);
  });

  it('pauses a run whose planner would cross the budget, and plans again on resume', async () => {
    const server = new CountingModelServer();
    const planner: Planner = {
      plan: async (goal, ctx) => {
        await ctx.callModel(
          {
            key: { provider: 'fake', model: 'm' },
            estimatedInputTokens: 400,
            maxOutputTokens: 400,
            estimatedCostUsd: 0,
          },
          () => server.handle('planner'),
        );
        return plan([task('a')], goal);
      },
    };
    const agent = testAgent({ id: 'coder', capabilities: ['code'] });
    const { orchestrator } = makeHarness({ agents: [agent], planner });
    const first = await orchestrator.start({ goal: 'g', budget: { maxTokens: 500 } }).done;
    assert.equal(first.status, 'paused');
    assert.deepEqual(server.received, [], 'the planner request was never sent');
    assert.equal(first.state.plan, undefined);
    const resumed = await (await orchestrator.resume(first.runId, { budget: { maxTokens: 5000 } })).done;
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(server.received, ['planner']);
    assert.equal(resumed.state.tasks.a?.status, 'succeeded');
  });
});
