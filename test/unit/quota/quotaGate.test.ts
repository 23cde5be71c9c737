import assert from 'node:assert/strict';
import { TaskFailure } from '../../../src/core/model/failure';
import { BudgetExceededError } from '../../../src/core/quota/budgetExceededError';
import { QuotaGate, type Metered, type QuotaRequest } from '../../../src/core/quota/quotaGate';
import { RateLimitScheduler, type RateLimits } from '../../../src/core/quota/rateLimitScheduler';
import { RunBudget } from '../../../src/core/quota/runBudget';
import type { Usage } from '../../../src/core/model/usage';
import type { RunEventBody } from '../../../src/core/model/runEvents';
import { ManualClock } from '../../support/manualClock';

const KEY = { provider: 'openai', model: 'gpt-4o' };
const REQ: QuotaRequest = {
  key: KEY,
  estimatedInputTokens: 300,
  maxOutputTokens: 100,
  estimatedCostUsd: 0.01,
  taskId: 't1',
  agentId: 'coder',
};

function setup(limits: { maxTokens?: number; maxCostUsd?: number }, rateLimits?: RateLimits) {
  const clock = new ManualClock();
  const events: RunEventBody[] = [];
  const budget = new RunBudget(limits);
  const rates = new RateLimitScheduler(clock, () => rateLimits);
  const gate = new QuotaGate(budget, rates, (e) => events.push(e));
  return { clock, events, budget, rates, gate, signal: new AbortController().signal };
}

/** A fake model server that counts the requests it receives. */
function fakeServer(reply: Usage = { inputTokens: 300, outputTokens: 100, costUsd: 0.01 }) {
  const server = {
    requests: 0,
    send: (_signal: AbortSignal): Promise<Metered<string>> => {
      server.requests++;
      return Promise.resolve({ value: `answer ${server.requests}`, usage: { ...reply } });
    },
  };
  return server;
}

