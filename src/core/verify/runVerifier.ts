import type { Finding } from '../model/finding';
import type { RunState } from '../model/runState';
import type { BaselineCheck, GateCheckResult } from '../model/verificationBaseline';
import type { VerificationOutcome } from './verificationStep';

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

/**
 * Where a verifier records each check it finished, before it moves on to the next, so a run resumed
 * after a crash reuses a finished check's outcome instead of running it again. A check that had
 * started but not finished has no record and runs again.
 */
export interface VerificationJournal {
  /** The recorded outcome of the check with this key (unique within one baseline or gate round). */
  recorded(key: string): VerificationOutcome | undefined;
  /** Records a finished check's outcome under its key; resolves once the record is durable. */
  record(key: string, outcome: VerificationOutcome): Promise<void>;
  /** The key unique across runs of the check with this key: names its durable record while it runs. */
  uniqueKey?(key: string): string;
}

/** Checks the whole result of a run (build, tests): once before the first task, and at the end. */
export interface RunVerifier {
  /** Runs every check once before the first task; the run records the result as its baseline. */
  baseline?(signal: AbortSignal, journal?: VerificationJournal): Promise<BaselineCheck[]>;
  /** The end-of-run gate: every check against the run's baseline (`state.baseline`) and the thresholds. */
  verify(state: Readonly<RunState>, signal: AbortSignal, journal?: VerificationJournal): Promise<RunGateReport>;
}
