import assert from 'node:assert/strict';
import type { RunStorePort, RunWriterPort } from '../../../src/core/run/orchestratorPorts';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * A commit that fails inside ctx.step() reaches the agent as a plain Error, which
 * classifyFailure() calls the agent's fault ('reassign'): the agent is excluded and charged a
 * failure, and with no other candidate the task fails for good with its dependents skipped. The
 * same failure on the success commit stops the run as a storage error instead.
 */
describe('regression: a storage failure inside a step', () => {
  it('stops the run as a storage error instead of blaming and excluding the agent', async () => {
    let flushes = 0;
    const writer: RunWriterPort = {
      append: () => undefined,
      // One failed snapshot write: RunWriter.flush() rejects once, the log itself is intact.
      flush: async () => {
        if (++flushes === 1) throw new Error('Could not write the snapshot of run: EIO');
      },
      close: async () => undefined,
    };
    const store: RunStorePort = {
      create: async () => writer,
      open: async () => {
        throw new Error('unused');
      },
    };
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      await ctx.step('edit', async () => true);
      return {};
    });
    const { orchestrator, stats } = makeHarness({ agents: [agent], store });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b', { dependencies: ['a'] })]) });
    const outcome = await handle.done.then(
      (r) =>
        `resolved ${r.status}; a ${r.state.tasks.a!.status}: ${r.state.tasks.a!.failure}; excluded ${r.state.tasks.a!.excludedAgents.join(',')}`,
      (err: Error) => `rejected: ${err.message}`,
    );
    assert.match(outcome, /^rejected: The run state could not be saved/);
    assert.equal(stats.get('coder').failures, 0, "the agent was charged with the disk's failure");
  });
});
