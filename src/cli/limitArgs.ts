// The gate limit flags of `run`: --max-errors, --max-warnings, --max-failing-tests, --threshold, --repair-attempts.
import type { GateThresholdsInput } from '../core/verify/gateThresholds';
import { UsageError } from './usageError';

/** The limit flags as given on the command line. */
export interface LimitFlagValues {
  'max-errors'?: string;
  'max-warnings'?: string;
  'max-failing-tests'?: string;
  threshold?: string[];
}

/** The limits flags and what each sets, in the settings' words. */
const LIMIT_FLAGS = [
  ['max-errors', 'errors'],
  ['max-warnings', 'warnings'],
  ['max-failing-tests', 'failingTests'],
] as const;

/** `--max-*` for every check, `--threshold "<check>=errors:N,warnings:N,failing-tests:N"` for one; undefined when none is given. */
export function thresholdArgs(values: LimitFlagValues, verify: readonly string[]): GateThresholdsInput | undefined {
  const thresholds: GateThresholdsInput = {};
  for (const [flag, field] of LIMIT_FLAGS) {
    const value = values[flag];
    if (value !== undefined) thresholds[field] = countLimit(`--${flag}`, value);
  }
  for (const given of values.threshold ?? []) {
    const at = given.lastIndexOf('=');
    const check = at === -1 ? '' : given.slice(0, at).trim();
    const spec = at === -1 ? '' : given.slice(at + 1).trim();
    if (check === '' || spec === '')
      throw new UsageError(
        `--threshold "${given}" must name a check and its limits, e.g. --threshold "npm run lint=warnings:20,errors:0".`,
      );
    if (!verify.includes(check))
      throw new UsageError(
        `--threshold names "${check}", which is not a --verify check; the checks are: ${verify.map((v) => `"${v}"`).join(', ') || 'none (add --verify first)'}.`,
      );
    const limits: NonNullable<GateThresholdsInput['checks']>[string] = {};
    for (const part of spec.split(',')) {
      const [kind = '', value = ''] = part.split(':').map((x) => x.trim());
      const field = { errors: 'errors', warnings: 'warnings', 'failing-tests': 'failingTests' }[kind] as
        'errors' | 'warnings' | 'failingTests' | undefined;
      if (field === undefined)
        throw new UsageError(
          `--threshold "${given}": "${part}" is not a limit; use errors:N, warnings:N or failing-tests:N (N a whole number, or "any").`,
        );
      limits[field] = countLimit(`--threshold ${kind}`, value);
    }
    thresholds.checks = { ...thresholds.checks, [check]: { ...thresholds.checks?.[check], ...limits } };
  }
  return Object.keys(thresholds).length > 0 ? thresholds : undefined;
}

/** A whole number ≥ 0, or `any` for no limit (null). */
function countLimit(flag: string, value: string): number | null {
  if (/^(?:any|none|unlimited)$/i.test(value.trim())) return null;
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new UsageError(`${flag} must be a whole number of at least 0, or "any" for no limit; got "${value}".`);
  return n;
}

/** A whole number from 0 to `max`. */
export function limitArg(flag: string, value: string, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > max)
    throw new UsageError(`${flag} must be a whole number from 0 to ${max}; got "${value}".`);
  return n;
}
