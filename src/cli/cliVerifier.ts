import type { PolicyRule } from '../core/policy/policyRules';
import { verificationAllowRules } from '../core/policy/verificationAllowRules';
import { StepsVerifier } from '../core/verify/stepsVerifier';
import { VerificationStepSchema, type VerificationStep } from '../core/verify/verificationStep';

/** The `--verify` commands as named steps: `verify-1`, `verify-2`, … in the order given. */
export function verifySteps(commands: readonly string[]): VerificationStep[] {
  return commands.map((command, i) => VerificationStepSchema.parse({ name: `verify-${i + 1}`, command }));
}

/**
 * Allow rules for the `--verify` commands, so agents may run the checks the user asked for (see
 * `verificationAllowRules`: only single simple commands become rules).
 */
export function verifyAllowRules(steps: readonly VerificationStep[]): PolicyRule[] {
  return verificationAllowRules(steps, (step) => `given with --verify (${step.name})`);
}

/** The end-of-run gate of the CLI: every `--verify` step, in order (see `StepsVerifier`). */
export class CliVerifier extends StepsVerifier {}
