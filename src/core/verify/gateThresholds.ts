import { z } from 'zod';
import type { Finding } from '../model/finding';
import { lazySchema } from '../common/lazySchema';

/** How many new problems of each kind a check may show at a gate and still pass; Infinity means no limit. */
export interface CheckLimits {
  /** New errors: compiler errors, ESLint errors, a check that crashed or passed before and fails now. */
  errors: number;
  /** New warnings (ESLint warnings, compiler suggestions). */
  warnings: number;
  /** New failing tests. */
  failingTests: number;
}

/** The limits of every check, with overrides for some checks by name. */
export interface GateThresholds {
  /** For every check without its own entry. */
  defaults: CheckLimits;
  /** By check name (its command, or VS Code task label); missing fields come from `defaults`. */
  checks: Readonly<Record<string, Partial<CheckLimits>>>;
}

/**
 * Used when nothing is configured: no new error and no new failing test; warnings are reported but
 * never fail. Problems that were there before the first task (the baseline) never count.
 */
export const DEFAULT_CHECK_LIMITS: Readonly<CheckLimits> = Object.freeze({
  errors: 0,
  warnings: Number.POSITIVE_INFINITY,
  failingTests: 0,
});

/** {@link DEFAULT_CHECK_LIMITS} for every check. */
export const DEFAULT_GATE_THRESHOLDS: Readonly<GateThresholds> = Object.freeze({
  defaults: DEFAULT_CHECK_LIMITS,
  checks: Object.freeze({}),
});

const LIMIT_MESSAGE = 'must be a whole number ≥ 0, or null for no limit';
const LimitSchema = lazySchema(() =>
  z.union([z.number().int(LIMIT_MESSAGE).min(0, LIMIT_MESSAGE), z.null()], { error: LIMIT_MESSAGE }),
);
const LimitsSchema = lazySchema(() =>
  z.strictObject({
    errors: LimitSchema.optional(),
    warnings: LimitSchema.optional(),
    failingTests: LimitSchema.optional(),
  }),
);

/**
 * Thresholds as written in settings: `{ "errors": 0, "warnings": null, "failingTests": 0, "checks": {
 * "npm run lint": { "warnings": 20 } } }`; `null` means no limit.
 */
export const GateThresholdsSchema = lazySchema(() =>
  LimitsSchema.extend({
    checks: z.record(z.string().trim().min(1, 'a check name must not be empty'), LimitsSchema).optional(),
  }),
);

/** Thresholds as written in settings (see {@link GateThresholdsSchema}). */
export type GateThresholdsInput = z.input<typeof GateThresholdsSchema>;

/** Thrown by {@link parseGateThresholds}; one problem per line, each naming its field. */
export class GateThresholdsError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid verification thresholds:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'GateThresholdsError';
    this.problems = problems;
  }
}

/** Validates thresholds from settings and fills in the defaults; throws a {@link GateThresholdsError}. */
export function parseGateThresholds(input: unknown): GateThresholds {
  const result = GateThresholdsSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new GateThresholdsError(
      result.error.issues.map((issue) => {
        const field = issue.path.map(String).join('.') || 'thresholds';
        if (issue.code === 'unrecognized_keys')
          return `${field}: unknown key(s) ${issue.keys.join(', ')}; allowed are errors, warnings, failingTests${issue.path.length === 0 ? ', checks' : ''}`;
        if (issue.code === 'invalid_type' && issue.message.includes('object'))
          return `${field}: must be an object such as { "errors": 0, "warnings": null, "failingTests": 0 }`;
        return `${field}: ${issue.message}`;
      }),
    );
  }
  const { checks = {}, ...defaults } = result.data;
  return {
    defaults: { ...DEFAULT_CHECK_LIMITS, ...limitsOf(defaults) },
    checks: Object.fromEntries(Object.entries(checks).map(([name, limits]) => [name.trim(), limitsOf(limits)])),
  };
}

/** The limits of one check. */
export function limitsFor(thresholds: GateThresholds, check: string): CheckLimits {
  return { ...thresholds.defaults, ...thresholds.checks[check] };
}

/** Which limit a finding counts against: failing tests, errors (major and medium), or warnings (minor). */
export function limitKindOf(finding: Finding): keyof CheckLimits {
  if (finding.category === 'test') return 'failingTests';
  return finding.severity === 'minor' ? 'warnings' : 'errors';
}

/** Whether findings stay within a check's limits. */
export interface LimitsJudgement {
  verdict: 'pass' | 'fail';
  counts: CheckLimits;
  /** One sentence per crossed limit, e.g. "2 new failing tests; at most 0 allowed". */
  reasons: string[];
}

const WORDS: Record<keyof CheckLimits, [string, string]> = {
  errors: ['new error', 'new errors'],
  warnings: ['new warning', 'new warnings'],
  failingTests: ['new failing test', 'new failing tests'],
};

/** Counts findings by kind and compares them with the limits. */
export function judgeFindings(findings: readonly Finding[], limits: CheckLimits): LimitsJudgement {
  const counts: CheckLimits = { errors: 0, warnings: 0, failingTests: 0 };
  for (const finding of findings) counts[limitKindOf(finding)]++;
  const reasons: string[] = [];
  for (const kind of ['failingTests', 'errors', 'warnings'] as const) {
    if (counts[kind] > limits[kind])
      reasons.push(`${counts[kind]} ${WORDS[kind][counts[kind] === 1 ? 0 : 1]}; at most ${limits[kind]} allowed`);
  }
  return { verdict: reasons.length > 0 ? 'fail' : 'pass', counts, reasons };
}

/** `errors 0, warnings any, failing tests 0`, for help texts and messages. */
export function describeLimits(limits: Partial<CheckLimits>): string {
  const show = (n: number | undefined): string => (n === undefined ? '' : Number.isFinite(n) ? String(n) : 'any');
  return (
    [
      ['errors', limits.errors],
      ['warnings', limits.warnings],
      ['failing tests', limits.failingTests],
    ] as const
  )
    .filter(([, n]) => n !== undefined)
    .map(([word, n]) => `${word} ${show(n)}`)
    .join(', ');
}

function limitsOf(limits: z.output<typeof LimitsSchema>): Partial<CheckLimits> {
  const out: Partial<CheckLimits> = {};
  for (const kind of ['errors', 'warnings', 'failingTests'] as const) {
    const value = limits[kind];
    if (value !== undefined) out[kind] = value ?? Number.POSITIVE_INFINITY;
  }
  return out;
}
