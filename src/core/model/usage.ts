import type { z } from 'zod';
import type { UsageSchema } from './usageSchema';

/** Tokens and money spent by one model call or summed over many (the schema is in usageSchema.ts, so this file loads no zod). */
export type Usage = z.output<typeof UsageSchema>;

/** The usage of nothing. */
export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, costUsd: 0 });

/** Sum of two usages; estimated (or of unknown cost) if either was. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: a.costUsd + b.costUsd,
  };
  if (a.estimated || b.estimated) sum.estimated = true;
  if (a.costUnknown || b.costUnknown) sum.costUnknown = true;
  const hits = (a.cacheHits ?? 0) + (b.cacheHits ?? 0);
  if (hits > 0) sum.cacheHits = hits;
  return sum;
}

/** `$1.23`, or `unknown` when nothing priced was used, or `$1.23 + unknown` when part of it was unpriced; never a bare $0 for an unpriced model. */
export function formatCost(u: Pick<Usage, 'costUsd' | 'costUnknown'>, digits = 2): string {
  const known = `$${u.costUsd.toFixed(digits)}`;
  if (!u.costUnknown) return known;
  return u.costUsd > 0 ? `${known} + unknown` : 'unknown';
}

/** Input plus output tokens. */
export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens;
}
