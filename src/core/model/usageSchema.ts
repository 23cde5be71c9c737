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
    /** True when some of it came from a model nobody priced: `costUsd` then leaves that part out, and the cost shows as unknown. */
    costUnknown: z.boolean().optional(),
    /** Answers served from the run's response cache (no request sent, nothing spent). */
    cacheHits: z.number().int().nonnegative().optional(),
  }),
);
