import assert from 'node:assert/strict';
import type { RunStorePort, RunWriterPort } from '../../../src/core/run/orchestratorPorts';
import { PathLockTable } from '../../../src/core/schedule/pathLocks';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * A store that behaves like EventLogWriter when the disk fails: the failing flush rejects, and
 * from then on every append throws the same error ("Throws if the log failed").
 */
function failingStore(failOnFlush: number): { store: RunStorePort; closed: () => boolean } {
  let flushes = 0;
  let failure: Error | undefined;
  let closed = false;
  const writer: RunWriterPort = {
    append: () => {
      if (failure) throw failure;
    },
    flush: async () => {
      if (failure) throw failure;
      if (++flushes === failOnFlush) {
        failure = new Error('ENOSPC: no space left on device');
        throw failure;
      }
    },
    close: async () => {
      closed = true;
      if (failure) throw failure;
    },
  };
  return {
    store: {
      create: async () => writer,
      open: async () => {
        throw new Error('unused');
      },
    },
    closed: () => closed,
  };
}

/** How the promise settled; a run that hangs never settles, and mocha's timeout fails the test (no clock race). */
async function settled<T>(p: Promise<T>): Promise<'resolved' | 'rejected'> {
  return p.then(
    () => 'resolved' as const,
    () => 'rejected' as const,
  );
}

/**
 * RunSession.emit() lets writer.append() throw once the event log failed (and a sink may throw
 * too). The executor only handles a failing commit(); an emit that throws inside runAttempt leaves
 * the task "running" in the scheduler, or in inFlight with its locks and agent load, forever.
 */
describe('regression: the run after the event log failed', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  let mochaListeners: NodeJS.UnhandledRejectionListener[] = [];
  beforeEach(() => {
    unhandled.length = 0;
    mochaListeners = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.removeListener('unhandledRejection', onUnhandled);
    for (const l of mochaListeners) process.on('unhandledRejection', l);
  });

  it('ends (rejecting with the storage error) when a step commit hits the failure, and releases locks and load', async () => {
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 1 }, async (ctx) => {
      await ctx.step('edit', async () => true);
      return {};
    });
    const locks = new PathLockTable();
    const { store } = failingStore(1);
    const { orchestrator, registry } = makeHarness({ agents: [agent], store, locks });
    const done = orchestrator.start({ goal: 'g', plan: plan([task('a', { writes: ['src/a.ts'] })]) }).done;
    const outcome = await settled(done);
    assert.equal(outcome, 'rejected', `the run ${outcome} after the event log failed`);
    assert.deepEqual(locks.snapshot(), [], 'path locks leaked in the shared lock table');
    assert.equal(registry.load('coder'), 0, 'agent load leaked in the shared registry');
    assert.deepEqual(unhandled.map(String), [], 'runAttempt rejected with nobody listening');
  });

  it('ends when the success commit fails while another task waits for a slot, and leaks nothing', async () => {
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 4 });
    const locks = new PathLockTable();
    const { store } = failingStore(1);
    const { orchestrator, registry } = makeHarness({ agents: [agent], store, locks, settings: { maxConcurrency: 1 } });
    const done = orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { priority: 90 }), task('b', { writes: ['src/b.ts'], priority: 10 })]),
    }).done;
    const outcome = await settled(done);
    assert.equal(outcome, 'rejected', `the run ${outcome} after the event log failed`);
    assert.deepEqual(
      locks.snapshot().map((h) => h.base),
      [],
      'path locks leaked in the shared lock table',
    );
    assert.equal(registry.load('coder'), 0, 'agent load leaked in the shared registry');
    assert.deepEqual(unhandled.map(String), []);
  });
});
