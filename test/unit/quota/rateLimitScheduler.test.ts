import assert from 'node:assert/strict';
import { RateLimitScheduler, type ModelKey, type RateLimits } from '../../../src/core/quota/rateLimitScheduler';
import { RequestTooLargeError } from '../../../src/core/quota/requestTooLargeError';
import { ManualClock } from '../../support/manualClock';
import { RATE_WINDOW_MS as W } from '../../../src/core/quota/rateMeter';

const KEY: ModelKey = { provider: 'openai', model: 'gpt-4o' };

function scheduler(
  limits: RateLimits | undefined,
  clock = new ManualClock(),
): { clock: ManualClock; rates: RateLimitScheduler } {
  return { clock, rates: new RateLimitScheduler(clock, () => limits) };
}

/** The largest total of `amount` in any half-open 60 s window [t, t + 60 s). */
function maxPerMinute(grants: ReadonlyArray<{ at: number; amount: number }>): number {
  let worst = 0;
  for (const start of grants) {
    const sum = grants.filter((g) => g.at >= start.at && g.at < start.at + 60_000).reduce((s, g) => s + g.amount, 0);
    worst = Math.max(worst, sum);
  }
  return worst;
}

/** Advances the clock second by second until `done()` or a time limit (so a bug cannot hang the test). */
async function runUntil(clock: ManualClock, done: () => boolean, limitMs = 10 * 60_000): Promise<void> {
  const end = clock.now() + limitMs;
  while (!done() && clock.now() < end) await clock.advance(1_000);
  assert.ok(done(), `not done after ${limitMs} ms of manual time`);
}

