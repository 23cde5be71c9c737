import type { Finding } from '../model/finding';
import type { RunState } from '../model/runState';
import type { BaselineCheck, GateCheckResult } from '../model/verificationBaseline';

/** What the end-of-run gate found. */
export interface RunGateReport {
  /** The run may succeed: no check crossed its limits with findings that were not in the baseline. */
  passed: boolean;
  /** New findings, and those already in the baseline marked `preExisting` (which never fail the run). */
  findings: Finding[];
  /** Each check's verdict; empty when the gate could not judge anything. */
  checks: GateCheckResult[];
  /** What failed, as bounded text for a repair task's brief: each failing check, its new findings and output. */
  failureText: string;
}

/** Checks the whole result of a run (build, tests): once before the first task, and at the end. */
export interface RunVerifier {
  /** Runs every check once before the first task; the run records the result as its baseline. */
  baseline?(signal: AbortSignal): Promise<BaselineCheck[]>;
  /** The end-of-run gate: every check against the run's baseline (`state.baseline`) and the thresholds. */
  verify(state: Readonly<RunState>, signal: AbortSignal): Promise<RunGateReport>;
}
