import assert from 'node:assert/strict';
import { TaskFailure } from '../../../src/core/model/failure';
import { RunEventSchema, type RunEvent } from '../../../src/core/model/runEvents';
import { OtlpSpanExporter } from '../../../src/core/observe/otlpSpanExporter';
import { spanRecords, type SpanRecord } from '../../../src/core/observe/spanRecords';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** A run whose tasks end every way an attempt can: ok, failed for good, failed then retried. */
async function runOfEveryOutcome(): Promise<RunEvent[]> {
  const tries = new Map<string, number>();
  const agent = testAgent({ id: 'worker', capabilities: ['code'], maxLoad: 4 }, async (ctx) => {
    const n = (tries.get(ctx.task.id) ?? 0) + 1;
    tries.set(ctx.task.id, n);
    if (ctx.task.id === 'a') ctx.startSpan?.('execute_tool read_file').end('ok');
    if (ctx.task.id === 'b') throw new TaskFailure('broken for good', 'fatal');
    if (ctx.task.id === 'c' && n === 1) throw new TaskFailure('try again', 'retryable');
    return { output: ctx.task.id };
  });
  const { orchestrator, events } = makeHarness({ agents: [agent] });
  const result = await orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b'), task('c')]) }).done;
  assert.equal(result.status, 'failed', 'task b fails for good');
  return events;
}

const taskSpan = (spans: readonly SpanRecord[], taskId: string, attempt: number): SpanRecord | undefined =>
  spans.find((s) => s.name === 'task' && s.attributes['taskId'] === taskId && s.attributes['attempt'] === attempt);

describe('task spans told by task events (no span.* events per task)', () => {
  it('task.started opens the span and the outcome ends it: ok, error, error then ok on the retry', async () => {
    const events = await runOfEveryOutcome();
    assert.deepEqual(
      events.filter((e) => e.type === 'span.started').map((e) => (e.type === 'span.started' ? e.name : '')),
      ['run.execute', 'execute_tool read_file'],
      'only the run and the tool call have span events of their own',
    );
    const spans = spanRecords(events);
    const run = spans.find((s) => s.name === 'run.execute')!;
    const outcomes = [
      ['a', 1, 'ok'],
      ['b', 1, 'error'],
      ['c', 1, 'error'],
      ['c', 2, 'ok'],
    ] as const;
    for (const [id, attempt, status] of outcomes) {
      const span = taskSpan(spans, id, attempt);
      assert.ok(span, `a span for ${id} attempt ${attempt}`);
      assert.equal(span.status, status, `${id} attempt ${attempt}`);
      assert.equal(span.parentId, run.spanId);
      assert.equal(span.attributes['agentId'], 'worker');
      assert.ok(span.endedAt! >= span.startedAt && span.durationMs! >= 0);
    }
    assert.equal(spans.filter((s) => s.name === 'task').length, 4);
    const tool = spans.find((s) => s.name === 'execute_tool read_file')!;
    assert.equal(tool.parentId, taskSpan(spans, 'a', 1)!.spanId, "a tool call is a child of its attempt's span");
    // The new fields are part of the event schema: the log reads back.
    for (const e of events) RunEventSchema.parse(JSON.parse(JSON.stringify(e)));
  });

  it('a cancelled attempt ends its span cancelled, with the time it ran', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const agent = testAgent({ id: 'worker', capabilities: ['code'], maxLoad: 1 }, async (ctx) => {
      started();
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent] });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a')]) });
    await running;
    handle.cancel();
    assert.equal((await handle.done).status, 'cancelled');
    const span = taskSpan(spanRecords(events), 'a', 1);
    assert.equal(span?.status, 'cancelled');
    assert.equal(span.durationMs, span.endedAt! - span.startedAt);
  });

  it('the OTLP exporter sends each task span once, as its attempt ends', async () => {
    const events = await runOfEveryOutcome();
    const bodies: string[] = [];
    const exporter = new OtlpSpanExporter({
      endpoint: 'http://127.0.0.1:4318',
      runId: 'r',
      warn: () => assert.fail('no export failure'),
      fetch: (async (_url: unknown, init?: { body?: unknown }) => {
        bodies.push(String(init?.body));
        return new Response('{}', { status: 200 });
      }) as typeof fetch,
    });
    for (const e of events) exporter.onEvent(e);
    await exporter.flush();
    const names = bodies.flatMap((b) =>
      (
        JSON.parse(b) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> }
      ).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.name))),
    );
    assert.deepEqual(names.filter((n) => n === 'task').length, 4, names.join(', '));
    assert.equal(exporter.counts.exported, names.length);
    assert.equal(names.length, spanRecords(events).length, 'every span, each once');
  });
});
