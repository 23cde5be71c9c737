import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent, Timeline } from '../../support/testAgents';

/**
 * raceAbort() rejects as soon as the signal aborts, and runAttempt then releases the task's path
 * locks, its agent load and its concurrency slot while the agent's promise is still running. An
 * agent (or a tool call inside it) that does not stop at once keeps writing without any lock.
 */
describe('regression: an attempt abandoned on timeout keeps running without its locks', () => {
  it('never lets a second writer of the same file start while the timed-out writer is still running', async () => {
    const timeline = new Timeline();
    let first = true;
    const agent = testAgent(
      { id: 'coder', capabilities: ['code'], maxLoad: 8 },
      async (ctx) => {
        if (ctx.task.id === 'slow' && first) {
          first = false;
          // e.g. a build/test command or a write that is not interruptible; it ends 60 ms later.
          await systemClock.sleep(80);
          return {};
        }
        await systemClock.sleep(10, ctx.signal);
        return {};
      },
      timeline,
    );
    const { orchestrator } = makeHarness({ agents: [agent] });
    const p = plan([
      task('slow', { writes: ['src/shared.ts'], timeoutMs: 20, priority: 90 }),
      task('other', { writes: ['src/shared.ts'], priority: 10 }),
    ]);
    const result = await orchestrator.start({ goal: 'g', plan: p }).done;
    await systemClock.sleep(100);
    assert.equal(result.status, 'succeeded');
    const slowFirst = timeline.forTask('slow').find((e) => e.attempt === 1)!;
    const overlapping = timeline.entries.filter(
      (e) => e !== slowFirst && e.start < slowFirst.end && slowFirst.start < e.end,
    );
    assert.deepEqual(
      overlapping.map((e) => `${e.taskId}#${e.attempt}`),
      [],
      'these attempts wrote src/shared.ts while the timed-out attempt was still running',
    );
  });
});
