import assert from 'node:assert/strict';
import { RateLimitScheduler, type ModelKey } from '../../../src/core/quota/rateLimitScheduler';
import { CurrentHeadroom } from '../../../src/host/statusBar/currentHeadroom';
import { ManualClock } from '../../support/manualClock';

const KEY: ModelKey = { provider: 'openai', model: 'gpt-4o' };

/** What the host container holds: one scheduler now, replaced when the rate-limit settings change. */
function container(clock = new ManualClock()): { clock: ManualClock; current: RateLimitScheduler; replace(): void } {
  const holder = {
    clock,
    current: new RateLimitScheduler(clock, () => ({ tokensPerMinute: 1_000 })),
    replace() {
      holder.current = new RateLimitScheduler(clock, () => ({ tokensPerMinute: 2_000 }));
    },
  };
  return holder;
}

describe('CurrentHeadroom (the status bar follows the current scheduler)', () => {
  it("reads the current scheduler's headroom and forwards its changes", async () => {
    const c = container();
    const source = new CurrentHeadroom(() => c.current);
    let fired = 0;
    source.onDidChange(() => fired++);
    const r = await c.current.reserve(KEY, 300);
    r.settle(300);
    assert.equal(fired, 2);
    assert.equal(source.headroom()[0]?.tokensLeft, 700);
  });

  it('moves to the new scheduler when the container replaced it, and stops hearing the old one', async () => {
    const c = container();
    const source = new CurrentHeadroom(() => c.current);
    let fired = 0;
    source.onDidChange(() => fired++);
    const old = c.current;
    c.replace();
    assert.deepEqual(source.headroom(), [], 'the next read is from the new scheduler');
    await old.reserve(KEY, 100);
    assert.equal(fired, 0, 'the replaced scheduler is no longer heard');
    await c.current.reserve(KEY, 100);
    assert.equal(fired, 1);
    assert.equal(source.headroom()[0]?.tpm, 2_000);
    assert.equal(c.clock.pendingSleeps, 1, "only the current scheduler's recovery timer runs");
  });

  it("listens to the scheduler only while it is listened to, so an unheard scheduler's timer stops", async () => {
    const c = container();
    const source = new CurrentHeadroom(() => c.current);
    await c.current.reserve(KEY, 100);
    source.headroom();
    assert.equal(c.clock.pendingSleeps, 0, 'a read alone subscribes to nothing');
    const sub = source.onDidChange(() => undefined);
    assert.equal(c.clock.pendingSleeps, 1);
    sub.dispose();
    await c.clock.advance(0);
    assert.equal(c.clock.pendingSleeps, 0);
  });

  it('stops listening to the scheduler when disposed, even with listeners left, and not again after', async () => {
    const c = container();
    const source = new CurrentHeadroom(() => c.current);
    let fired = 0;
    source.onDidChange(() => fired++);
    await c.current.reserve(KEY, 100);
    assert.equal(c.clock.pendingSleeps, 1);
    source.dispose();
    await c.clock.advance(0);
    assert.equal(c.clock.pendingSleeps, 0, "the scheduler's timer stops with the last listener gone");
    source.onDidChange(() => fired++);
    assert.equal(c.clock.pendingSleeps, 0, 'a listener after dispose subscribes to nothing');
    await c.current.reserve(KEY, 100);
    assert.equal(fired, 1, 'only the reservation before dispose was heard');
  });
});