describe('QuotaGate', () => {
  it('never sends the request that would cross the token budget (THE BUDGET TEST)', async () => {
    const { gate, events, signal } = setup({ maxTokens: 1_000 });
    const server = fakeServer();
    assert.equal((await gate.call(REQ, server.send, signal)).value, 'answer 1');
    assert.equal((await gate.call(REQ, server.send, signal)).value, 'answer 2');
    const err: unknown = await gate.call(REQ, server.send, signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(server.requests, 2, 'the third request must not reach the server');
    assert.ok(err instanceof BudgetExceededError);
    assert.equal(err.failureClass, 'needs-human');
    assert.deepEqual(
      events.filter((e) => e.type === 'budget.exceeded'),
      [{ type: 'budget.exceeded', taskId: 't1', limit: 'tokens', max: 1_000, used: 800, requested: 400 }],
    );
    assert.equal(events.filter((e) => e.type === 'usage.recorded').length, 2);
  });

  it('refuses the third of three parallel requests before any is settled', async () => {
    const { gate, signal } = setup({ maxTokens: 1_000 });
    let sent = 0;
    const finish: Array<() => void> = [];
    const slowSend = (): Promise<Metered<number>> =>
      new Promise((resolve) => {
        sent++;
        finish.push(() => resolve({ value: sent, usage: { inputTokens: 300, outputTokens: 100, costUsd: 0 } }));
      });
    const calls = [
      gate.call(REQ, slowSend, signal),
      gate.call(REQ, slowSend, signal),
      gate.call(REQ, slowSend, signal),
    ];
    const third = calls[2];
    assert.ok(third);
    await assert.rejects(third, BudgetExceededError);
    assert.equal(sent, 2);
    for (const f of finish) f();
    await Promise.all(calls.slice(0, 2));
  });

  it('emits usage.recorded with provider, model, task and agent and settles both quotas', async () => {
    const { gate, events, budget, rates, signal } = setup({ maxTokens: 10_000 }, { tokensPerMinute: 5_000 });
    await gate.call(REQ, fakeServer({ inputTokens: 250, outputTokens: 50, costUsd: 0.004 }).send, signal);
    assert.deepEqual(events, [
      {
        type: 'usage.recorded',
        provider: 'openai',
        model: 'gpt-4o',
        taskId: 't1',
        agentId: 'coder',
        usage: { inputTokens: 250, outputTokens: 50, costUsd: 0.004 },
      },
    ]);
    assert.deepEqual(budget.used, { inputTokens: 250, outputTokens: 50, costUsd: 0.004 });
    assert.deepEqual(budget.reserved, { tokens: 0, costUsd: 0 });
    assert.equal(
      rates.headroom()[0]?.tokensLeft,
      4_600,
      'the rate limit keeps the whole 400-token reservation for its minute (the budget is charged the real 300)',
    );
  });

  it('records usage the provider did not report as the worst-case estimate, never zero', async () => {
    const { gate, events, budget, signal } = setup({});
    const result = await gate.call(
      REQ,
      fakeServer({ inputTokens: 0, outputTokens: 0, costUsd: 0, estimated: true }).send,
      signal,
    );
    const expected = { inputTokens: 300, outputTokens: 100, costUsd: 0.01, estimated: true };
    assert.deepEqual(result.usage, expected);
    assert.deepEqual(budget.used, expected);
    assert.deepEqual(events[0], {
      type: 'usage.recorded',
      provider: 'openai',
      model: 'gpt-4o',
      taskId: 't1',
      agentId: 'coder',
      usage: expected,
    });
  });

  it('keeps an estimate the caller made, flagged as estimated', async () => {
    const { gate, events, signal } = setup({});
    await gate.call(
      REQ,
      fakeServer({ inputTokens: 280, outputTokens: 0, costUsd: 0.002, estimated: true }).send,
      signal,
    );
    const recorded = events[0];
    assert.ok(recorded?.type === 'usage.recorded');
    assert.deepEqual(recorded.usage, { inputTokens: 280, outputTokens: 0, costUsd: 0.002, estimated: true });
  });

  it('when send fails: releases the budget, charges the rate limit the estimate, and honours retry-after', async () => {
    const { gate, budget, rates, clock, signal } = setup({ maxTokens: 1_000 }, { tokensPerMinute: 1_000 });
    const failing = (): Promise<Metered<string>> =>
      Promise.reject(new TaskFailure('429 Too Many Requests', 'retryable', { retryAfterMs: 20_000 }));
    await assert.rejects(gate.call(REQ, failing, signal), /429/);
    assert.deepEqual(budget.reserved, { tokens: 0, costUsd: 0 });
    assert.deepEqual(budget.used, { inputTokens: 0, outputTokens: 0, costUsd: 0 });
    const h = rates.headroom()[0];
    assert.equal(h?.tokensLeft, 600);
    assert.equal(h?.pausedUntil, 20_000);
    const server = fakeServer();
    let doneAt = -1;
    void gate.call(REQ, server.send, signal).then(() => (doneAt = clock.now()));
    await clock.advance(19_999);
    assert.equal(server.requests, 0, 'held by the retry-after pause');
    await clock.advance(1);
    assert.equal(server.requests, 1);
    assert.equal(doneAt, 20_000);
  });

  it('releases the budget when the wait for a rate limit is aborted, and never sends', async () => {
    const { gate, budget, clock } = setup({ maxTokens: 10_000 }, { requestsPerMinute: 1 });
    const server = fakeServer();
    await gate.call(REQ, server.send, new AbortController().signal);
    const ac = new AbortController();
    const waiting = gate.call(REQ, server.send, ac.signal);
    await clock.advance(1_000);
    assert.deepEqual(budget.reserved, { tokens: 400, costUsd: 0.01 });
    ac.abort(new Error('user cancelled'));
    await assert.rejects(waiting, /user cancelled/);
    assert.deepEqual(budget.reserved, { tokens: 0, costUsd: 0 });
    assert.equal(server.requests, 1);
  });

  it('rejects a malformed request before reserving anything', async () => {
    const { gate, budget, signal } = setup({ maxTokens: 10 });
    const server = fakeServer();
    await assert.rejects(
      gate.call({ ...REQ, maxOutputTokens: -1 }, server.send, signal),
      /maxOutputTokens must be a finite number >= 0/,
    );
    assert.equal(server.requests, 0);
    assert.deepEqual(budget.reserved, { tokens: 0, costUsd: 0 });
  });
});
