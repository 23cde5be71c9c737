import assert from 'node:assert/strict';
import { ManualClock } from '../../support/manualClock';

describe('ManualClock', () => {
  it('resolves sleeps only when time is advanced past them, in deadline order', async () => {
    const clock = new ManualClock(1_000);
    const woke: Array<[string, number]> = [];
    void clock.sleep(500).then(() => woke.push(['b', clock.now()]));
    void clock.sleep(200).then(() => woke.push(['a', clock.now()]));
    await clock.advance(199);
    assert.deepEqual(woke, []);
    await clock.advance(400);
    assert.deepEqual(woke, [
      ['a', 1_200],
      ['b', 1_500],
    ]);
    assert.equal(clock.now(), 1_599);
  });

  it('lets woken code sleep again within the same advance', async () => {
    const clock = new ManualClock();
    const times: number[] = [];
    void (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        times.push(clock.now());
      }
    })();
    await clock.advance(1_000);
    assert.deepEqual(times, [100, 200, 300]);
  });

  it('resolves a sleep of 0 ms without an advance', async () => {
    const clock = new ManualClock(7);
    await clock.sleep(0);
    assert.equal(clock.now(), 7);
  });

  it('rejects an aborted sleep with the abort reason and forgets it', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const p = clock.sleep(100, ac.signal);
    assert.equal(clock.pendingSleeps, 1);
    ac.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
    assert.equal(clock.pendingSleeps, 0);
  });
});
