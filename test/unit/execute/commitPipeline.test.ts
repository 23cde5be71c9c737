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
 * The real store, except that the flush which would make task `a`'s success durable waits until
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

describe('checklist 18: a success is durable before its dependents start, while its agent slot already serves others', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ao-commit-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('starts an independent task in the freed slot during the commit; the dependent starts only once the log has the success', async () => {
    const { store, release, held } = storeHoldingCommitOf(join(dir, 'store'));
    const logOfRun = (runId: string): Promise<string> =>
      readFile(join(dir, 'store', 'runs', runId, 'events.jsonl'), 'utf8');
    let runId = '';
    const seen: string[] = [];
    let dependentSawSuccessOnDisk: boolean | undefined;
    // One slot in all: the independent task `c` can only run in the slot `a` has freed.
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 1 }, async (ctx) => {
      seen.push(ctx.task.id);
      if (ctx.task.id === 'c') {
        assert.ok(held(), "c runs while a's success is still waiting for the disk");
        release();
      }
      if (ctx.task.id === 'b') {
        const log = await logOfRun(runId);
        dependentSawSuccessOnDisk = log
          .split('\n')
          .some((l) => l.includes('"task.succeeded"') && l.includes('"taskId":"a"'));
      }
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent], store, settings: { maxConcurrency: 1 } });
    const handle = orchestrator.start({
      goal: 'pipeline',
      plan: plan([
        task('a', { priority: 90 }),
        task('b', { dependencies: ['a'], priority: 80 }),
        task('c', { priority: 10 }),
      ]),
    });
    runId = handle.runId;
    const result = await handle.done;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(seen, ['a', 'c', 'b']);
    assert.equal(dependentSawSuccessOnDisk, true, "b started before a's success was in the log file");
  });
});
