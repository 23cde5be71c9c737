import type { VerificationStep } from '../verify/verificationStep';
import { parseCommandPattern } from './commandRules';
import type { PolicyRule } from './policyRules';

/**
 * Allow rules for the verification commands the user configured, so agents may run the checks the
 * user asked for. Only a single simple command can be an allow rule (a chain like `a && b` never
 * matches one, by the policy's design); such commands still run in the end-of-run gate, which needs
 * no policy. Task-only steps (VS Code tasks) need no rule: they are run by label, not as commands.
 */
export function verificationAllowRules(
  steps: readonly VerificationStep[],
  reasonOf: (step: VerificationStep) => string,
): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const step of steps) {
    if (step.command === undefined) continue;
    try {
      const pattern = parseCommandPattern(step.command);
      if (pattern.rest || pattern.words.some((w) => w.includes('*'))) continue;
      rules.push({ effect: 'allow', command: step.command, reason: reasonOf(step) });
    } catch {
      // Not one simple command: agents get the policy's normal answer for it.
    }
  }
  return rules;
}
