import assert from 'node:assert/strict';
import { decideNextStep } from '../../../src/core/execute/attemptOutcome';
import { classifyFailure, TaskFailure } from '../../../src/core/model/failure';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../../src/core/execute/retryPolicy';
import type { AttemptRecord } from '../../../src/core/model/runState';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

const policy = {
  ...DEFAULT_RETRY_POLICY,
  baseDelayMs: 100,
  maxDelayMs: 1000,
  maxAttemptsPerAgent: 3,
  maxAttemptsPerTask: 5,
  maxTotalRetryMs: 5000,
};
const attempts = (...agents: string[]): AttemptRecord[] =>
  agents.map((agentId, i) => ({ attempt: i + 1, agentId, startedAt: 0 }));

describe('backoffDelay', () => {
  it('grows exponentially with jitter in the upper half, capped', () => {
    assert.equal(
      backoffDelay(policy, 0, undefined, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(policy, 0, undefined, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(policy, 3, undefined, () => 1),
      800,
    );
    assert.equal(
      backoffDelay(policy, 10, undefined, () => 1),
      1000,
    );
  });

  it('never comes back sooner than a retry-after hint', () => {
    assert.equal(
      backoffDelay(policy, 0, 20_000, () => 0.5),
      20_000,
    );
    assert.equal(
      backoffDelay(policy, 3, 10, () => 1),
      800,
    );
  });
});

describe('classifyFailure', () => {
  it('takes the class and hint from a TaskFailure', () => {
    assert.deepEqual(
      classifyFailure(new TaskFailure('slow down', 'retryable', { retryAfterMs: 300 }), { timedOut: false }),
      { failureClass: 'retryable', message: 'slow down', retryAfterMs: 300 },
    );
  });
  it("treats a timeout as retryable and any other error as the agent's fault", () => {
    assert.equal(classifyFailure(new Error('x'), { timedOut: true }).failureClass, 'retryable');
    assert.equal(classifyFailure(new Error('boom'), { timedOut: false }).failureClass, 'reassign');
    assert.equal(classifyFailure('odd', { timedOut: false }).message, 'odd');
  });
});

describe('decideNextStep', () => {
  const base = { agentId: 'a', waitedMs: 0, otherCandidates: 'some' as const, proposedDelayMs: 100 };
  it('retries a retryable failure with the same agent', () => {
    assert.deepEqual(
      decideNextStep({ ...base, failure: { failureClass: 'retryable', message: '' }, attempts: attempts('a') }, policy),
      { next: 'retry', delayMs: 100 },
    );
  });
  it('moves to another agent once the agent used its attempts or the retry time is spent', () => {
    assert.deepEqual(
      decideNextStep(
        { ...base, failure: { failureClass: 'retryable', message: '' }, attempts: attempts('a', 'a', 'a') },
        policy,
      ),
      { next: 'reassign' },
    );
    assert.deepEqual(
      decideNextStep(
        { ...base, waitedMs: 4950, failure: { failureClass: 'retryable', message: '' }, attempts: attempts('a') },
        policy,
      ),
      { next: 'reassign' },
    );
  });
  it('fails when no other agent is left or the task used all its attempts', () => {
    assert.deepEqual(
      decideNextStep(
        {
          ...base,
          otherCandidates: 'none',
          failure: { failureClass: 'reassign', message: '' },
          attempts: attempts('a'),
        },
        policy,
      ),
      { next: 'fail' },
    );
    assert.deepEqual(
      decideNextStep(
        { ...base, failure: { failureClass: 'retryable', message: '' }, attempts: attempts('a', 'b', 'c', 'd', 'e') },
        policy,
      ),
      { next: 'fail' },
    );
  });
  it('pauses for a human and fails a fatal error at once', () => {
    assert.deepEqual(
      decideNextStep(
        { ...base, failure: { failureClass: 'needs-human', message: '' }, attempts: attempts('a') },
        policy,
      ),
      { next: 'pause' },
    );
    assert.deepEqual(
      decideNextStep({ ...base, failure: { failureClass: 'fatal', message: '' }, attempts: attempts('a') }, policy),
      { next: 'fail' },
    );
  });
});

describe('checklist 21: a step is retried after retry-after, within a capped total retry time, and never when fatal', () => {
  const retryable = { failureClass: 'retryable' as const, message: '429' };
  const facts = { agentId: 'a', otherCandidates: 'none' as const, attempts: attempts('a') };

  it('waits at least the retry-after hint the provider sent', () => {
    const hinted = classifyFailure(new TaskFailure('slow down', 'retryable', { retryAfterMs: 3_000 }), {
      timedOut: false,
    });
    const delay = backoffDelay(policy, 0, hinted.retryAfterMs, () => 0);
    assert.equal(delay, 3_000);
    assert.deepEqual(decideNextStep({ ...facts, waitedMs: 0, failure: hinted, proposedDelayMs: delay }, policy), {
      next: 'retry',
      delayMs: 3_000,
    });
  });

  it('stops retrying once the wait would pass the total retry time of the step', () => {
    assert.deepEqual(
      decideNextStep({ ...facts, waitedMs: 3_000, failure: retryable, proposedDelayMs: 2_000 }, policy),
      {
        next: 'retry',
        delayMs: 2_000,
      },
    );
    assert.deepEqual(
      decideNextStep({ ...facts, waitedMs: 3_001, failure: retryable, proposedDelayMs: 2_000 }, policy),
      { next: 'fail' },
    );
    // A retry-after far beyond the cap is not waited for at all.
    assert.deepEqual(decideNextStep({ ...facts, waitedMs: 0, failure: retryable, proposedDelayMs: 600_000 }, policy), {
      next: 'fail',
    });
    assert.ok(Number.isFinite(DEFAULT_RETRY_POLICY.maxTotalRetryMs) && DEFAULT_RETRY_POLICY.maxTotalRetryMs > 0);
  });

  it('never retries a fatal failure (400, 401, 403), however much retry time is left', () => {
    const fatal = { failureClass: 'fatal' as const, message: '403' };
    assert.deepEqual(decideNextStep({ ...facts, waitedMs: 0, failure: fatal, proposedDelayMs: 0 }, policy), {
      next: 'fail',
    });
  });
});

describe('a task that runs out of retries', () => {
  const coder = { id: 'coder', capabilities: ['code'] };
  it('fails with a message that says it gave up, not the last error alone ("… will be retried")', async () => {
    let calls = 0;
    const agent = testAgent(coder, async () => {
      calls++;
      throw new TaskFailure('openai is overloaded (529) answering openai model "m"', 'retryable');
    });
    const { orchestrator, events } = makeHarness({ agents: [agent] });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'failed');
    assert.equal(calls, DEFAULT_RETRY_POLICY.maxAttemptsPerAgent);
    const failed = events.find((e) => e.type === 'task.failed');
    assert.equal(
      failed?.type === 'task.failed' ? failed.message : undefined,
      'Gave up after 3 attempts that failed for temporary reasons; the last: openai is overloaded (529) answering openai model "m"',
    );
    assert.equal(result.state.tasks.a?.failure, failed?.type === 'task.failed' ? failed.message : 'missing');
  });

  it('keeps the message of a fatal failure as it is', async () => {
    const agent = testAgent(coder, async () => {
      throw new TaskFailure('The API key for openai was rejected (401).', 'fatal');
    });
    const { orchestrator, events } = makeHarness({ agents: [agent] });
    await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    const failed = events.find((e) => e.type === 'task.failed');
    assert.equal(
      failed?.type === 'task.failed' ? failed.message : undefined,
      'The API key for openai was rejected (401).',
    );
  });
});
