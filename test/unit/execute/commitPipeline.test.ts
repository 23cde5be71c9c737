import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunState } from '../../../src/core/model/runState';
import type { RunStorePort, RunWriterPort } from '../../../src/core/run/orchestratorPorts';
import { RunStore } from '../../../src/core/store/runStore';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * The real store, except that every flush made once task `a` has succeeded waits until
 * `release()` is called: the window in which a crash would lose that success.
 */
function storeHoldingCommitOf(root: string): { store: RunStorePort; release: () => void; held: () => boolean } {
  const real = new RunStore({ root, flushIntervalMs: 1 });
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const wrap = (writer: RunWriterPort, state: RunState): RunWriterPort => ({
    append: (event) => writer.append(event),
    flush: async () => {
      if (state.tasks.a?.status === 'succeeded') {
        held = true;
        await gate;
      }
      await writer.flush();
    },
    close: () => writer.close(),
    takeSnapshotError: () => writer.takeSnapshotError?.(),
  });
  return {
    store: {
      create: async (runId, state) => wrap(await real.create(runId, state), state),
      open: async (runId) => {
        const opened = await real.open(runId);
        return { ...opened, writer: wrap(opened.writer, opened.state) };
      },
    },
    release: () => release(),
    held: () => held,
  };
}

describe('checklist 18: a dependent starts once a success is appended; its first side effect waits until the success is durable', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ao-commit-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('starts b while a’s success still waits for the disk, and runs b’s step only once the log file has that success', async () => {
    const { store, release, held } = storeHoldingCommitOf(join(dir, 'store'));
    let runId = '';
    const successOfAInLog = async (): Promise<boolean> =>
      (await readFile(join(dir, 'store', 'runs', runId, 'events.jsonl'), 'utf8'))
        .split('\n')
        .some((l) => l.includes('"task.succeeded"') && l.includes('"taskId":"a"'));
    const seen: string[] = [];
    let effectRanWhileHeld: boolean | undefined;
    let effectSawSuccessOnDisk: boolean | undefined;
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 1 }, async (ctx) => {
      seen.push(ctx.task.id);
      if (ctx.task.id !== 'b') return {};
      // Nothing has waited for the disk since a succeeded: b was started on the appended success alone.
      assert.ok(!held(), 'no commit stood between a’s success and b’s start');
      let effectRan = false;
      const step = ctx.step('effect', async () => {
        effectRan = true;
        effectSawSuccessOnDisk = await successOfAInLog();
        return true;
      });
      // Let the step reach its commit, which the store holds; the effect must not have run.
      for (let i = 0; i < 20 && !held(); i++) await new Promise((r) => setImmediate(r));
      assert.ok(held(), 'b’s step did not commit before its effect');
      effectRanWhileHeld = effectRan;
      release();
      await step;
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent], store, settings: { maxConcurrency: 1 } });
    const handle = orchestrator.start({
      goal: 'pipeline',
      plan: plan([task('a'), task('b', { dependencies: ['a'] })]),
    });
    runId = handle.runId;
    const result = await handle.done;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(effectRanWhileHeld, false, 'b’s side effect ran before a’s success was durable');
    assert.equal(effectSawSuccessOnDisk, true, 'b’s side effect ran while the log file lacked a’s success');
  });
});
