import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import type { RunWriterPort, RunStorePort } from '../../../src/core/run/orchestratorPorts';
import type { RunEvent } from '../../../src/core/model/runEvents';
import type { RunState } from '../../../src/core/model/runState';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** A store whose flush takes `ms`, like the real group-commit log (10 ms batching + fdatasync). */
function slowStore(ms: number): RunStorePort {
  const writer: RunWriterPort = {
    append: (_e: RunEvent) => undefined,
    flush: () => systemClock.sleep(ms),
    close: async () => undefined,
  };
  return {
    create: async () => writer,
    open: async () => ({ writer, state: undefined as unknown as RunState, warnings: [] }),
  };
}

/**
 * ctx.step checks the signal before it records the step's intent, then awaits the commit, then
 * runs the effect without checking again. An abort that lands while the intent is being made
 * durable lets the edit/command run after the attempt was cancelled and its locks released.
 */
describe('regression: ctx.step after an abort during the intent commit', () => {
  it('does not run a side effect once the run was cancelled', async () => {
    const effects: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      await ctx.step('edit', async () => {
        effects.push(`edit by ${ctx.task.id}, signal aborted=${ctx.signal.aborted}`);
        return true;
      });
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent], store: slowStore(50) });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a', { writes: ['src/a.ts'] })]) });
    handle.onEvent((e) => {
      if (e.type === 'task.step.started') setTimeout(() => handle.cancel(), 5);
    });
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
    await systemClock.sleep(100);
    assert.deepEqual(effects, [], 'the edit ran after the run was cancelled');
  });

  it('does not run a side effect once the attempt timed out (and the retry runs it again)', async () => {
    const effects: number[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      await ctx.step('edit', async () => {
        effects.push(ctx.attempt);
        return true;
      });
      return {};
    });
    // The first intent commit is slow (a busy disk), longer than the task's time limit.
    let flushes = 0;
    const writer: RunWriterPort = {
      append: () => undefined,
      flush: () => systemClock.sleep(++flushes === 1 ? 60 : 0),
      close: async () => undefined,
    };
    const store: RunStorePort = {
      create: async () => writer,
      open: async () => {
        throw new Error('unused');
      },
    };
    const { orchestrator } = makeHarness({ agents: [agent], store });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a', { timeoutMs: 30 })]) }).done;
    await systemClock.sleep(60);
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(effects, [2], `the edit ran in attempts ${effects.join(', ')}`);
  });
});
