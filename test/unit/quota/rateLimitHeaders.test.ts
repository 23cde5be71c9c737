import assert from 'node:assert/strict';
import { parseDuration, parseRateLimitHeaders, parseResetTime } from '../../../src/core/quota/rateLimitHeaders';

const NOW = Date.parse('2026-12-03T12:00:00Z');

describe('parseRateLimitHeaders', () => {
  it('reads OpenAI x-ratelimit-* headers, resets given as durations', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-limit-tokens': '30000',
      'x-ratelimit-remaining-tokens': '29000',
      'x-ratelimit-reset-tokens': '2s',
    });
    assert.deepEqual(parseRateLimitHeaders(headers, NOW), {
      requests: { limit: 500, remaining: 499, resetMs: 120 },
      tokens: { limit: 30_000, remaining: 29_000, resetMs: 2_000 },
    });
  });

  it('reads Anthropic headers: requests, and input and output tokens apart (the combined tokens-* is then ignored)', () => {
    const headers = {
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': '2026-12-03T12:00:01Z',
      'anthropic-ratelimit-input-tokens-limit': '30000',
      'anthropic-ratelimit-input-tokens-remaining': '29500',
      'anthropic-ratelimit-input-tokens-reset': '2026-12-03T12:00:00.500Z',
      'Anthropic-Ratelimit-Output-Tokens-Limit': '8000',
      'anthropic-ratelimit-tokens-limit': '8000',
      'anthropic-ratelimit-tokens-remaining': '7000',
    };
    assert.deepEqual(parseRateLimitHeaders(headers, NOW), {
      requests: { limit: 50, remaining: 49, resetMs: 1_000 },
      inputTokens: { limit: 30_000, remaining: 29_500, resetMs: 500 },
      outputTokens: { limit: 8_000 },
    });
  });

  it('takes Anthropic tokens-* as the one token limit when no input/output split is sent', () => {
    const headers = new Headers({
      'anthropic-ratelimit-tokens-limit': '40000',
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': '2026-12-03T11:59:00Z',
    });
    assert.deepEqual(parseRateLimitHeaders(headers, NOW), { tokens: { limit: 40_000, remaining: 0, resetMs: 0 } });
  });

  it('ignores garbage field by field: never a limit of 0, a negative count or NaN', () => {
    const headers = new Headers({
      'x-ratelimit-limit-requests': '0',
      'x-ratelimit-remaining-requests': '-3',
      'x-ratelimit-reset-requests': 'soon',
      'x-ratelimit-limit-tokens': 'NaN',
      'x-ratelimit-remaining-tokens': '12abc',
      'x-ratelimit-reset-tokens': '-1s',
      'anthropic-ratelimit-requests-limit': '1e3',
      'anthropic-ratelimit-requests-reset': 'Tuesday',
      'anthropic-ratelimit-output-tokens-limit': '99999999999999999999',
    });
    assert.equal(parseRateLimitHeaders(headers, NOW), undefined);
    const partly = parseRateLimitHeaders({ 'x-ratelimit-limit-requests': ' 60 ', 'x-ratelimit-limit-tokens': '' }, NOW);
    assert.deepEqual(partly, { requests: { limit: 60 } });
    assert.equal(parseRateLimitHeaders(undefined, NOW), undefined);
    assert.equal(parseRateLimitHeaders({ get: () => 42 } as unknown as Headers, NOW), undefined);
    const throwing = {
      get: () => {
        throw new Error('broken');
      },
    };
    assert.equal(parseRateLimitHeaders(throwing, NOW), undefined);
  });

  it('parses OpenAI durations and RFC 3339 reset times, and nothing looser', () => {
    assert.equal(parseDuration('6m0s'), 360_000);
    assert.equal(parseDuration('1s'), 1_000);
    assert.equal(parseDuration('20ms'), 20);
    assert.equal(parseDuration('1h2m3.5s'), 3_723_500);
    assert.equal(parseDuration('0.25s'), 250);
    for (const bad of ['', '5', 's', '-1s', '1d', '1s2', 'ms', undefined]) assert.equal(parseDuration(bad), undefined);
    assert.equal(parseResetTime('2026-12-03T12:00:02+00:00', NOW), 2_000);
    assert.equal(parseResetTime('2026-12-03T11:00:00Z', NOW), 0, 'a reset in the past is now');
    for (const bad of ['12', 'Thu, 03 Dec 2026 12:00:02 GMT', '2026-12-03', '2026-13-45T99:99:99Z', undefined])
      assert.equal(parseResetTime(bad, NOW), undefined, String(bad));
  });
});
