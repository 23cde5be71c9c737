import type { Finding } from '../model/finding';
import type { BaselineCheck } from '../model/verificationBaseline';
import { attributeFindings } from './attribution';
import { compareWithBaseline, isNewOutputFinding, outcomeFailed } from './baseline';
import { formatFindingsForAgent } from './feedbackMessage';
import { judgeFindings, type CheckLimits } from './gateThresholds';
import type { VerificationOutcome } from './verificationStep';

/** What a task's gate knows besides the outcome. */
export interface TaskGateInput {
  /** The command or task label, for messages. */
  label: string;
  limits: CheckLimits;
  /** Workspace-relative files the task edited. */
  edited: readonly string[];
  /** The plan's other tasks that have not succeeded yet. */
  unfinishedOthers: readonly string[];
  /** Reads a workspace file (to see what a failing test imports). */
  readText?(path: string): Promise<string | undefined>;
}

/** How a task's gate judged one check. */
export interface TaskGateJudgement {
  verdict: 'pass' | 'fail';
  /** New findings laid at the task's door: they fail the gate when over the limits. */
  blamed: Finding[];
  /** New findings not attributed to the task while other tasks are unfinished: left to the run gate. */
  deferred: Finding[];
  /** Findings already in the baseline. */
  preExisting: Finding[];
  /** What the agent reads. */
  text: string;
}

/** Most deferred findings quoted to the agent. */
const MAX_DEFERRED_SHOWN = 5;

/**
 * A configured check in a task's gate, judged against the run's baseline: only a regression can
 * fail the task. New findings (not in the baseline) are attributed to the task when they name a
 * file it edited or are failing tests of such a file (new lines of unparsed output only when the
 * check passed at baseline); the rest count too once every other task of the plan has succeeded
 * (nothing else can explain them), and until then are left to the end-of-run gate. Blamed
 * findings are judged against the check's limits.
 */
export async function judgeTaskGate(
  outcome: VerificationOutcome,
  baseline: BaselineCheck,
  input: TaskGateInput,
): Promise<TaskGateJudgement> {
  const compared = compareWithBaseline(outcome, baseline, input.label);
  // New lines of a check that was already failing cannot tell progress from breakage ("3 of 6
  // files present", "✓ a.txt"): they are never attributed by the files they name.
  const progress = compared.passedBefore ? [] : compared.fresh.filter(isNewOutputFinding);
  const attributed = await attributeFindings(
    compared.fresh.filter((f) => !progress.includes(f)),
    { edited: input.edited, ...(input.readText ? { readText: input.readText } : {}) },
  );
  const alone = input.unfinishedOthers.length === 0;
  const blamed = alone ? compared.fresh : attributed.own;
  const deferred = alone ? [] : [...attributed.others, ...progress];
  const judged = judgeFindings(blamed, input.limits);
  const lines: string[] = [];
  if (judged.verdict === 'fail') {
    lines.push(
      formatFindingsForAgent(blamed, { command: input.label }),
      `These are new since the run started (the baseline) and in what this task changed. ${judged.reasons.join('; ')}.`,
    );
  } else {
    lines.push(
      `Verification \`${input.label}\` passed for this task: nothing it changed broke anything that worked before the run (exit code ${outcome.exitCode}).`,
    );
    if (blamed.length > 0) lines.push(`${blamed.length} new finding(s) are within the limits; they need no fix now.`);
  }
  if (deferred.length > 0) {
    const shown = deferred.slice(0, MAX_DEFERRED_SHOWN).map((f) => `- ${firstLine(f)}`);
    lines.push(
      `${deferred.length} other new finding(s) are outside the files this task edited while other tasks (${input.unfinishedOthers.slice(0, 8).join(', ')}${input.unfinishedOthers.length > 8 ? ', …' : ''}) are unfinished; the end-of-run check looks at them again:`,
      ...shown,
    );
  }
  if (compared.preExisting.length > 0)
    lines.push(
      `${compared.preExisting.length} finding(s) were already there before the run (pre-existing); they are not this task's to fix.`,
    );
  if (judged.verdict === 'pass' && outcomeFailed(outcome) && deferred.length === 0 && compared.preExisting.length > 0)
    lines.push('The check still exits with an error, as it did before the run.');
  return { verdict: judged.verdict, blamed, deferred, preExisting: compared.preExisting, text: lines.join('\n') };
}

function firstLine(finding: Finding): string {
  const text = finding.message.split(/\r?\n/, 1)[0] ?? '';
  const where = finding.location === undefined ? '' : `${finding.location} — `;
  const line = `${where}${text}`;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
