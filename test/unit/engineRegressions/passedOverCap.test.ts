import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { flushMicrotasks } from '../../support/manualClock';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * pump() stops a pass after passing over MAX_PASSED_OVER (512) ready tasks, and a task skipped
 * because its agent is 'busy' counts. The ready order is the same every pass, so when more than
 * 512 higher-ranked tasks wait for one busy agent, a free agent never gets the tasks behind them.
 */
describe('regression: a long queue waiting for one busy agent', () => {
  it('does not keep an idle agent from the ready task behind the queue', async () => {
    const started: string[] = [];
    const coder = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 1 }, async (ctx) => {
      started.push(ctx.task.id);
      await systemClock.sleep(10_000, ctx.signal);
      return {};
    });
    const tester = testAgent({ id: 'tester', capabilities: ['test'], maxLoad: 4 }, async (ctx) => {
      started.push(ctx.task.id);
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [coder, tester], settings: { maxConcurrency: 4 } });
    const tasks = Array.from({ length: 520 }, (_, i) => task(`code${i}`, { priority: 60 }));
    tasks.push(task('tests', { requiredCapabilities: ['test'], priority: 10 }));
    const handle = orchestrator.start({ goal: 'g', plan: plan(tasks) });
    // The first dispatch pass starts code0; one macrotask hop later that pass (and any it queued) is over.
    await new Promise<void>((resolve) => handle.onEvent((e) => e.type === 'task.started' && resolve()));
    await flushMicrotasks();
    const testsStarted = events.some((e) => e.type === 'task.started' && e.taskId === 'tests');
    handle.cancel();
    await handle.done;
    assert.ok(
      testsStarted,
      `after the first dispatch pass only ${started.join(', ')} had started; the tester sat idle with 3 free slots`,
    );
  });
});
