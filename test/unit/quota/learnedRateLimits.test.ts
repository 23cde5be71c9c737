import assert from 'node:assert/strict';
import { RequestTooLargeError } from '../../../src/core/quota/requestTooLargeError';
import { RateLimitScheduler, type RateLimits } from '../../../src/core/quota/rateLimitScheduler';
import { ManualClock } from '../../support/manualClock';

const KEY = { provider: 'openai', model: 'gpt-4o' };
const CLAUDE = { provider: 'anthropic', model: 'claude-x' };

function openAiHeaders(rpm: number, tpm: number, used = { requests: 0, tokens: 0 }, reset = '30s'): Headers {
  return new Headers({
    'x-ratelimit-limit-requests': String(rpm),
    'x-ratelimit-remaining-requests': String(rpm - used.requests),
    'x-ratelimit-reset-requests': reset,
    'x-ratelimit-limit-tokens': String(tpm),
    'x-ratelimit-remaining-tokens': String(tpm - used.tokens),
    'x-ratelimit-reset-tokens': reset,
  });
}

function setup(limits?: RateLimits, options: { learn?: boolean } = {}) {
  const clock = new ManualClock();
  const rates = new RateLimitScheduler(clock, () => limits, options);
  const granted = (n: number): Promise<boolean> => {
    let done = false;
    void rates.reserve(KEY, n).then(() => (done = true));
    return Promise.resolve().then(() => done);
  };
  return { clock, rates, granted };
}

