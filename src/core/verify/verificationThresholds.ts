import { z } from 'zod';
import type { Finding, Severity } from '../model/finding';
import { lazySchema } from '../common/lazySchema';

const LIMIT_MESSAGE = 'must be a whole number ≥ 0, or null for no limit';
/** A count limit: a whole number ≥ 0, or `null` (or Infinity from code) for no limit. */
const LimitSchema = z
  .union([z.number().int(LIMIT_MESSAGE).min(0, LIMIT_MESSAGE), z.literal(Number.POSITIVE_INFINITY), z.null()], {
    error: LIMIT_MESSAGE,
  })
  .transform((limit) => limit ?? Number.POSITIVE_INFINITY);

/** Most findings of each severity allowed before the limit is crossed. */
const LimitsSchema = lazySchema(() =>
  z.strictObject({
    /** Most major findings allowed. */
    major: LimitSchema.optional(),
    /** Most medium findings allowed. */
    medium: LimitSchema.optional(),
    /** Most minor findings allowed. */
    minor: LimitSchema.optional(),
  }),
);

/**
 * Thresholds as written in configuration. `failOn` defaults: major 0, medium and minor unlimited,
 * so only a major finding fails. `warnOn` defaults: medium 0, major 0, minor unlimited, so a medium
 * finding (an ESLint error, a tsc warning) warns.
 */
export const VerificationThresholdsSchema = lazySchema(() =>
  z.strictObject({
    /** Counts above these fail the verification. */
    failOn: LimitsSchema.optional(),
    /** Counts above these (and within `failOn`) pass with a warning. */
    warnOn: LimitsSchema.optional(),
  }),
);

/** Limits for each severity, with defaults filled in; Infinity means unlimited. */
export type SeverityLimits = Record<Severity, number>;

/** Thresholds with every limit resolved. */
export interface VerificationThresholds {
  /** Counts above these fail. */
  failOn: SeverityLimits;
  /** Counts above these warn. */
  warnOn: SeverityLimits;
}

/** Used when a project sets no thresholds: fail on any major finding, warn on any medium one. */
export const DEFAULT_THRESHOLDS: Readonly<VerificationThresholds> = Object.freeze({
  failOn: Object.freeze({ major: 0, medium: Number.POSITIVE_INFINITY, minor: Number.POSITIVE_INFINITY }),
  warnOn: Object.freeze({ major: 0, medium: 0, minor: Number.POSITIVE_INFINITY }),
});

/** Thrown by {@link parseVerificationThresholds}; the message names each bad field. */
export class VerificationThresholdsError extends Error {
  /** One line per problem, `field: what is wrong`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid verification thresholds:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'VerificationThresholdsError';
    this.problems = problems;
  }
}

/** Validates thresholds from configuration and fills in defaults; throws a {@link VerificationThresholdsError}. */
export function parseVerificationThresholds(input: unknown): VerificationThresholds {
  const result = VerificationThresholdsSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new VerificationThresholdsError(
      result.error.issues.map((issue) => {
        const field = issue.path.map(String).join('.') || 'thresholds';
        if (issue.code === 'unrecognized_keys') {
          const allowed = issue.path.length === 0 ? 'failOn, warnOn' : 'major, medium, minor';
          return `${field}: unknown key(s) ${issue.keys.join(', ')}; allowed are ${allowed}`;
        }
        if (issue.code === 'invalid_type' && issue.path.length === 0)
          return `${field}: must be an object such as { "failOn": { "major": 0 } }`;
        if (issue.code === 'invalid_type' && issue.path.length === 1)
          return `${field}: must be an object such as { "major": 0, "medium": 5 }`;
        return `${field}: ${issue.message}`;
      }),
    );
  }
  const { failOn = {}, warnOn = {} } = result.data;
  return {
    failOn: { ...DEFAULT_THRESHOLDS.failOn, ...definedOnly(failOn) },
    warnOn: { ...DEFAULT_THRESHOLDS.warnOn, ...definedOnly(warnOn) },
  };
}

/** The outcome of comparing findings with thresholds. */
export interface FindingsEvaluation {
  /** `fail` when a fail limit is crossed, else `warn` when a warn limit is, else `pass`. */
  verdict: 'pass' | 'warn' | 'fail';
  /** Findings per severity. */
  counts: Record<Severity, number>;
  /** One sentence per crossed limit, failures first, e.g. "3 major findings; at most 0 allowed". */
  reasons: string[];
}

const SEVERITIES: readonly Severity[] = ['major', 'medium', 'minor'];

/** Counts findings by severity and compares them with the thresholds (defaults when omitted). */
export function evaluateFindings(
  findings: readonly Finding[],
  thresholds: VerificationThresholds = DEFAULT_THRESHOLDS,
): FindingsEvaluation {
  const counts: Record<Severity, number> = { major: 0, medium: 0, minor: 0 };
  for (const finding of findings) counts[finding.severity]++;
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const severity of SEVERITIES) {
    const count = counts[severity];
    if (count > thresholds.failOn[severity]) {
      failures.push(`${plural(count, severity)}; at most ${thresholds.failOn[severity]} allowed`);
    } else if (count > thresholds.warnOn[severity]) {
      warnings.push(`${plural(count, severity)}; more than ${thresholds.warnOn[severity]} is a warning`);
    }
  }
  const verdict = failures.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'pass';
  return { verdict, counts, reasons: [...failures, ...warnings] };
}

function plural(count: number, severity: Severity): string {
  return `${count} ${severity} finding${count === 1 ? '' : 's'}`;
}

function definedOnly(limits: Partial<Record<Severity, number | undefined>>): Partial<SeverityLimits> {
  const result: Partial<SeverityLimits> = {};
  for (const severity of SEVERITIES) {
    const limit = limits[severity];
    if (limit !== undefined) result[severity] = limit;
  }
  return result;
}
