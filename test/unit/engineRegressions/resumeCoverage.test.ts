import assert from 'node:assert/strict';
import { TaskFailure } from '../../../src/core/model/failure';
import { untilSleeping } from '../../support/gate';
import { ManualClock } from '../../support/manualClock';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** Coverage (these pass): resume and stop paths the existing suites do not exercise. */
describe('regression: resume and stops during a backoff (coverage)', () => {
  it('keeps excluded agents and continues attempt numbering across an in-memory pause/resume', async () => {
    let human = true;
    const specialist = testAgent({ id: 'specialist', capabilities: ['code'] }, async () => {
      throw new Error('garbage');
    });
    const generalist = testAgent({ id: 'generalist', capabilities: ['code', 'docs'] }, async () => {
      if (human) throw new TaskFailure('approval needed', 'needs-human');
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [specialist, generalist] });
    const first = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(first.status, 'paused');
    human = false;
    const second = await (await orchestrator.resume(first.runId)).done;
    assert.equal(second.status, 'succeeded');
    assert.deepEqual(
      second.state.tasks.a!.attempts.map((x) => `${x.attempt}:${x.agentId}:${x.outcome}`),
      ['1:specialist:failed', '2:generalist:failed', '3:generalist:succeeded'],
    );
    assert.deepEqual(second.state.tasks.a!.excludedAgents, ['specialist']);
  });

  // The backoff sleeps on a manual clock that never moves: the run can only end if the stop does not wait it out.
  it('pause during a retry backoff ends paused at once, and resume retries the task', async () => {
    let calls = 0;
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async () => {
      if (++calls === 1) throw new TaskFailure('429', 'retryable', { retryAfterMs: 60_000 });
      return {};
    });
    const clock = new ManualClock();
    const { orchestrator } = makeHarness({ agents: [agent], clock });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a')]) });
    handle.onEvent((e) => {
      if (e.type === 'task.attempt.failed') void untilSleeping(clock).then(() => handle.pause('p'));
    });
    const first = await handle.done;
    assert.equal(first.status, 'paused');
    assert.equal(clock.now(), 0, 'no time passed: the pause did not wait out the backoff');
    const second = await (await orchestrator.resume(first.runId)).done;
    assert.equal(second.status, 'succeeded');
    assert.equal(calls, 2);
  });

  it('cancel during a retry backoff ends cancelled at once and the retry never fires', async () => {
    let calls = 0;
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async () => {
      calls++;
      throw new TaskFailure('429', 'retryable', { retryAfterMs: 100 });
    });
    const clock = new ManualClock();
    const { orchestrator } = makeHarness({ agents: [agent], clock });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a')]) });
    handle.onEvent((e) => {
      if (e.type === 'task.attempt.failed') void untilSleeping(clock).then(() => handle.cancel());
    });
    assert.equal((await handle.done).status, 'cancelled');
    assert.equal(clock.now(), 0, 'no time passed: the cancel did not wait out the backoff');
    await clock.advance(1_000);
    assert.equal(calls, 1);
  });
});
