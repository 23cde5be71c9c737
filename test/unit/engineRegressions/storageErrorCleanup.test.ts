import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStorePort } from '../../../src/core/run/orchestratorPorts';
import { RunStore } from '../../../src/core/store/runStore';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * The real store, except that the first commit after a task succeeded rejects once: the disk said
 * no (fdatasync's EIO), though what was written may be there.
 */
function storeWithOneFailedCommit(real: RunStore): RunStorePort {
  return {
    create: async (runId, state) => {
      const writer = await real.create(runId, state);
      let succeeded = false;
      let failed = false;
      return {
        append: (e) => {
          if (e.type === 'task.succeeded') succeeded = true;
          writer.append(e);
        },
        flush: async () => {
          await writer.flush();
          if (succeeded && !failed) {
            failed = true;
            throw new Error('Could not write the snapshot of run: EIO');
          }
        },
        close: () => writer.close(),
      };
    },
    open: (runId) => real.open(runId),
  };
}

/**
 * RunSession.execute() throws on executor.storageError without calling complete(), so the writer
 * is never closed: the run's owner.lock stays held by this process and the run cannot be resumed
 * here; and RunExecutor's storage path calls finishAttempt() (which pumps) before cancel(), so a
 * waiting task is started after the run already decided to stop.
 */
describe('regression: a run stopped by a storage error', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-review-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives up its run lock, so the run can be resumed in this window', async () => {
    const real = new RunStore({ root: dir });
    // Each task makes a side effect, so each commits: a success is appended, and made durable by
    // the next commit (b's step), which is the one that fails.
    const effects: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      await ctx.step('edit', async () => (effects.push(ctx.task.id), true));
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent], store: storeWithOneFailedCommit(real) });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b', { dependencies: ['a'] })]) });
    await assert.rejects(handle.done, /could not be saved/);
    // Same store, same process, as the "Resume" command would do it.
    const resumeFrom = makeHarness({ agents: [agent], store: real }).orchestrator;
    const resumed = await resumeFrom.resume(handle.runId);
    assert.equal((await resumed.done).status, 'succeeded');
    assert.deepEqual(effects, ['a', 'b'], "a's effect is not repeated and b's runs once, after the resume");
  });

  it('does not report success when the record of the ending could not be saved', async () => {
    const real = new RunStore({ root: dir });
    const agent = testAgent({ id: 'coder', capabilities: ['code'] });
    const { orchestrator } = makeHarness({ agents: [agent], store: storeWithOneFailedCommit(real) });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b', { dependencies: ['a'] })]) });
    // No task makes a side effect, so the first commit after a's success is the ending's own.
    await assert.rejects(handle.done, /could not be saved/);
  });

  it('starts no new attempt after the storage error, and one started during the failing commit makes no side effect', async () => {
    const real = new RunStore({ root: dir });
    const invoked: string[] = [];
    const effects: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      invoked.push(ctx.task.id);
      await ctx.step('edit', async () => (effects.push(ctx.task.id), true));
      return {};
    });
    const { orchestrator, events } = makeHarness({
      agents: [agent],
      store: storeWithOneFailedCommit(real),
      settings: { maxConcurrency: 1 },
    });
    const handle = orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { priority: 90 }), task('b', { priority: 50 }), task('c', { priority: 10 })]),
    });
    await assert.rejects(handle.done, /could not be saved/);
    // a's slot is free while its success commits, so b may start then, before the failure is known;
    // c could only start after it, and must not.
    const started = events.filter((e) => e.type === 'task.started').map((e) => (e as { taskId: string }).taskId);
    assert.ok(!started.includes('c'), `c was started after the run had to stop (started: ${started.join(', ')})`);
    assert.ok(!invoked.includes('c'), "c's agent was invoked after the storage error");
    assert.deepEqual(effects, ['a'], 'a step whose intent could not be recorded ran its side effect');
  });
});
