import assert from 'node:assert/strict';
import { gate, whenAborted } from '../../support/gate';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/**
 * pump() builds its list of starts first and only then starts them; an event listener that
 * cancels (or pauses) the run while that list is being worked through is not noticed.
 */
describe('regression: cancel requested while one dispatch pass is starting tasks', () => {
  it('fail-fast cancel on task.failed: the task started after it is aborted and the run does not end under it', async () => {
    // An attempt ends when it is aborted or when the test lets the agents finish, whichever comes first.
    const finish = gate();
    const agentEnded = new Map<string, { aborted: boolean }>();
    const running: Promise<void>[] = [];
    const coder = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 8 }, async (ctx) => {
      const ended = Promise.race([whenAborted(ctx.signal), finish.opened]).then(() => {
        agentEnded.set(ctx.task.id, { aborted: ctx.signal.aborted });
      });
      running.push(ended);
      await ended;
      return {};
    });
    // The only agent with 'rare' is unhealthy, so x is refused ('none') in the same pass that starts y.
    const rare = testAgent({ id: 'rare', capabilities: ['rare'] });
    const { orchestrator, registry, events } = makeHarness({ agents: [coder, rare] });
    registry.setHealth('rare', 'unhealthy');
    const handle = orchestrator.start({
      goal: 'g',
      plan: plan([task('x', { requiredCapabilities: ['rare'], priority: 100 }), task('y', { priority: 10 })]),
    });
    // A CI "fail fast" policy: cancel the run as soon as a task fails.
    handle.onEvent((e) => {
      if (e.type === 'task.failed') handle.cancel();
    });
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
    // Now an attempt that was never aborted may finish, as it would have in time.
    finish.open();
    await Promise.all(running);
    assert.notEqual(result.state.tasks.y!.status, 'running', 'the run resolved while task y was still running');
    const y = agentEnded.get('y');
    assert.ok(y === undefined || y.aborted, "y's agent was never aborted and ran to the end after the run completed");
    const completedAt = events.findIndex((e) => e.type === 'run.completed');
    assert.equal(
      events.length - 1,
      completedAt,
      `events after run.completed: ${events
        .slice(completedAt + 1)
        .map((e) => e.type)
        .join(', ')}`,
    );
  });

  it('cancel from a task.started listener stops the task planned right after it in the same pass', async () => {
    // An attempt ends only when it is aborted: a cancel that waits for one never ends (mocha's timeout fails it).
    const ended: string[] = [];
    const coder = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 8 }, async (ctx) => {
      await whenAborted(ctx.signal);
      ended.push(ctx.task.id);
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [coder] });
    const handle = orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { priority: 90 }), task('b', { priority: 10 })]),
    });
    handle.onEvent((e) => {
      if (e.type === 'task.started' && e.taskId === 'a') handle.cancel();
    });
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
    const b = result.state.tasks.b!;
    assert.ok(
      b.status === 'cancelled' || (b.status === 'pending' && b.attempts.length === 0),
      `b ended ${b.status} after ${b.attempts.length} attempts`,
    );
    assert.deepEqual(
      [...ended].sort(),
      b.attempts.length === 0 ? ['a'] : ['a', 'b'],
      'every started attempt was aborted',
    );
  });
});
