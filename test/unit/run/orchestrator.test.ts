import assert from 'node:assert/strict';
import { spanRecords } from '../../../src/core/observe/spanRecords';
import { eventsOfType, eventTypes, makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { codeAgentDefinition, testAgent, Timeline, waitingAgent } from '../../support/testAgents';

describe('Orchestrator: phases, scheduling and plans', () => {
  it('walks the phases initialise → plan → validate → execute → monitor → complete', async () => {
    const { orchestrator, events } = makeHarness({ agents: [waitingAgent(codeAgentDefinition(), 1)] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(
      eventsOfType(events, 'run.phase').map((e) => e.phase),
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
    const agent = testAgent(codeAgentDefinition(), async (ctx) => {
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
      eventsOfType(events, 'span.started').map((s) => s.name),
      ['run.execute'],
    );
    const log = eventsOfType(events, 'log').find((l) => l.message === 'working')!;
    assert.equal(log.taskId, 'a');
    const metrics = eventsOfType(events, 'metrics').at(-1)!;
    assert.equal(metrics.counters['tasks.succeeded'], 2);
    assert.equal(metrics.histograms['task.durationMs']?.count, 2);
  });

  it('runs independent tasks at the same time and dependents after their dependencies', async () => {
    const timeline = new Timeline();
    const { orchestrator } = makeHarness({ agents: [waitingAgent(codeAgentDefinition(), 40, timeline)] });
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
      agents: [waitingAgent(codeAgentDefinition(), 30, timeline)],
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
    const agent = testAgent(codeAgentDefinition(), async (ctx) => {
      seen.push(ctx.dependencyOutputs);
      return { output: { from: ctx.task.id } };
    });
    const { orchestrator } = makeHarness({ agents: [agent] });
    await orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b', { dependencies: ['a'] })]) }).done;
    assert.deepEqual(seen[1], { a: { from: 'a' } });
  });

  it('refuses an empty goal or a nonsense budget before creating anything', () => {
    const { orchestrator, events } = makeHarness({ agents: [waitingAgent(codeAgentDefinition(), 1)] });
    assert.throws(() => orchestrator.start({ goal: '  ', plan: plan([task('a')]) }), /needs a goal/);
    assert.throws(
      () => orchestrator.start({ goal: 'g', plan: plan([task('a')]), budget: { maxTokens: -5 } }),
      /maxTokens must be a finite number >= 0/,
    );
    assert.equal(events.length, 0);
  });

  it('a dry run stops after validate', async () => {
    const { orchestrator, events } = makeHarness({ agents: [waitingAgent(codeAgentDefinition(), 1)] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]), dryRun: true }).done;
    assert.equal(result.status, 'planned');
    assert.deepEqual(
      eventsOfType(events, 'run.phase').map((e) => e.phase),
      ['plan', 'validate', 'complete'],
    );
    assert.equal(eventTypes(events).includes('task.started'), false);
    await assert.rejects(orchestrator.resume(result.runId), /dry run/);
  });

  it('refuses a cyclic plan, naming the cycle, and runs nothing', async () => {
    const { orchestrator, events } = makeHarness({ agents: [waitingAgent(codeAgentDefinition(), 1)] });
    const result = await orchestrator.start({
      goal: 'g',
      plan: plan([task('a', { dependencies: ['b'] }), task('b', { dependencies: ['a'] })]),
    }).done;
    assert.equal(result.status, 'failed');
    const rejected = eventsOfType(events, 'plan.rejected')[0]!;
    assert.match(rejected.issues[0]!.message, /a → b → a/);
    assert.equal(eventTypes(events).includes('task.started'), false);
  });

  it('asks the planner when no plan is given, and reports a planner failure clearly', async () => {
    const agent = waitingAgent(codeAgentDefinition(), 1);
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
});
