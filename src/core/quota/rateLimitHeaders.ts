/** One limit as a provider reported it on a response; each field only when it parsed cleanly. */
export interface ObservedLimit {
  /** The per-minute limit, a whole number of at least 1. */
  limit?: number;
  /** What the provider says is left of it, at least 0. */
  remaining?: number;
  /** Milliseconds until the provider's counter is back to the full limit. */
  resetMs?: number;
}

/**
 * The limits one response reported. OpenAI counts tokens as one quantity (`tokens`); Anthropic
 * counts input and output tokens apart (`inputTokens`, `outputTokens`).
 */
export interface ObservedRateLimits {
  requests?: ObservedLimit;
  tokens?: ObservedLimit;
  inputTokens?: ObservedLimit;
  outputTokens?: ObservedLimit;
}

/** Fetch `Headers` (what both SDKs hand back), or a plain record of header values. */
export type HeaderLookup = { get(name: string): string | null } | Record<string, unknown>;

type Dimension = keyof ObservedRateLimits;

/**
 * Reads the rate-limit headers of an OpenAI (`x-ratelimit-*`, resets as durations like `6m0s`)
 * or Anthropic (`anthropic-ratelimit-*`, resets as RFC 3339 times) response. Garbage is ignored
 * field by field: a limit below 1, a negative or non-numeric count, a reset that does not parse.
 * Anthropic's `anthropic-ratelimit-tokens-*` is the most restrictive of its input and output
 * limits, not a limit on their sum, so it is used only when the split headers are absent.
 * Undefined when the response carried no usable limit header at all.
 */
export function parseRateLimitHeaders(headers: HeaderLookup | undefined, now: number): ObservedRateLimits | undefined {
  if (headers === undefined || headers === null || typeof headers !== 'object') return undefined;
  const get = (name: string): string | undefined => readHeader(headers, name);
  const out: ObservedRateLimits = {};
  const put = (dimension: Dimension, observed: ObservedLimit): void => {
    if (Object.keys(observed).length > 0) out[dimension] = observed;
  };
  for (const [dimension, suffix] of [
    ['requests', 'requests'],
    ['tokens', 'tokens'],
  ] as const) {
    put(dimension, {
      ...field('limit', wholeAtLeast(get(`x-ratelimit-limit-${suffix}`), 1)),
      ...field('remaining', wholeAtLeast(get(`x-ratelimit-remaining-${suffix}`), 0)),
      ...field('resetMs', parseDuration(get(`x-ratelimit-reset-${suffix}`))),
    });
  }
  const anthropic = (name: string): ObservedLimit => ({
    ...field('limit', wholeAtLeast(get(`anthropic-ratelimit-${name}-limit`), 1)),
    ...field('remaining', wholeAtLeast(get(`anthropic-ratelimit-${name}-remaining`), 0)),
    ...field('resetMs', parseResetTime(get(`anthropic-ratelimit-${name}-reset`), now)),
  });
  const requests = anthropic('requests');
  if (Object.keys(requests).length > 0) put('requests', requests);
  put('inputTokens', anthropic('input-tokens'));
  put('outputTokens', anthropic('output-tokens'));
  if (out.inputTokens === undefined && out.outputTokens === undefined) {
    const tokens = anthropic('tokens');
    if (Object.keys(tokens).length > 0) put('tokens', tokens);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * An OpenAI reset duration in milliseconds: `1s`, `20ms`, `6m0s`, `1h2m3.5s`, `0.5s`. Undefined
 * for anything else (an empty string, a bare number, a negative value, an unknown unit).
 */
export function parseDuration(raw: string | undefined): number | undefined {
  const text = raw?.trim();
  if (!text || !/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(text)) return undefined;
  const scale: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g))
    total += Number(part[1]) * (scale[part[2] ?? ''] ?? NaN);
  return Number.isFinite(total) ? Math.ceil(total) : undefined;
}

/** Milliseconds from `now` to an RFC 3339 time (0 when it has passed); undefined when it does not parse. */
export function parseResetTime(raw: string | undefined, now: number): number | undefined {
  const text = raw?.trim();
  // Date.parse accepts many loose forms; a reset time must at least look like an ISO date and time.
  if (!text || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, Math.ceil(at - now)) : undefined;
}

function wholeAtLeast(raw: string | undefined, min: number): number | undefined {
  const text = raw?.trim();
  if (!text || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
}

function field<K extends keyof ObservedLimit>(name: K, value: number | undefined): Partial<ObservedLimit> {
  return value === undefined ? {} : { [name]: value };
}

function readHeader(headers: HeaderLookup, name: string): string | undefined {
  try {
    if (typeof headers.get === 'function') {
      const v: unknown = (headers as { get(n: string): unknown }).get(name);
      return typeof v === 'string' ? v : undefined;
    }
    const rec = headers as Record<string, unknown>;
    const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
    const v = key === undefined ? undefined : rec[key];
    const first: unknown = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first : undefined;
  } catch {
    return undefined;
  }
}
