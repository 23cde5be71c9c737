import assert from 'node:assert/strict';
import { RateLimitScheduler, type ModelKey, type RateLimits } from '../../../src/core/quota/rateLimitScheduler';
import { RATE_WINDOW_MS as W } from '../../../src/core/quota/rateMeter';
import { ManualClock } from '../../support/manualClock';

const KEY: ModelKey = { provider: 'openai', model: 'gpt-4o' };
const OTHER: ModelKey = { provider: 'anthropic', model: 'claude' };

/** A scheduler on a manual clock with one listener that counts its events. */
function listened(limits: RateLimits | undefined): {
  clock: ManualClock;
  rates: RateLimitScheduler;
  fired: () => number;
  stop: () => void;
} {
  const clock = new ManualClock();
  const rates = new RateLimitScheduler(clock, () => limits);
  let count = 0;
  const sub = rates.onDidChange(() => count++);
  return { clock, rates, fired: () => count, stop: () => sub.dispose() };
}

const tokensLeft = (rates: RateLimitScheduler, key = KEY): number | undefined =>
  rates.headroom().find((h) => h.key.model === key.model)?.tokensLeft;

describe('RateLimitScheduler events', () => {
  it('fires on a reservation, a settle and a release, with the new headroom already in place', async () => {
    const { rates, fired } = listened({ tokensPerMinute: 1_000, requestsPerMinute: 10 });
    const seen: Array<number | undefined> = [];
    rates.onDidChange(() => seen.push(tokensLeft(rates)));
    const first = await rates.reserve(KEY, 300);
    assert.equal(fired(), 1);
    first.settle(100);
    assert.equal(fired(), 2);
    const second = await rates.reserve(KEY, 50);
    second.release();
    assert.equal(fired(), 4);
    assert.deepEqual(seen, [700, 700, 650, 700], 'a settle below the reservation gives nothing back');
  });

  it('fires on pauseFor, and once more when the pause is over', async () => {
    const { clock, rates, fired } = listened(undefined);
    rates.pauseFor(KEY, 5_000);
    assert.equal(fired(), 1);
    assert.equal(rates.headroom()[0]?.pausedUntil, 5_000);
    await clock.advance(4_999);
    assert.equal(fired(), 1);
    await clock.advance(1);
    assert.equal(fired(), 2);
    assert.equal(rates.headroom()[0]?.pausedUntil, undefined);
    assert.equal(clock.pendingSleeps, 0, 'no timer once the pause is over');
  });

  it('fires once when the window frees up, then arms no timer when idle', async () => {
    const { clock, rates, fired } = listened({ tokensPerMinute: 1_000 });
    assert.equal(clock.pendingSleeps, 0, 'no timer before anything happened');
    const first = await rates.reserve(KEY, 400);
    first.settle(400);
    await clock.advance(10_000);
    const second = await rates.reserve(KEY, 100);
    second.settle(100);
    assert.equal(fired(), 4);
    assert.equal(clock.pendingSleeps, 1, 'one timer, for the oldest reservation');

    await clock.advance(W - 10_000 - 1);
    assert.equal(fired(), 4, 'nothing leaves the window before its time');
    await clock.advance(1);
    assert.equal(fired(), 5, 'the first reservation left the window');
    assert.equal(tokensLeft(rates), 900);
    assert.equal(clock.pendingSleeps, 1, 'rearmed for the second reservation');

    await clock.advance(10_000);
    assert.equal(fired(), 6);
    assert.equal(tokensLeft(rates), 1_000);
    assert.equal(clock.pendingSleeps, 0, 'idle: no timer left');
    await clock.advance(10 * W);
    assert.equal(fired(), 6, 'and no event without a change');
  });

  it('keeps one timer for every key at once', async () => {
    const { clock, rates } = listened({ requestsPerMinute: 5, tokensPerMinute: 1_000 });
    await rates.reserve(KEY, 10);
    await clock.advance(1_000);
    await rates.reserve(OTHER, 10);
    rates.pauseFor(OTHER, 30_000);
    assert.equal(clock.pendingSleeps, 1);
    await clock.advance(30_000);
    assert.equal(clock.pendingSleeps, 1);
    await clock.advance(2 * W);
    assert.equal(clock.pendingSleeps, 0);
  });

  it('waits for a debt to be paid off: fires again when the bucket is full', async () => {
    const { clock, rates, fired } = listened({ tokensPerMinute: 1_000 });
    const r = await rates.reserve(KEY, 100);
    r.settle(1_500); // the request used more than a minute's worth: the bucket is 500 in debt
    await clock.advance(W);
    assert.equal(fired(), 3, 'the reservation left the window');
    assert.ok((tokensLeft(rates) ?? 0) < 1_000, 'but the bucket still refills');
    assert.equal(clock.pendingSleeps, 1);
    // -500 + 1 000 per minute is full at 90 s (+1 ms of rounding up).
    await clock.advance(90_000 - W + 1);
    assert.equal(fired(), 4);
    assert.equal(tokensLeft(rates), 1_000);
    assert.equal(clock.pendingSleeps, 0);
  });

  it('fires when a request queues behind the limit and when it is granted', async () => {
    const { clock, rates, fired } = listened({ requestsPerMinute: 1 });
    await rates.reserve(KEY, 1);
    let granted = false;
    void rates.reserve(KEY, 1).then(() => (granted = true));
    assert.equal(fired(), 2);
    assert.equal(rates.headroom()[0]?.waiting, 1);
    await clock.advance(W);
    assert.equal(granted, true);
    assert.ok(fired() >= 3);
    assert.equal(rates.headroom()[0]?.waiting, 0);
  });

  it('runs no timer while nobody listens, and stops it when the last listener leaves', async () => {
    const clock = new ManualClock();
    const rates = new RateLimitScheduler(clock, () => ({ tokensPerMinute: 1_000 }));
    await rates.reserve(KEY, 100);
    rates.pauseFor(KEY, 1_000);
    assert.equal(clock.pendingSleeps, 0, 'unheard: no timer (a CLI run never waits on one)');
    const sub = rates.onDidChange(() => undefined);
    assert.equal(clock.pendingSleeps, 1, 'a listener arms it for what is still in the window');
    sub.dispose();
    await clock.advance(0);
    assert.equal(clock.pendingSleeps, 0);
  });

  it('is disposed with its timer: no sleep left and no event afterwards', async () => {
    const { clock, rates, fired } = listened({ tokensPerMinute: 1_000 });
    await rates.reserve(KEY, 100);
    assert.equal(clock.pendingSleeps, 1);
    rates.dispose();
    await clock.advance(0);
    assert.equal(clock.pendingSleeps, 0);
    const after = await rates.reserve(KEY, 100);
    after.settle(10);
    await clock.advance(2 * W);
    assert.equal(fired(), 1);
    assert.equal(clock.pendingSleeps, 0);
  });
});
