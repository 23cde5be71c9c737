import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { ATTEMPT_OVER } from '../../../src/core/execute/agentStop';
import { AttemptStops } from '../../../src/core/execute/attemptStops';
import type { TaskContext } from '../../../src/core/task/agent';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

describe('AttemptStops: the signal an agent gets is made on first use', () => {
  it('a signal first read after a stop is already aborted, with the first reason', () => {
    const stops = new AttemptStops(systemClock, undefined, 't');
    const first = new Error('cancelled by a person');
    stops.abort(first);
    stops.abort(new Error('later'));
    assert.equal(stops.signal.aborted, true);
    assert.equal(stops.signal.reason, first);
    assert.equal(stops.reason, first);
  });

  it('a signal read before the stop aborts with it, and race rejects at once', async () => {
    const stops = new AttemptStops(systemClock, undefined, 't');
    const signal = stops.signal;
    const never = new Promise<never>(() => undefined);
    const raced = stops.race(never);
    const reason = new Error('stop');
    stops.abort(reason);
    assert.equal(signal.aborted, true);
    await assert.rejects(raced, (err) => err === reason);
    await assert.rejects(stops.race(Promise.resolve(1)), (err) => err === reason, 'a race after the stop rejects');
  });

  it('race resolves with the work while nothing stops it; end() then aborts the signal as over', async () => {
    const stops = new AttemptStops(systemClock, undefined, 't');
    assert.equal(await stops.race(Promise.resolve(7)), 7);
    stops.end();
    assert.equal(stops.signal.aborted, true);
    assert.equal(stops.signal.reason, ATTEMPT_OVER);
  });

  it('the time limit stops it and says so', async () => {
    const stops = new AttemptStops(systemClock, 5, 'slow');
    await assert.rejects(stops.race(new Promise<never>(() => undefined)), /Task "slow" ran past its 5 ms limit/);
    assert.equal(stops.timedOut(), true);
    stops.end();
  });
});

describe('attempt signals in a run', () => {
  it('an agent that never read its signal sees it aborted once its attempt is over', async () => {
    const contexts: TaskContext[] = [];
    const agent = testAgent({ id: 'worker', capabilities: ['code'], maxLoad: 2 }, async (ctx) => {
      contexts.push(ctx);
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent] });
    assert.equal(
      (await orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b')]) }).done).status,
      'succeeded',
    );
    assert.equal(contexts.length, 2);
    for (const ctx of contexts) {
      assert.equal(ctx.signal.aborted, true, 'a stray branch of the agent stops');
      assert.equal(ctx.signal.reason, ATTEMPT_OVER);
    }
  });

  it('a cancel stops attempts whose agents had not read their signals, and one read late is already aborted', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    let allStarted!: () => void;
    const running = new Promise<void>((resolve) => (allStarted = resolve));
    const seen: boolean[] = [];
    const agent = testAgent({ id: 'worker', capabilities: ['code'], maxLoad: 2 }, async (ctx) => {
      if (++started === 2) allStarted();
      await gate;
      if (ctx.task.id === 'late-reader') seen.push(ctx.signal.aborted);
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent], settings: { maxConcurrency: 2 } });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('late-reader'), task('ignores')]) });
    await running;
    handle.cancel();
    // Both agents go on after the cancel; neither had read its signal before it.
    release();
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(
      events.filter((e) => e.type === 'task.cancelled').map((e) => (e.type === 'task.cancelled' ? e.taskId : '')),
      ['late-reader', 'ignores'],
    );
    assert.deepEqual(seen, [true], 'the signal it reads late is already aborted');
  });
});
