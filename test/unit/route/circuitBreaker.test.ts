import assert from 'node:assert/strict';
import { CircuitBreaker, type CircuitChange, type CircuitBreakerOptions } from '../../../src/core/route/circuitBreaker';
import { ManualClock } from '../../support/manualClock';

const OPENAI = { provider: 'openai', model: 'gpt-4o' };
const MINI = { provider: 'openai', model: 'gpt-4o-mini' };

function breaker(options: CircuitBreakerOptions = {}): {
  clock: ManualClock;
  b: CircuitBreaker;
  changes: CircuitChange[];
} {
  const clock = new ManualClock(Date.UTC(2025, 0, 1, 12, 0, 0));
  const b = new CircuitBreaker(clock, options);
  const changes: CircuitChange[] = [];
  b.onDidChange((c) => changes.push(c));
  return { clock, b, changes };
}

function fail(b: CircuitBreaker, times: number, key = OPENAI): void {
  for (let i = 0; i < times; i++) b.recordFailure(key, 'retryable');
}

describe('CircuitBreaker', () => {
  it('opens after 5 retryable failures in a row, not after 4', () => {
    const { b, changes } = breaker();
    fail(b, 4);
    assert.equal(b.state(OPENAI), 'closed');
    assert.ok(b.canRequest(OPENAI));
    fail(b, 1);
    assert.equal(b.state(OPENAI), 'open');
    assert.equal(b.canRequest(OPENAI), false);
    assert.deepEqual(
      changes.map((c) => `${c.circuit}:${c.from}->${c.to}`),
      ['openai:closed->open'],
    );
    assert.match(b.status(OPENAI).reason ?? '', /5 failures in a row within 60 s/);
  });

  it('a success in between resets the count', () => {
    const { b } = breaker();
    fail(b, 4);
    b.recordSuccess(OPENAI);
    fail(b, 4);
    assert.equal(b.state(OPENAI), 'closed');
    assert.equal(b.status(OPENAI).failures, 4);
  });

  it('only counts failures within the window', async () => {
    const { b, clock } = breaker({ windowMs: 10_000 });
    fail(b, 4);
    await clock.advance(10_000);
    fail(b, 1);
    assert.equal(b.state(OPENAI), 'closed');
    assert.equal(b.status(OPENAI).failures, 1);
  });

  it('stays open for the cooldown, then lets exactly one trial through', async () => {
    const { b, clock, changes } = breaker();
    fail(b, 5);
    assert.equal(b.status(OPENAI).openUntil, clock.now() + 30_000);
    await clock.advance(29_999);
    assert.equal(b.canRequest(OPENAI), false);
    await clock.advance(1);
    assert.equal(b.state(OPENAI), 'half-open');
    assert.ok(b.wouldAllow(OPENAI), 'a query does not take the trial slot');
    assert.ok(b.canRequest(OPENAI));
    assert.equal(b.canRequest(OPENAI), false, 'a second request waits for the trial');
    assert.equal(b.wouldAllow(OPENAI), false);
    assert.ok(b.status(OPENAI).trialInFlight);
    b.recordSuccess(OPENAI);
    assert.equal(b.state(OPENAI), 'closed');
    assert.ok(b.canRequest(OPENAI));
    assert.deepEqual(
      changes.map((c) => c.to),
      ['open', 'half-open', 'closed'],
    );
  });

  it('a failed trial re-opens for another cooldown', async () => {
    const { b, clock } = breaker({ cooldownMs: 1_000 });
    fail(b, 5);
    await clock.advance(1_000);
    assert.ok(b.canRequest(OPENAI));
    b.recordFailure(OPENAI, 'retryable');
    assert.equal(b.state(OPENAI), 'open');
    assert.equal(b.status(OPENAI).openUntil, clock.now() + 1_000);
    assert.match(b.status(OPENAI).reason ?? '', /trial request failed/);
  });

  it('a lost trial frees the slot after trialTimeoutMs', async () => {
    const { b, clock } = breaker({ cooldownMs: 1_000, trialTimeoutMs: 5_000 });
    fail(b, 5);
    await clock.advance(1_000);
    assert.ok(b.canRequest(OPENAI));
    await clock.advance(4_999);
    assert.equal(b.canRequest(OPENAI), false);
    await clock.advance(1);
    assert.ok(b.canRequest(OPENAI));
  });

  it('a fatal 400 is the caller’s fault and neither counts nor resets', () => {
    const { b } = breaker();
    fail(b, 4);
    for (let i = 0; i < 10; i++) b.recordFailure(OPENAI, 'fatal', { status: 400 });
    assert.equal(b.state(OPENAI), 'closed');
    assert.equal(b.status(OPENAI).failures, 4);
  });

  it('ignores 429s, agent faults and needs-human', () => {
    const { b } = breaker({ failureThreshold: 1 });
    b.recordFailure(OPENAI, 'retryable', { status: 429 });
    b.recordFailure(OPENAI, 'reassign');
    b.recordFailure(OPENAI, 'needs-human');
    b.recordFailure(OPENAI, 'fatal');
    assert.equal(b.state(OPENAI), 'closed');
  });

  it('a non-counting failure of the trial frees the slot without a verdict', async () => {
    const { b, clock } = breaker({ cooldownMs: 1_000 });
    fail(b, 5);
    await clock.advance(1_000);
    assert.ok(b.canRequest(OPENAI));
    b.recordFailure(OPENAI, 'fatal', { status: 400 });
    assert.equal(b.state(OPENAI), 'half-open');
    assert.ok(b.canRequest(OPENAI));
  });

  it('an auth failure (401) opens at once for the auth cooldown; reset closes it', () => {
    const { b, clock } = breaker({ authCooldownMs: 600_000 });
    b.recordFailure(OPENAI, 'fatal', { status: 401 });
    const s = b.status(OPENAI);
    assert.equal(s.state, 'open');
    assert.equal(s.openUntil, clock.now() + 600_000);
    assert.match(s.reason ?? '', /authentication failed \(HTTP 401\); check the API key/);
    b.reset(OPENAI);
    assert.equal(b.state(OPENAI), 'closed');
  });

  it('keeps providers apart and, by default, treats all models of a provider as one', () => {
    const { b } = breaker();
    fail(b, 5);
    assert.equal(b.state(MINI), 'open');
    assert.equal(b.state({ provider: 'anthropic', model: 'claude' }), 'closed');
  });

  it('perModel: retryable failures open one model; a 401 blocks the whole provider', () => {
    const { b } = breaker({ perModel: true });
    fail(b, 5);
    assert.equal(b.state(OPENAI), 'open');
    assert.equal(b.status(OPENAI).circuit, 'openai/gpt-4o');
    assert.equal(b.state(MINI), 'closed');
    b.recordFailure(MINI, 'fatal', { status: 403 });
    assert.equal(b.status(MINI).circuit, 'openai/gpt-4o-mini');
    assert.match(b.status(MINI).reason ?? '', /HTTP 403\); check that the API key may use this model/);
    const other = { provider: 'openai', model: 'o3' };
    assert.equal(b.state(other), 'closed', 'a 403 may be one model’s access only');
    b.recordFailure(other, 'fatal', { status: 401 });
    assert.equal(b.status(other).circuit, 'openai');
    assert.equal(b.state({ provider: 'openai', model: 'anything' }), 'open');
  });

  it('ignores late failures and successes while open', () => {
    const { b, clock } = breaker();
    fail(b, 5);
    const until = b.status(OPENAI).openUntil;
    fail(b, 3);
    b.recordSuccess(OPENAI);
    assert.equal(b.state(OPENAI), 'open');
    assert.equal(b.status(OPENAI).openUntil, until);
    assert.ok(until !== undefined && until > clock.now());
  });

  it('refuses bad options and keys with a clear message', () => {
    const clock = new ManualClock();
    assert.throws(
      () => new CircuitBreaker(clock, { failureThreshold: 0 }),
      /failureThreshold must be a positive whole number, got 0/,
    );
    assert.throws(() => new CircuitBreaker(clock, { cooldownMs: Number.NaN }), /cooldownMs must be a positive number/);
    assert.throws(() => new CircuitBreaker(clock).state({ provider: '' }), /non-empty provider/);
  });
});
