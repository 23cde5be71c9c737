import { z } from 'zod';
import { FindingCategorySchema, FindingSchema, SeveritySchema } from './finding';
import { lazySchema } from '../common/lazySchema';

/** A finding as a baseline keeps it: its key to match it later, and enough to say what it was. */
export const BaselineFindingSchema = lazySchema(() =>
  z.object({
    /** See `Finding.key`: a test's name, or tool + file + rule + message. */
    key: z.string(),
    severity: SeveritySchema,
    category: FindingCategorySchema,
    /** The message's first line, bounded. */
    message: z.string(),
    location: z.string().optional(),
  }),
);

/** One configured check as it stood before the first task of a run. */
export const BaselineCheckSchema = lazySchema(() =>
  z.object({
    /** The check's name: its command or VS Code task label. */
    name: z.string(),
    exitCode: z.number().int(),
    /** Exit code 0 and no finding over the thresholds. */
    passed: z.boolean(),
    /** Every finding its output gave (bounded; `truncated` says when some were left out). */
    findings: z.array(BaselineFindingSchema),
    /** Its output as comparable lines (timings, durations and temp paths removed), distinct, bounded. */
    lines: z.array(z.string()),
    durationMs: z.number().nonnegative(),
    /** Findings or lines were cut to the bound. */
    truncated: z.boolean().optional(),
  }),
);

export type BaselineFinding = z.infer<typeof BaselineFindingSchema>;
export type BaselineCheck = z.infer<typeof BaselineCheckSchema>;

/** One check's verdict at the end-of-run gate, as the `run.gate` event records it. */
export const GateCheckResultSchema = lazySchema(() =>
  z.object({
    name: z.string(),
    exitCode: z.number().int(),
    verdict: z.enum(['pass', 'fail']),
    /** Findings that were not in the baseline. */
    new: z.number().int().nonnegative(),
    /** Findings that were in the baseline: reported as pre-existing, never failing the run. */
    preExisting: z.number().int().nonnegative(),
    /** Baseline findings that are gone. */
    fixed: z.number().int().nonnegative(),
    /** Why it failed, e.g. "2 new failing tests; at most 0 allowed". */
    reasons: z.array(z.string()),
  }),
);

export type GateCheckResult = z.infer<typeof GateCheckResultSchema>;

/**
 * The whole outcome of one run of a run-level check (the baseline, a round of the end-of-run gate),
 * as its `verification.completed` event records it: enough to judge it again without running it.
 */
export const CheckOutcomeSchema = lazySchema(() =>
  z.object({
    /** The check's name. */
    step: z.string(),
    findings: z.array(FindingSchema),
    exitCode: z.number().int(),
    /** The tail of its output, bounded by the runner. */
    output: z.string(),
    durationMs: z.number().nonnegative(),
    verdict: z.enum(['pass', 'warn', 'fail']),
    counts: z.object({ major: z.number().int(), medium: z.number().int(), minor: z.number().int() }),
    reasons: z.array(z.string()),
  }),
);

export type CheckOutcome = z.infer<typeof CheckOutcomeSchema>;
