import { z } from 'zod';
import { lazySchema } from '../common/lazySchema';

/** Tokens and money spent by one model call or summed over many. */
export const UsageSchema = lazySchema(() =>
  z.object({
    inputTokens: z.number().nonnegative().default(0),
    outputTokens: z.number().nonnegative().default(0),
    costUsd: z.number().nonnegative().default(0),
    /** True when the provider did not report usage and it was estimated. */
    estimated: z.boolean().optional(),
  }),
);

export type Usage = z.output<typeof UsageSchema>;

/** The usage of nothing. */
export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, costUsd: 0 });

/** Sum of two usages; estimated if either was. */
export function addUsage(a: Usage, b: Usage): Usage {
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: a.costUsd + b.costUsd,
  };
  if (a.estimated || b.estimated) sum.estimated = true;
  return sum;
}

/** Input plus output tokens. */
export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens;
}
