import type { RunVerifier } from './runVerifier';
import type { RunState } from '../model/runState';
import type { Finding } from '../model/finding';
import {
  runVerification,
  type VerificationOutcome,
  type VerificationRunner,
  type VerificationStep,
} from './verificationStep';
import type { VerificationThresholds } from './verificationThresholds';

/**
 * The end-of-run gate of the CLI and the host: runs every configured step in the workspace, in
 * order, and hands back their findings; a finding over the thresholds fails the run. The steps are
 * the user's own configuration (command line or settings), so they run without a policy check.
 */
export class StepsVerifier implements RunVerifier {
  constructor(
    private readonly steps: readonly VerificationStep[],
    private readonly runner: VerificationRunner,
    private readonly thresholds: VerificationThresholds,
    private readonly cwd: string,
    /** Told about each finished step (terminal, log channel). */
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
