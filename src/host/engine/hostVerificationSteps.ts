import { VerificationStepSchema, type VerificationStep } from '../../core/verify/verificationStep';
import type { HostSettings } from '../settings/hostSettingsSchema';

/**
 * The verification steps of `agentOrchestrator.verification`: each task label, then each command,
 * in order. A step is named by its label or command (what agents pass to `run_verification` and
 * what findings show); a clash gets " (2)", " (3)"… appended.
 */
export function hostVerificationSteps(verification: HostSettings['verification']): VerificationStep[] {
  const steps: VerificationStep[] = [];
  const names = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base} (${n})`;
    names.add(name);
    return name;
  };
  for (const task of verification.tasks) steps.push(VerificationStepSchema.parse({ name: unique(task), task }));
  for (const command of verification.commands)
    steps.push(VerificationStepSchema.parse({ name: unique(command), command }));
  return steps;
}
