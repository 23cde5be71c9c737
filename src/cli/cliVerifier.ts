import { parseCommandPattern } from '../core/policy/commandRules';
import type { PolicyRule } from '../core/policy/policyRules';
import type { RunVerifier } from '../core/run/orchestratorPorts';
import type { RunState } from '../core/run/runState';
import type { Finding } from '../core/verify/finding';
import { runVerification, VerificationStepSchema, type VerificationOutcome, type VerificationRunner, type VerificationStep } from '../core/verify/verificationStep';
import type { VerificationThresholds } from '../core/verify/verificationThresholds';

/** The `--verify` commands as named steps: `verify-1`, `verify-2`, … in the order given. */
export function verifySteps(commands: readonly string[]): VerificationStep[] {
  return commands.map((command, i) => VerificationStepSchema.parse({ name: `verify-${i + 1}`, command }));
}

/**
 * Allow rules for the `--verify` commands, so agents may run the checks the user asked for. Only
 * a single simple command can be an allow rule (a chain like `a && b` never matches one, by the
 * policy's design); such commands still run in the end-of-run gate, which needs no policy.
 */
export function verifyAllowRules(steps: readonly VerificationStep[]): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const step of steps) {
    if (step.command === undefined) continue;
    try {
      const pattern = parseCommandPattern(step.command);
      if (pattern.rest || pattern.words.some((w) => w.includes('*'))) continue;
      rules.push({ effect: 'allow', command: step.command, reason: `given with --verify (${step.name})` });
    } catch {
      // Not one simple command: agents get the policy's normal answer for it.
    }
  }
  return rules;
}

/**
 * The end-of-run gate: runs every `--verify` step in the workspace and hands back their findings;
 * a major finding (one over the default thresholds) fails the run. The commands are the user's
 * own, typed on the command line, so they run without a policy check.
 */
export class CliVerifier implements RunVerifier {
  constructor(
    private readonly steps: readonly VerificationStep[],
    private readonly runner: VerificationRunner,
    private readonly thresholds: VerificationThresholds,
    private readonly cwd: string,
    /** Told about each finished step, for the terminal. */
    private readonly onOutcome: (outcome: VerificationOutcome) => void = () => undefined,
  ) {}

  async verify(_state: Readonly<RunState>, signal: AbortSignal): Promise<Finding[]> {
    const findings: Finding[] = [];
    for (const step of this.steps) {
      const outcome = await runVerification(step, this.runner, this.thresholds, { cwd: this.cwd, signal });
      this.onOutcome(outcome);
      findings.push(...outcome.findings);
    }
    return findings;
  }
}
