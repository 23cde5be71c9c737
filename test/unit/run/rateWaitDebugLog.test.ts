import assert from 'node:assert/strict';
import type { LogLevel, RunEvent } from '../../../src/core/model/runEvents';
import type { TaskContext } from '../../../src/core/task/agent';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { scaledClock } from '../../support/scaledClock';
import { testAgent } from '../../support/testAgents';

/** One model request through the run's quota gate; the remote model answers at once. */
async function oneRequest(ctx: TaskContext): Promise<void> {
  await ctx.callModel(
    { key: { provider: 'fake', model: 'm' }, estimatedInputTokens: 50, maxOutputTokens: 50, estimatedCostUsd: 0.01 },
    async () => ({ value: 'ok', usage: { inputTokens: 50, outputTokens: 50, costUsd: 0.01 } }),
  );
}

/** Three tasks at one request per minute on a clock 1,000 times faster than real time. */
async function runAt(logLevel: LogLevel): Promise<RunEvent[]> {
  const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 3 }, oneRequest);
  const { orchestrator, events } = makeHarness({
    agents: [agent],
    clock: scaledClock(1000),
    limits: { requestsPerMinute: 1 },
    settings: { maxConcurrency: 3, logLevel },
  });
  const result = await orchestrator.start({ goal: 'g', plan: plan([task('a'), task('b'), task('c')]) }).done;
  assert.equal(result.status, 'succeeded');
  return [...events];
}

describe('log level debug: each rate-limit wait is a log line', () => {
  it('debug: one line per recorded wait, naming the model, on the waiting task; info: none', async () => {
    const debug = await runAt('debug');
    const waits = debug.filter((e) => e.type === 'task.waited' && e.kind === 'rateLimit');
    const lines = debug.filter((e) => e.type === 'log' && /rate limit/.test(e.message));
    assert.ok(waits.length >= 2, JSON.stringify(waits));
    assert.equal(lines.length, waits.length);
    for (const line of lines) {
      assert.ok(line.type === 'log' && line.level === 'debug');
      assert.match(line.type === 'log' ? line.message : '', /^Waited \d+ ms for the rate limit of fake\/m\.$/);
      assert.ok(line.type === 'log' && waits.some((w) => w.type === 'task.waited' && w.taskId === line.taskId));
    }
    const info = await runAt('info');
    assert.ok(
      info.some((e) => e.type === 'task.waited'),
      'the waits happen at info too',
    );
    assert.equal(info.filter((e) => e.type === 'log' && e.level === 'debug').length, 0);
  });
});