describe('RateLimitScheduler', () => {
  it('spreads 8 concurrent requests against rpm=4 so no 60 s window holds more than 4', async () => {
    const { clock, rates } = scheduler({ requestsPerMinute: 4 });
    const grants: Array<{ at: number; amount: number }> = [];
    for (let i = 0; i < 8; i++) void rates.reserve(KEY, 10).then(() => grants.push({ at: clock.now(), amount: 1 }));
    await runUntil(clock, () => grants.length === 8);
    assert.equal(maxPerMinute(grants), 4);
    assert.deepEqual(
      grants.map((g) => g.at),
      [0, 0, 0, 0, W, W, W, W],
    );
  });

  it('keeps tokens under tpm in every 60 s window', async () => {
    const { clock, rates } = scheduler({ tokensPerMinute: 1_000 });
    const grants: Array<{ at: number; amount: number }> = [];
    const sizes = [400, 400, 400, 300, 500, 200, 600, 100];
    for (const n of sizes) void rates.reserve(KEY, n).then(() => grants.push({ at: clock.now(), amount: n }));
    await runUntil(clock, () => grants.length === sizes.length);
    assert.ok(maxPerMinute(grants) <= 1_000, `a window held ${maxPerMinute(grants)} tokens`);
    assert.equal(grants[0]?.at, 0);
    assert.ok((grants.at(-1)?.at ?? 0) >= 120_000, 'the 3 400 tokens need at least three minutes');
  });

  it('serves waiters first come, first served: a small request does not overtake a large one', async () => {
    const { clock, rates } = scheduler({ tokensPerMinute: 1_000 });
    await rates.reserve(KEY, 900);
    const order: string[] = [];
    const big = rates.reserve(KEY, 800).then(() => order.push(`big@${clock.now()}`));
    const small = rates.reserve(KEY, 50).then(() => order.push(`small@${clock.now()}`));
    await clock.advance(1_000);
    assert.deepEqual(order, [], 'the small request would have fitted but must wait its turn');
    await runUntil(clock, () => order.length === 2);
    await Promise.all([big, small]);
    assert.deepEqual(order, [`big@${W}`, `small@${W}`]);
  });

  it('drops an aborted waiter from the queue and rejects it with the abort reason', async () => {
    const { clock, rates } = scheduler({ requestsPerMinute: 1 });
    await rates.reserve(KEY, 1);
    const ac = new AbortController();
    const aborted = rates.reserve(KEY, 1, ac.signal);
    let thirdAt = -1;
    void rates.reserve(KEY, 1).then(() => (thirdAt = clock.now()));
    await clock.advance(10);
    assert.equal(rates.headroom()[0]?.waiting, 2);
    ac.abort(new Error('task cancelled'));
    await assert.rejects(aborted, /task cancelled/);
    assert.equal(rates.headroom()[0]?.waiting, 1);
    await runUntil(clock, () => thirdAt >= 0);
    assert.equal(thirdAt, W, 'the next waiter takes the slot the aborted one would have had');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { rates } = scheduler({ requestsPerMinute: 1 });
    await assert.rejects(rates.reserve(KEY, 1, AbortSignal.abort(new Error('gone'))), /gone/);
  });

  it('refuses a request larger than tpm at once with a clear, needs-human error', async () => {
    const { rates } = scheduler({ tokensPerMinute: 1_000 });
    const err: unknown = await rates.reserve(KEY, 1_001).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof RequestTooLargeError);
    assert.equal(err.failureClass, 'needs-human');
    assert.match(err.message, /1001 tokens to openai\/gpt-4o is larger than its limit of 1000 tokens per minute/);
  });

  it('settle keeps an overestimate counted until its minute has passed, as a provider counting max_tokens does', async () => {
    const { clock, rates } = scheduler({ tokensPerMinute: 1_000 });
    const first = await rates.reserve(KEY, 800);
    let at = -1;
    void rates.reserve(KEY, 500).then(() => (at = clock.now()));
    await clock.advance(5_000);
    assert.equal(at, -1);
    first.settle(200);
    await clock.advance(0);
    assert.equal(at, -1, 'the 600 unused tokens are not given back');
    await runUntil(clock, () => at >= 0);
    assert.equal(at, W, 'the waiter goes when the reservation leaves the window');
  });

  it('settle debits an underestimate so later requests wait longer', async () => {
    const { clock, rates } = scheduler({ tokensPerMinute: 1_000 });
    const first = await rates.reserve(KEY, 100);
    first.settle(900);
    let at = -1;
    void rates.reserve(KEY, 500).then(() => (at = clock.now()));
    await runUntil(clock, () => at >= 0);
    assert.equal(at, W);
  });

  it('release gives back the request and tokens of a request never sent', async () => {
    const { rates } = scheduler({ requestsPerMinute: 1, tokensPerMinute: 100 });
    const first = await rates.reserve(KEY, 100);
    assert.deepEqual(pick(rates), { requestsLeft: 0, tokensLeft: 0 });
    first.release();
    assert.deepEqual(pick(rates), { requestsLeft: 1, tokensLeft: 100 });
    assert.throws(() => first.settle(10), /already settled or released/);
  });

  it('pauseFor holds every request for that key until the pause is over', async () => {
    const { clock, rates } = scheduler(undefined);
    rates.pauseFor(KEY, 5_000);
    let at = -1;
    let otherAt = -1;
    void rates.reserve(KEY, 10).then(() => (at = clock.now()));
    void rates.reserve({ provider: 'openai', model: 'other' }, 1).then(() => (otherAt = clock.now()));
    await clock.advance(0);
    assert.equal(otherAt, 0, 'another model is not paused');
    await clock.advance(4_999);
    assert.equal(at, -1);
    assert.equal(rates.headroom()[0]?.pausedUntil, 5_000);
    await clock.advance(1);
    assert.equal(at, 5_000);
  });

  it('keeps keys independent and reports headroom per key', async () => {
    const clock = new ManualClock();
    const rates = new RateLimitScheduler(clock, (k) =>
      k.model === 'small' ? { requestsPerMinute: 1, tokensPerMinute: 50 } : undefined,
    );
    await rates.reserve({ provider: 'p', model: 'small' }, 20);
    void rates.reserve({ provider: 'p', model: 'small' }, 20);
    await rates.reserve({ provider: 'p', model: 'free' }, 1_000_000);
    await clock.advance(0);
    assert.deepEqual(rates.headroom(), [
      { key: { provider: 'p', model: 'small' }, rpm: 1, requestsLeft: 0, tpm: 50, tokensLeft: 30, waiting: 1 },
      { key: { provider: 'p', model: 'free' }, waiting: 0 },
    ]);
  });

  it('rejects a bad key or estimate with a clear error', async () => {
    const { rates } = scheduler({ requestsPerMinute: 1 });
    await assert.rejects(rates.reserve({ provider: '', model: 'x' }, 1), /non-empty provider and model/);
    await assert.rejects(rates.reserve(KEY, -5), /estimatedTokens must be a finite number >= 0/);
    const bad = new RateLimitScheduler(new ManualClock(), () => ({ requestsPerMinute: 0 }));
    await assert.rejects(
      bad.reserve(KEY, 1),
      /requestsPerMinute limit for openai\/gpt-4o must be a number of at least 1/,
    );
  });
});

function pick(rates: RateLimitScheduler): { requestsLeft?: number; tokensLeft?: number } {
  const h = rates.headroom()[0];
  return { requestsLeft: h?.requestsLeft, tokensLeft: h?.tokensLeft };
}
