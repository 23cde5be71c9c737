import { rm } from 'node:fs/promises';
import { abortReason } from '../common/clock';
import { checkRecordFolder } from './checkRecord';
import type { Finding } from '../model/finding';
import type { RunState } from '../model/runState';
import type { BaselineCheck, GateCheckResult } from '../model/verificationBaseline';
import { baselineCheckOf, compareWithBaseline } from './baseline';
import { formatFindingsForAgent } from './feedbackMessage';
import { keyOfFinding } from './findingKey';
import { judgeFindings, limitsFor, type GateThresholds } from './gateThresholds';
import type { RunGateReport, RunVerifier, VerificationJournal } from './runVerifier';
import {
  runVerification,
  type VerificationOutcome,
  type VerificationRunner,
  type VerificationStep,
} from './verificationStep';
import type { VerificationThresholds } from './verificationThresholds';

/** Most characters of one failing check's part of a repair brief. */
const MAX_FAILURE_CHARS_PER_CHECK = 4000;
/** Output lines of a failing check quoted in a repair brief. */
const FAILURE_TAIL_CHARS = 1500;

/**
 * The baseline and the end-of-run gate of the CLI and the host: runs every configured step in the
 * workspace, in order. Before the first task it records what each step reports (the baseline); at
 * the end it judges only what is new since then against each step's limits, and hands back what
 * was there before marked as pre-existing. The steps are the user's own configuration (command
 * line or settings), so they run without a policy check.
 */
export class StepsVerifier implements RunVerifier {
  constructor(
    private readonly steps: readonly VerificationStep[],
    private readonly runner: VerificationRunner,
    private readonly thresholds: VerificationThresholds,
    private readonly limits: GateThresholds,
    private readonly cwd: string,
    /** Told about each finished step (terminal, log channel). */
    private readonly onOutcome: (outcome: VerificationOutcome, phase: 'baseline' | 'gate') => void = () => undefined,
    /** Where checks in flight keep their durable records (`VerificationRunOptions.record`); none when absent. */
    private readonly recordDir?: string,
  ) {}

  async baseline(signal: AbortSignal, journal?: VerificationJournal): Promise<BaselineCheck[]> {
    const checks: BaselineCheck[] = [];
    for (const [i, step] of this.steps.entries()) {
      const outcome = await this.run(step, `${i}:${step.name}`, 'baseline', signal, journal);
      checks.push(baselineCheckOf(outcome));
    }
    return checks;
  }

  async verify(state: Readonly<RunState>, signal: AbortSignal, journal?: VerificationJournal): Promise<RunGateReport> {
    const findings: Finding[] = [];
    const checks: GateCheckResult[] = [];
    const failures: string[] = [];
    for (const [i, step] of this.steps.entries()) {
      const outcome = await this.run(step, `${i}:${step.name}`, 'gate', signal, journal);
      const label = step.command ?? step.task ?? step.name;
      const baseline = state.baseline?.find((check) => check.name === step.name);
      const compared = baseline
        ? compareWithBaseline(outcome, baseline, label)
        : { fresh: outcome.findings.map((f) => ({ ...f, key: keyOfFinding(f) })), preExisting: [], fixed: 0 };
      const judged = judgeFindings(compared.fresh, limitsFor(this.limits, step.name));
      findings.push(...compared.fresh, ...compared.preExisting);
      checks.push({
        name: step.name,
        exitCode: outcome.exitCode,
        verdict: judged.verdict,
        new: compared.fresh.length,
        preExisting: compared.preExisting.length,
        fixed: compared.fixed,
        reasons: judged.reasons,
      });
      if (judged.verdict === 'fail') failures.push(failureSection(label, outcome, compared.fresh, judged.reasons));
    }
    return { passed: checks.every((c) => c.verdict === 'pass'), findings, checks, failureText: failures.join('\n\n') };
  }

  /** Runs one step, or reuses its recorded outcome; a fresh outcome is durable before the next step starts. */
  private async run(
    step: VerificationStep,
    key: string,
    phase: 'baseline' | 'gate',
    signal: AbortSignal,
    journal: VerificationJournal | undefined,
  ): Promise<VerificationOutcome> {
    const recorded = journal?.recorded(key);
    if (recorded) return recorded;
    const unique = journal?.uniqueKey?.(key);
    const record =
      this.recordDir === undefined || unique === undefined ? undefined : checkRecordFolder(this.recordDir, unique);
    const outcome = await runVerification(step, this.runner, this.thresholds, {
      cwd: this.cwd,
      signal,
      ...(record === undefined ? {} : { record }),
    });
    // A check stopped by a cancel did not finish: it is not recorded, so a resume runs it again.
    if (signal.aborted) throw abortReason(signal);
    this.onOutcome(outcome, phase);
    await journal?.record(key, outcome);
    if (record !== undefined) await rm(record, { recursive: true, force: true }).catch(() => undefined);
    return outcome;
  }
}

/** One failing check for a repair brief: why, its new findings, and the tail of its output. */
function failureSection(
  label: string,
  outcome: VerificationOutcome,
  fresh: readonly Finding[],
  reasons: readonly string[],
): string {
  const findings = formatFindingsForAgent(fresh, { command: label, maxChars: MAX_FAILURE_CHARS_PER_CHECK / 2 });
  const output =
    outcome.output.length > FAILURE_TAIL_CHARS ? `…${outcome.output.slice(-FAILURE_TAIL_CHARS)}` : outcome.output;
  return [
    `\`${label}\` (exit code ${outcome.exitCode}): ${reasons.join('; ')}.`,
    findings,
    output.trim() === '' ? '' : `Last output:\n${output.trimEnd()}`,
  ]
    .filter((part) => part !== '')
    .join('\n');
}
