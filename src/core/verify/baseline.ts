import type { Finding } from '../model/finding';
import type { BaselineCheck, BaselineFinding } from '../model/verificationBaseline';
import { comparableLines } from './comparableText';
import { UNPARSED_OUTPUT_KEY } from './detectParser';
import { findingKey, keyOfFinding } from './findingKey';
import { outputTail } from './outputLines';
import type { VerificationOutcome } from './verificationStep';

/** Most findings a baseline check keeps; a suite with more is marked `truncated`. */
export const MAX_BASELINE_FINDINGS = 2000;
/** Most comparable output lines a baseline check keeps. */
export const MAX_BASELINE_LINES = 500;
/** Longest message kept per baseline finding. */
const MAX_BASELINE_MESSAGE = 200;
/** New output lines quoted in the finding that reports them. */
const MAX_QUOTED_LINES = 20;

/** Whether an outcome counts as failing: a non-zero exit code, or findings over the thresholds. */
export function outcomeFailed(outcome: Pick<VerificationOutcome, 'exitCode' | 'verdict'>): boolean {
  return outcome.exitCode !== 0 || outcome.verdict === 'fail';
}

/** What a baseline keeps of one check's outcome: exit status, keyed findings and comparable output lines. */
export function baselineCheckOf(outcome: VerificationOutcome): BaselineCheck {
  const lines = comparableLines(outcome.output);
  const truncated = outcome.findings.length > MAX_BASELINE_FINDINGS || lines.length > MAX_BASELINE_LINES;
  const findings = outcome.findings.slice(0, MAX_BASELINE_FINDINGS).map((finding): BaselineFinding => {
    const first = finding.message.split(/\r?\n/, 1)[0] ?? '';
    return {
      key: keyOfFinding(finding),
      severity: finding.severity,
      category: finding.category,
      message: first.length > MAX_BASELINE_MESSAGE ? `${first.slice(0, MAX_BASELINE_MESSAGE - 1)}…` : first,
      ...(finding.location === undefined ? {} : { location: finding.location }),
    };
  });
  return {
    name: outcome.step,
    exitCode: outcome.exitCode,
    passed: !outcomeFailed(outcome),
    findings,
    lines: lines.slice(0, MAX_BASELINE_LINES),
    durationMs: outcome.durationMs,
    ...(truncated ? { truncated: true } : {}),
  };
}

/** A check's outcome against its baseline. */
export interface BaselineComparison {
  /** Findings that were not in the baseline (keyed); a regression. */
  fresh: Finding[];
  /** Findings that were in the baseline, marked `preExisting`. */
  preExisting: Finding[];
  /** How many baseline findings are gone. */
  fixed: number;
  /** The check passed at baseline. */
  passedBefore: boolean;
}

/**
 * Compares an outcome with the check's baseline. Findings are matched by key (test name, or tool +
 * file + rule + message; never a line number), counted, so a second copy of a known problem is
 * new. Output no parser understood is compared line by line, timings, durations, temp paths and
 * line numbers removed: lines the baseline did not have become one finding quoting them. A check
 * that passed at baseline and fails now is a regression even when nothing else is new.
 */
export function compareWithBaseline(
  outcome: VerificationOutcome,
  baseline: BaselineCheck,
  label: string = outcome.step,
): BaselineComparison {
  const known = new Map<string, number>();
  for (const finding of baseline.findings) known.set(finding.key, (known.get(finding.key) ?? 0) + 1);
  const fresh: Finding[] = [];
  const preExisting: Finding[] = [];
  for (const finding of outcome.findings) {
    if (finding.key === UNPARSED_OUTPUT_KEY) {
      const unseen = unseenLines(outcome.output, baseline);
      if (unseen.length === 0) preExisting.push({ ...finding, preExisting: true });
      else fresh.push(unseenOutputFinding(finding, label, unseen));
      continue;
    }
    const key = keyOfFinding(finding);
    const left = known.get(key) ?? 0;
    if (left > 0) {
      known.set(key, left - 1);
      preExisting.push({ ...finding, key, preExisting: true });
    } else {
      fresh.push({ ...finding, key });
    }
  }
  if (baseline.passed && outcomeFailed(outcome) && !fresh.some((f) => f.severity === 'major')) {
    const tail = outputTail(outcome.output, MAX_QUOTED_LINES);
    fresh.push({
      severity: 'major',
      category: outcome.findings[0]?.category ?? 'custom',
      message: `\`${label}\` passed before the run and fails now (exit code ${outcome.exitCode}).${tail === '' ? '' : ` Last lines of output:\n${tail}`}`,
      key: findingKey('regressed', label),
      ...(outcome.findings[0]?.taskId === undefined ? {} : { taskId: outcome.findings[0].taskId }),
    });
  }
  let fixed = 0;
  for (const left of known.values()) fixed += left;
  return { fresh, preExisting, fixed, passedBefore: baseline.passed };
}

/** The key prefix of a finding that quotes output lines the baseline did not have. */
const NEW_OUTPUT = 'new output';

/** Whether a finding quotes new lines of output no parser understood (see {@link compareWithBaseline}). */
export function isNewOutputFinding(finding: Finding): boolean {
  return finding.key?.startsWith(`${NEW_OUTPUT} |`) === true;
}

/** Comparable output lines the baseline did not have, in order. */
function unseenLines(output: string, baseline: BaselineCheck): string[] {
  const before = new Set(baseline.lines);
  return comparableLines(output).filter((line) => !before.has(line));
}

function unseenOutputFinding(fallback: Finding, label: string, unseen: readonly string[]): Finding {
  const quoted = unseen.slice(0, MAX_QUOTED_LINES);
  const more = unseen.length > quoted.length ? `\n…and ${unseen.length - quoted.length} more new lines.` : '';
  return {
    ...fallback,
    message: `\`${label}\` failed, and its output has lines it did not have before the run:\n${quoted.join('\n')}${more}`,
    key: findingKey(NEW_OUTPUT, label, ...quoted),
  };
}
