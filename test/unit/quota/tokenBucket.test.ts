import assert from 'node:assert/strict';
import { TokenBucket } from '../../../src/core/quota/tokenBucket';
import { ManualClock } from '../../support/manualClock';

describe('TokenBucket', () => {
  it('starts full and refuses a take it cannot cover, without taking part of it', () => {
    const bucket = new TokenBucket({ capacity: 10, refillPerMinute: 60 }, new ManualClock());
    assert.equal(bucket.tryTake(7), true);
    assert.equal(bucket.tryTake(4), false);
    assert.equal(bucket.available(), 3);
  });

  it('refills continuously at refillPerMinute, up to capacity', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 10, refillPerMinute: 60 }, clock);
    assert.ok(bucket.tryTake(10));
    await clock.advance(2_500);
    assert.equal(bucket.available(), 2.5);
    await clock.advance(60_000);
    assert.equal(bucket.available(), 10);
  });

  it('says how long until n tokens are there, and Infinity beyond capacity', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ capacity: 4, refillPerMinute: 4 }, clock);
    assert.equal(bucket.msUntil(4), 0);
    assert.ok(bucket.tryTake(4));
    assert.equal(bucket.msUntil(1), 15_000);
    assert.equal(bucket.msUntil(5), Infinity);
    await clock.advance(15_000);
    assert.equal(bucket.msUntil(1), 0);
    assert.ok(bucket.tryTake(1));
  });

  it('caps refunds at capacity and lets a debit run into debt', () => {
    const bucket = new TokenBucket({ capacity: 10, refillPerMinute: 60 }, new ManualClock());
    bucket.give(5);
    assert.equal(bucket.available(), 10);
    bucket.debit(14);
    assert.equal(bucket.available(), -4);
    assert.equal(bucket.msUntil(1), 5_000);
  });

  it('rejects nonsense sizes and amounts with a clear error', () => {
    const clock = new ManualClock();
    assert.throws(
      () => new TokenBucket({ capacity: 0, refillPerMinute: 1 }, clock),
      /capacity must be a finite number above 0/,
    );
    const bucket = new TokenBucket({ capacity: 1, refillPerMinute: 1 }, clock);
    assert.throws(() => bucket.tryTake(-1), /finite number >= 0/);
    assert.throws(() => bucket.tryTake(Number.NaN), /finite number >= 0/);
  });
});
