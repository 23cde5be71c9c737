import { VerificationStepSchema, type VerificationStep } from './verificationStep';

/**
 * The verification steps the user configured: each VS Code task label (host only), then each
 * command, in order. A step is named by its label or command (what agents pass to
 * `run_verification` and what findings show); a clash gets " (2)", " (3)"… appended.
 */
export function configuredSteps(verification: {
  tasks: readonly string[];
  commands: readonly string[];
}): VerificationStep[] {
  const steps: VerificationStep[] = [];
  const names = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base} (${n})`;
    names.add(name);
    return name;
  };
  for (const task of verification.tasks) steps.push(VerificationStepSchema.parse({ name: unique(task), task }));
  for (const command of verification.commands) {
    steps.push(VerificationStepSchema.parse({ name: unique(command), command }));
  }
  return steps;
}
