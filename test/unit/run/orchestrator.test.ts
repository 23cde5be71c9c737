import assert from 'node:assert/strict';
import { systemClock } from '../../../src/core/common/clock';
import { TaskFailure } from '../../../src/core/model/failure';
import type { RunEvent, RunEventOf } from '../../../src/core/model/runEvents';
import { spanRecords } from '../../../src/core/observe/spanRecords';
import { eventTypes, makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent, Timeline, waitingAgent } from '../../support/testAgents';

const coder = (id = 'coder', over: Record<string, unknown> = {}) => ({
  id,
  capabilities: ['code'],
  maxLoad: 8,
  ...over,
});
const ofType = <T extends RunEvent['type']>(events: RunEvent[], type: T) =>
  events.filter((e): e is RunEventOf<T> => e.type === type);

describe('Orchestrator', () => {
  it('walks the phases initialise → plan → validate → execute → monitor → complete', async () => {
    const { orchestrator, events } = makeHarness({ agents: [waitingAgent(coder(), 1)] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(
      ofType(events, 'run.phase').map((e) => e.phase),
      ['plan', 'validate', 'execute', 'monitor', 'complete'],
    );
    assert.equal(events[0]?.type, 'run.created');
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
      'seq counts from 1 without gaps',
    );
  });

  it('carries spans, logs and metrics as run events, task spans under the run span', async () => {
    const agent = testAgent(coder(), async (ctx) => {
      ctx.log.info('working', { step: 1 });
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent] });
    await orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b')]) }).done;
    const spans = spanRecords(events);
    const run = spans.find((s) => s.name === 'run.execute')!;
    const tasks = spans.filter((s) => s.name === 'task');
    assert.deepEqual(tasks.map((t) => t.attributes['taskId']).sort(), ['a', 'b']);
    assert.ok(tasks.every((t) => t.parentId === run.spanId));
    assert.deepEqual(
      spans.map((s) => s.status),
      ['ok', 'ok', 'ok'],
      'every span ended ok',
    );
    // A task's span is told by its own task events: no span.* event of its own.
    assert.deepEqual(
      ofType(events, 'span.started').map((s) => s.name),
      ['run.execute'],
    );
    const log = ofType(events, 'log').find((l) => l.message === 'working')!;
    assert.equal(log.taskId, 'a');
    const metrics = ofType(events, 'metrics').at(-1)!;
    assert.equal(metrics.counters['tasks.succeeded'], 2);
    assert.equal(metrics.histograms['task.durationMs']?.count, 2);
  });

  it('runs independent tasks at the same time and dependents after their dependencies', async () => {
    const timeline = new Timeline();
    const { orchestrator } = makeHarness({ agents: [waitingAgent(coder(), 40, timeline)] });
    const p = plan([task('a'), task('b'), task('c'), task('d', { dependencies: ['a', 'b', 'c'] })]);
    const result = await orchestrator.start({ goal: 'g', plan: p }).done;
    assert.equal(result.status, 'succeeded');
    assert.ok(timeline.overlapped('a', 'b') && timeline.overlapped('b', 'c'), 'independent tasks overlap');
    const d = timeline.forTask('d')[0]!;
    for (const dep of ['a', 'b', 'c'])
      assert.ok(timeline.forTask(dep)[0]!.end <= d.start, `${dep} ended before d started`);
  });

  it('never overlaps tasks that write the same path, while independent tasks overlap them', async () => {
    const timeline = new Timeline();
    const { orchestrator } = makeHarness({
      agents: [waitingAgent(coder(), 30, timeline)],
      settings: { maxConcurrency: 6 },
    });
    const writers = ['w1', 'w2', 'w3', 'w4'];
    const p = plan([
      ...writers.map((id) => task(id, { writes: ['src/shared.ts'] })),
      task('dirWriter', { writes: ['src'] }),
      task('free1', { writes: ['docs/a.md'] }),
      task('free2', { writes: ['docs/b.md'] }),
      task('reader', { reads: ['docs/a.md'] }),
    ]);
    const result = await orchestrator.start({ goal: 'g', plan: p }).done;
    assert.equal(result.status, 'succeeded');
    const serial = [...writers, 'dirWriter'];
    for (const a of serial)
      for (const b of serial) if (a < b) assert.equal(timeline.overlapped(a, b), false, `${a} and ${b} overlapped`);
    assert.ok(
      serial.some((w) => timeline.overlapped(w, 'free1')),
      'an independent task ran alongside a writer',
    );
    assert.ok(timeline.overlapped('free1', 'free2'));
    assert.equal(timeline.overlapped('free1', 'reader'), false, 'a reader waits for the writer of its path');
  });

  it("holds the global concurrency limit and each agent's maximum load", async () => {
    const timeline = new Timeline();
    const tasks = plan(
      Array.from({ length: 12 }, (_, i) => task(`t${i}`, { requiredCapabilities: [i % 2 ? 'code' : 'test'] })),
    );
    const { orchestrator } = makeHarness({
      agents: [
        waitingAgent({ id: 'coder', capabilities: ['code'], maxLoad: 2 }, 20, timeline),
        waitingAgent({ id: 'tester', capabilities: ['test'], maxLoad: 8 }, 20, timeline),
      ],
      settings: { maxConcurrency: 5 },
    });
    assert.equal((await orchestrator.start({ goal: 'g', plan: tasks }).done).status, 'succeeded');
    assert.equal(timeline.maxConcurrent(), 5, 'the global limit was reached and held');
    assert.equal(
      timeline.maxConcurrent((e) => e.agentId === 'coder'),
      2,
      'the coder never ran more than its maxLoad',
    );
  });

  it('passes dependency outputs to dependents', async () => {
    const seen: unknown[] = [];
    const agent = testAgent(coder(), async (ctx) => {
      seen.push(ctx.dependencyOutputs);
      return { output: { from: ctx.task.id } };
    });
    const { orchestrator } = makeHarness({ agents: [agent] });
    await orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b', { dependencies: ['a'] })]) }).done;
    assert.deepEqual(seen[1], { a: { from: 'a' } });
  });

  it('retries a retryable failure after at least the retry-after hint', async () => {
    const timeline = new Timeline();
    let calls = 0;
    const agent = testAgent(
      coder(),
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
    const failed = ofType(events, 'task.attempt.failed')[0]!;
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
    const agent = testAgent(coder(), async (ctx) => {
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
    const agent = testAgent(coder(), async (ctx) => {
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
    const agent = testAgent(coder(), async (ctx) => {
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
      ofType(events, 'task.cancelled')
        .map((e) => e.taskId)
        .sort(),
      ['a', 'b'],
    );
    assert.equal(result.state.tasks.c!.status, 'pending');
  });

  it('stops an attempt at its time limit and retries it', async () => {
    let calls = 0;
    const agent = testAgent(coder(), async (ctx) => {
      if (++calls === 1) await systemClock.sleep(5_000, ctx.signal);
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a', { timeoutMs: 30 })]) }).done;
    assert.equal(result.status, 'succeeded');
    const failed = ofType(events, 'task.attempt.failed')[0]!;
    assert.equal(failed.failureClass, 'retryable');
    assert.match(failed.message, /time limit/);
  });

  it('pause lets running tasks finish, starts nothing new, and resume completes', async () => {
    const timeline = new Timeline();
    const { orchestrator } = makeHarness({
      agents: [waitingAgent(coder(), 30, timeline)],
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

  it('refuses an empty goal or a nonsense budget before creating anything', () => {
    const { orchestrator, events } = makeHarness({ agents: [waitingAgent(coder(), 1)] });
    assert.throws(() => orchestrator.start({ goal: '  ', plan: plan([task('a')]) }), /needs a goal/);
    assert.throws(
      () => orchestrator.start({ goal: 'g', plan: plan([task('a')]), budget: { maxTokens: -5 } }),
      /maxTokens must be a finite number >= 0/,
    );
    assert.equal(events.length, 0);
  });

  it('a dry run stops after validate', async () => {
    const { orchestrator, events } = makeHarness({ agents: [waitingAgent(coder(), 1)] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]), dryRun: true }).done;
    assert.equal(result.status, 'planned');
    assert.deepEqual(
      ofType(events, 'run.phase').map((e) => e.phase),
      ['plan', 'validate', 'complete'],
    );
    assert.equal(eventTypes(events).includes('task.started'), false);
    await assert.rejects(orchestrator.resume(result.runId), /dry run/);
  });

  it('refuses a cyclic plan, naming the cycle, and runs nothing', async () => {
    const { orchestrator, events } = makeHarness({ agents: [waitingAgent(coder(), 1)] });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { dependencies: ['b'] }), task('b', { dependencies: ['a'] })]),
    }).done;
    assert.equal(result.status, 'failed');
    const rejected = ofType(events, 'plan.rejected')[0]!;
    assert.match(rejected.issues[0]!.message, /a → b → a/);
    assert.equal(eventTypes(events).includes('task.started'), false);
  });

  it('asks the planner when no plan is given, and reports a planner failure clearly', async () => {
    const agent = waitingAgent(coder(), 1);
    const ok = makeHarness({ agents: [agent], planner: { plan: async (goal) => plan([task('x', { title: goal })]) } });
    const result = await ok.orchestrator.start({ goal: 'write docs' }).done;
    assert.equal(result.status, 'succeeded');
    assert.equal(result.state.plan?.tasks[0]?.title, 'write docs');
    const broken = makeHarness({
      agents: [agent],
      registry: undefined,
      planner: {
        plan: async () => {
          throw new Error('model unreachable');
        },
      },
    });
    const failed = await broken.orchestrator.start({ goal: 'g' }).done;
    assert.equal(failed.status, 'failed');
    assert.match(failed.state.findings[0]!.message, /Planning failed: model unreachable/);
  });

  it('replays a completed step on retry instead of repeating its side effect', async () => {
    let effects = 0;
    let calls = 0;
    const agent = testAgent(coder(), async (ctx) => {
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
      agents: [waitingAgent(coder(), 1)],
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
    const agent = testAgent(coder(), async (ctx) => {
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