/** Whether `p` resolves before the event loop turns. */
async function grantedSoon(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('learned rate limits', () => {
  it('a key with no settings learns its limits from the first response, counting what was already sent', async () => {
    const { rates } = setup();
    // Three requests go out before anything is known: nothing limits them.
    for (let i = 0; i < 3; i++) (await rates.reserve(KEY, 100)).settle(100);
    assert.deepEqual(rates.headroom()[0], { key: KEY, waiting: 0 });
    rates.learn(KEY, openAiHeaders(4, 10_000, { requests: 1, tokens: 100 }));
    const h = rates.headroom()[0];
    assert.equal(h?.rpm, 4);
    assert.equal(h?.tpm, 10_000);
    assert.equal(h?.requestsLeft, 1, 'the three requests already sent count against the learned limit');
    assert.equal(h?.tokensLeft, 9_700);
  });

  it('an explicit setting beats the learned limit; a limit the settings leave open is still learned', () => {
    const { rates } = setup({ requestsPerMinute: 2 });
    rates.learn(KEY, openAiHeaders(500, 30_000));
    const h = rates.headroom()[0];
    assert.equal(h?.rpm, 2, 'the configured requests limit stays');
    assert.equal(h?.tpm, 30_000, 'the open tokens limit is learned');
  });

  it('follows a provider that changes its limit, and ignores malformed headers', () => {
    const { rates } = setup();
    rates.learn(KEY, openAiHeaders(10, 1_000));
    rates.learn(KEY, openAiHeaders(20, 2_000));
    assert.equal(rates.headroom()[0]?.rpm, 20);
    assert.equal(rates.headroom()[0]?.tpm, 2_000);
    for (const garbage of [
      new Headers({ 'x-ratelimit-limit-requests': '0', 'x-ratelimit-limit-tokens': 'lots' }),
      new Headers({ 'x-ratelimit-limit-requests': '-5', 'x-ratelimit-remaining-requests': 'NaN' }),
      { 'x-ratelimit-limit-tokens': ['', 'x'] },
      'not headers' as unknown as Headers,
      undefined,
    ])
      rates.learn(KEY, garbage);
    assert.equal(rates.headroom()[0]?.rpm, 20, 'garbage changed nothing');
    assert.equal(rates.headroom()[0]?.tpm, 2_000);
    assert.equal(rates.headroom()[0]?.requestsLeft, 20);
  });

  it('use the provider counts beyond ours (another process, an earlier run) holds capacity until its reset', async () => {
    const { clock, rates, granted } = setup();
    (await rates.reserve(KEY, 10)).settle(10);
    // The provider saw 4 of 5 requests used: 3 of them were not ours, for another 20 s.
    rates.learn(KEY, openAiHeaders(5, 100_000, { requests: 4, tokens: 10 }, '20s'));
    assert.equal(rates.headroom()[0]?.requestsLeft, 1);
    assert.equal(await granted(10), true);
    assert.equal(await granted(10), false, 'the window is full as the provider counts it');
    await clock.advance(20_000);
    assert.equal(rates.headroom()[0]?.waiting, 0, 'the outside use left at the provider’s reset');
    // A later report replaces the outside use rather than adding to it.
    assert.equal(rates.headroom()[0]?.requestsLeft, 2, 'our three requests are still in the window');
    rates.learn(KEY, openAiHeaders(5, 100_000, { requests: 4, tokens: 30 }));
    rates.learn(KEY, openAiHeaders(5, 100_000, { requests: 4, tokens: 30 }));
    assert.equal(rates.headroom()[0]?.requestsLeft, 1, 'one outside request, counted once');
  });

  it('models Anthropic input and output tokens as two meters', async () => {
    const { rates } = setup();
    rates.learn(
      CLAUDE,
      new Headers({
        'anthropic-ratelimit-input-tokens-limit': '1000',
        'anthropic-ratelimit-output-tokens-limit': '200',
        'anthropic-ratelimit-tokens-limit': '200',
      }),
    );
    (await rates.reserve(CLAUDE, { input: 900, output: 100 })).settle({ input: 900, output: 40 });
    let next = false;
    void rates.reserve(CLAUDE, { input: 50, output: 100 }).then(() => (next = true));
    await Promise.resolve();
    assert.equal(next, true, '950 input and 200 output fit both meters (the sum would not fit a 200 limit)');
    await assert.rejects(rates.reserve(CLAUDE, { input: 10, output: 300 }), RequestTooLargeError);
  });

  it('with probeFirst, a key with unknown limits gets one request until its first answer', async () => {
    const clock = new ManualClock();
    const rates = new RateLimitScheduler(clock, () => undefined, { probeFirst: true });
    const probe = await rates.reserve(KEY, 10);
    let second = false;
    void rates.reserve(KEY, 10).then(() => (second = true));
    await Promise.resolve();
    assert.equal(second, false, 'the second request waits for the probe’s answer');
    rates.learn(KEY, new Headers({ 'content-type': 'text/event-stream' }));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(second, true, 'any answer ends the probe, even one without limit headers');
    probe.settle(10);

    // A probe that was never sent hands the probe on; one settled without headers ends it.
    const other = { provider: 'local', model: 'llama' };
    const first = await rates.reserve(other, 1);
    let next = false;
    const queued = rates.reserve(other, 1).then((r) => ((next = true), r));
    first.release();
    (await queued).settle(1);
    assert.equal(next, true);
    assert.equal(await grantedSoon(rates.reserve(other, 1)), true, 'a settled probe ends the probing');
    // Configured limits need no probe.
    const configured = new RateLimitScheduler(clock, () => ({ requestsPerMinute: 100 }), { probeFirst: true });
    await configured.reserve(KEY, 1);
    assert.equal(await grantedSoon(configured.reserve(KEY, 1)), true);
  });

  it('a request counts from its answer, not its grant: a stall before sending cannot end our minute early', async () => {
    const { clock, rates, granted } = setup({ requestsPerMinute: 1 });
    const res = await rates.reserve(KEY, 1);
    await clock.advance(5_000);
    res.answered();
    res.settle(1);
    await clock.advance(60_000);
    assert.equal(await granted(1), false, '65 s after the grant, 60 s after the answer: still in the window');
    await clock.advance(1_000);
    assert.equal(rates.headroom()[0]?.waiting, 0, 'a minute and the margin after the answer it leaves');
  });

  it('a queued request is sized again when it reaches the head: it takes the allowance of that moment', async () => {
    const { rates } = setup({ tokensPerMinute: 1_000 });
    const first = await rates.reserve(KEY, 800);
    let output = 800;
    const queued = rates.reserve(KEY, { input: 100, output }, undefined, () => ({ input: 100, output }));
    // An answer arrives meanwhile: the allowance shrinks, and the settle wakes the queue.
    output = 50;
    first.settle(800);
    const res = await queued;
    assert.deepEqual(res.granted, { input: 100, output: 50 }, 'granted at once with the smaller allowance');
    assert.equal(rates.headroom()[0]?.tokensLeft, 50);
  });

  it('with learning off, headers change nothing and allowances stay at the maximum', () => {
    const { rates } = setup({ tokensPerMinute: 10_000 }, { learn: false });
    rates.learn(KEY, openAiHeaders(3, 500));
    assert.equal(rates.headroom()[0]?.rpm, undefined);
    for (let i = 0; i < 10; i++) rates.recordOutput(KEY, 20);
    assert.equal(rates.outputAllowance(KEY, 4_000), 4_000);
  });

  it('sizes the output allowance from recent answers once the key has a token limit', () => {
    const { rates } = setup();
    for (let i = 0; i < 10; i++) rates.recordOutput(KEY, 100 + i * 10);
    assert.equal(rates.outputAllowance(KEY, 4_000), 4_000, 'no token limit yet: nothing to save');
    rates.learn(KEY, openAiHeaders(100, 100_000));
    assert.equal(rates.outputAllowance(KEY, 4_000), Math.ceil(190 * 1.25), 'the 95th percentile with headroom');
    assert.equal(rates.outputAllowance(KEY, 200), 200, 'never above the configured maximum');
    for (let i = 0; i < 4; i++) rates.recordOutput(KEY, 3_000);
    assert.equal(rates.outputAllowance(KEY, 4_000), 3_750, 'longer answers raise it');
  });
});
