import assert from 'node:assert/strict';
import type { RunWriterPort, RunStorePort } from '../../../src/core/run/orchestratorPorts';
import type { RunEvent } from '../../../src/core/model/runEvents';
import type { RunState } from '../../../src/core/model/runState';
import { gate, type Gate } from '../../support/gate';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** A store whose flushes, once `held()` says so, wait for `commit` (a slow group commit: batching + fdatasync). */
function slowStore(held: () => boolean, commit: Gate): RunStorePort {
  const writer: RunWriterPort = {
    append: (_e: RunEvent) => undefined,
    flush: () => (held() ? commit.opened : Promise.resolve()),
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
    // From the step's intent on, commits wait; the cancel lands while the intent commit is in flight.
    let stepStarted = false;
    const commit = gate();
    const { orchestrator } = makeHarness({ agents: [agent], store: slowStore(() => stepStarted, commit) });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a', { writes: ['src/a.ts'] })]) });
    handle.onEvent((e) => {
      if (e.type !== 'task.step.started') return;
      stepStarted = true;
      setImmediate(() => {
        handle.cancel();
        commit.open();
      });
    });
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
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
    // The first commit is slow (a busy disk): it ends only once the attempt has timed out.
    let flushes = 0;
    const timedOut = gate();
    const writer: RunWriterPort = {
      append: () => undefined,
      flush: () => (++flushes === 1 ? timedOut.opened : Promise.resolve()),
      close: async () => undefined,
    };
    const store: RunStorePort = {
      create: async () => writer,
      open: async () => {
        throw new Error('unused');
      },
    };
    const { orchestrator } = makeHarness({ agents: [agent], store });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a', { timeoutMs: 30 })]) });
    handle.onEvent((e) => {
      if (e.type === 'task.attempt.failed') timedOut.open();
    });
    const result = await handle.done;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(effects, [2], `the edit ran in attempts ${effects.join(', ')}`);
  });
});
