import type { LimitState } from './rateWindow';

/**
 * The rate-limit headers a provider sends with every response, for the window's state: OpenAI's
 * `x-ratelimit-*` (resets as durations such as `1m0.5s` or `20ms`) or Anthropic's
 * `anthropic-ratelimit-*` (resets as RFC 3339 times). The server enforces one token limit over
 * input plus output, so Anthropic's answer names it `tokens`, with no input/output split.
 */
export function limitHeaders(
  api: 'openai' | 'anthropic',
  state: { requests?: LimitState; tokens?: LimitState },
  now: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, s] of [
    ['requests', state.requests],
    ['tokens', state.tokens],
  ] as const) {
    if (s === undefined) continue;
    if (api === 'openai') {
      headers[`x-ratelimit-limit-${name}`] = String(s.limit);
      headers[`x-ratelimit-remaining-${name}`] = String(Math.floor(s.remaining));
      headers[`x-ratelimit-reset-${name}`] = openAiDuration(s.resetMs);
    } else {
      headers[`anthropic-ratelimit-${name}-limit`] = String(s.limit);
      headers[`anthropic-ratelimit-${name}-remaining`] = String(Math.floor(s.remaining));
      headers[`anthropic-ratelimit-${name}-reset`] = new Date(now + s.resetMs).toISOString();
    }
  }
  return headers;
}

/** `20ms`, `1.5s`, `6m0s`: the way OpenAI writes its resets. */
function openAiDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  if (whole < 1_000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = Number(((whole % 60_000) / 1_000).toFixed(3));
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}
