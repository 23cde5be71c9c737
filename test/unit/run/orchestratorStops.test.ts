import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { TaskFailure } from '../../../src/core/model/failure';
import { eventsOfType, makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { codeAgentDefinition, testAgent, Timeline, waitingAgent } from '../../support/testAgents';

describe('Orchestrator: failures, stops and user actions', () => {
  it('retries a retryable failure after at least the retry-after hint', async () => {
    const timeline = new Timeline();
    let calls = 0;
    const agent = testAgent(
      codeAgentDefinition(),
      async () => {
        if (++calls === 1) throw new TaskFailure('429 Too Many Requests', 'retryable', { retryAfterMs: 60 });
        return {};
      },
      timeline,
    );
    const { orchestrator, events } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    const [first, second] = timeline.forTask('a');
    assert.ok(second!.start - first!.end >= 55, `waited ${second!.start - first!.end} ms`);
    const failed = eventsOfType(events, 'task.attempt.failed')[0]!;
    assert.equal(failed.next, 'retry');
    assert.ok(failed.retryInMs! >= 60);
  });

  it('falls back to the next agent when a task fails for a reason of its agent', async () => {
    const flaky = testAgent({ id: 'specialist', capabilities: ['code'] }, async () => {
      throw new Error('model produced garbage');
    });
    const backup = testAgent({ id: 'generalist', capabilities: ['code', 'test', 'docs'] });
    const { orchestrator, stats } = makeHarness({ agents: [flaky, backup] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    const a = result.state.tasks.a!;
    assert.deepEqual(
      a.attempts.map((x) => x.agentId),
      ['specialist', 'generalist'],
    );
    assert.deepEqual(a.excludedAgents, ['specialist']);
    assert.equal(stats.get('specialist').failures, 1);
    assert.equal(stats.get('generalist').successes, 1);
  });

  it('fails a fatal task, skips its dependents, keeps going elsewhere and ends failed with findings', async () => {
    const agent = testAgent(codeAgentDefinition(), async (ctx) => {
      if (ctx.task.id === 'bad') throw new TaskFailure('the acceptance criteria contradict each other', 'fatal');
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('bad'), task('after', { dependencies: ['bad'] }), task('ok')]),
    }).done;
    assert.equal(result.status, 'failed');
    assert.equal(result.state.tasks.bad!.status, 'failed');
    assert.equal(result.state.tasks.after!.status, 'skipped');
    assert.equal(result.state.tasks.ok!.status, 'succeeded');
    assert.ok(
      result.state.findings.some((f) => f.severity === 'major' && f.taskId === 'bad' && /contradict/.test(f.message)),
    );
  });

  it('fails a task no agent can take with a clear reason', async () => {
    const { orchestrator } = makeHarness({
      agents: [
        testAgent({ id: 'a', capabilities: ['code'] }, async () => {
          throw new Error('nope');
        }),
      ],
    });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('x')]) }).done;
    assert.equal(result.status, 'failed');
    assert.match(result.state.tasks.x!.failure!, /nope/);
  });

  it('pauses for a human, then resumes and finishes without re-running finished tasks', async () => {
    let needHuman = true;
    const runs: string[] = [];
    const agent = testAgent(codeAgentDefinition(), async (ctx) => {
      runs.push(ctx.task.id);
      if (ctx.task.id === 'b' && needHuman) throw new TaskFailure('approval needed', 'needs-human');
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent], settings: { maxConcurrency: 1 } });
    const first = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a'), task('b', { dependencies: ['a'] }), task('c', { dependencies: ['b'] })]),
    }).done;
    assert.equal(first.status, 'paused');
    assert.equal(first.state.pauseReason, 'approval needed');
    needHuman = false;
    const second = await (await orchestrator.resume(first.runId)).done;
    assert.equal(second.status, 'succeeded');
    assert.deepEqual(runs, ['a', 'b', 'b', 'c']);
  });

  it('cancel aborts in-flight work through the signal and ends cancelled', async () => {
    const aborted: string[] = [];
    const agent = testAgent(codeAgentDefinition(), async (ctx) => {
      ctx.signal.addEventListener('abort', () => aborted.push(ctx.task.id));
      await systemClock.sleep(10_000, ctx.signal);
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent] });
    const handle = orchestrator.start({
      goal: 'g',
      plan: plan([task('a'), task('b'), task('c', { dependencies: ['a'] })]),
    });
    handle.onEvent((e) => {
      if (e.type === 'task.started' && e.taskId === 'b') setTimeout(() => handle.cancel(), 10);
    });
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(aborted.sort(), ['a', 'b']);
    assert.deepEqual(
      eventsOfType(events, 'task.cancelled')
        .map((e) => e.taskId)
        .sort(),
      ['a', 'b'],
    );
    assert.equal(result.state.tasks.c!.status, 'pending');
  });

  it('stops an attempt at its time limit and retries it', async () => {
    let calls = 0;
    const agent = testAgent(codeAgentDefinition(), async (ctx) => {
      if (++calls === 1) await systemClock.sleep(5_000, ctx.signal);
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a', { timeoutMs: 30 })]) }).done;
    assert.equal(result.status, 'succeeded');
    const failed = eventsOfType(events, 'task.attempt.failed')[0]!;
    assert.equal(failed.failureClass, 'retryable');
    assert.match(failed.message, /time limit/);
  });

  it('pause lets running tasks finish, starts nothing new, and resume completes', async () => {
    const timeline = new Timeline();
    const { orchestrator } = makeHarness({
      agents: [waitingAgent(codeAgentDefinition(), 30, timeline)],
      settings: { maxConcurrency: 2 },
    });
    const handle = orchestrator.start({ goal: 'g', plan: plan(['a', 'b', 'c', 'd'].map((id) => task(id))) });
    handle.onEvent((e) => {
      if (e.type === 'task.started' && e.taskId === 'b') handle.pause('coffee');
    });
    const paused = await handle.done;
    assert.equal(paused.status, 'paused');
    assert.deepEqual(timeline.entries.map((e) => e.taskId).sort(), ['a', 'b']);
    assert.ok(
      timeline.entries.every((e) => e.outcome === 'ok'),
      'running tasks finished normally',
    );
    const resumed = await (await orchestrator.resume(paused.runId)).done;
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(timeline.entries.map((e) => e.taskId).sort(), ['a', 'b', 'c', 'd']);
  });

  it('replays a completed step on retry instead of repeating its side effect', async () => {
    let effects = 0;
    let calls = 0;
    const agent = testAgent(codeAgentDefinition(), async (ctx) => {
      const result = await ctx.step('apply-edit', async () => ({ applied: ++effects }));
      if (++calls === 1) throw new TaskFailure('verification flaked', 'retryable');
      return { output: result };
    });
    const { orchestrator } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    assert.equal(effects, 1);
    assert.deepEqual(result.state.tasks.a!.output, { applied: 1 });
  });

  it('ends failed when the end-of-run verification reports a major finding', async () => {
    const { orchestrator } = makeHarness({
      agents: [waitingAgent(codeAgentDefinition(), 1)],
      verifier: {
        verify: async () => ({
          passed: false,
          findings: [{ severity: 'major', category: 'test', message: '3 tests failed', location: 'test/a.test.ts:10' }],
          checks: [],
          failureText: '3 tests failed',
        }),
      },
    });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'failed');
    assert.equal(result.state.phase, 'complete');
    assert.ok(result.state.findings.some((f) => f.category === 'test'));
  });

  it("retries a failed task on the user's request, with the tasks skipped because of it", async () => {
    let broken = true;
    const runs: string[] = [];
    const agent = testAgent(codeAgentDefinition(), async (ctx) => {
      runs.push(ctx.task.id);
      if (ctx.task.id === 'bad' && broken) throw new TaskFailure('the build tool is missing', 'fatal');
      return {};
    });
    const { orchestrator } = makeHarness({ agents: [agent], settings: { maxConcurrency: 1 } });
    const first = await orchestrator.start({
      goal: 'g',
      plan: plan([task('ok'), task('bad'), task('after', { dependencies: ['bad'] })]),
    }).done;
    assert.equal(first.status, 'failed');
    assert.equal(first.state.tasks.after!.status, 'skipped');
    broken = false;
    await assert.rejects(orchestrator.resume(first.runId, { retryTasks: ['ghost'] }), /has no task "ghost"/);
    const second = await (await orchestrator.resume(first.runId, { retryTasks: ['bad'] })).done;
    assert.equal(second.status, 'succeeded');
    assert.deepEqual(
      runs.filter((id) => id !== 'ok'),
      ['bad', 'bad', 'after'],
    );
    assert.equal(runs.filter((id) => id === 'ok').length, 1, 'the task that had succeeded did not run again');
  });

  it("reassigns a task to another agent on the user's request", async () => {
    const picky = testAgent({ id: 'picky', capabilities: ['code'], priority: 90 }, async () => {
      throw new TaskFailure('I refuse', 'fatal');
    });
    const helper = testAgent({ id: 'helper', capabilities: ['code', 'docs'], priority: 10 });
    const { orchestrator } = makeHarness({ agents: [picky, helper] });
    const first = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(first.status, 'failed');
    assert.equal(first.state.tasks.a!.agentId, 'picky');
    await assert.rejects(
      orchestrator.resume(first.runId, { assign: { a: 'nobody' } }),
      /No agent "nobody" is registered/,
    );
    const second = await (await orchestrator.resume(first.runId, { assign: { a: 'helper' } })).done;
    assert.equal(second.status, 'succeeded');
    assert.equal(second.state.tasks.a!.agentId, 'helper');
    assert.equal(second.state.tasks.a!.assignedAgent, 'helper');
  });
});
