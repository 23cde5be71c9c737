import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/core/store/runStore';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * start() refuses a bad budget before anything is created, resume() does not: it opens the run
 * (taking its owner.lock), and the RangeError of budget.raise() then rejects `done` without the
 * writer ever being closed. The lock stays held by this process, so the corrected resume fails.
 */
describe('regression: resume with an invalid budget', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-review-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is refused without taking the run, so a corrected resume still works', async () => {
    const store = new RunStore({ root: dir });
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      await ctx.callModel(
        { key: { provider: 'p', model: 'm' }, estimatedInputTokens: 50, maxOutputTokens: 50, estimatedCostUsd: 0 },
        async () => ({
          value: 1,
          usage: { inputTokens: 50, outputTokens: 50, costUsd: 0 },
        }),
      );
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent], store, settings: { maxConcurrency: 1 } });
    const first = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a'), task('b', { dependencies: ['a'] })]),
      budget: { maxTokens: 150 },
    }).done;
    assert.equal(first.status, 'paused');

    // A typo in the "raise budget" box.
    await assert.rejects(
      async () => (await orchestrator.resume(first.runId, { budget: { maxTokens: -1000 } })).done,
      RangeError,
    );
    const fixed = await orchestrator.resume(first.runId, { budget: { maxTokens: 1000 } });
    assert.equal((await fixed.done).status, 'succeeded');
  });
});
