import type { Finding } from '../model/finding';
import type { RunState } from '../model/runState';

/** Checks the whole result at the end of a run (build, tests); its findings gate success. */
export interface RunVerifier {
  verify(state: Readonly<RunState>, signal: AbortSignal): Promise<Finding[]>;
}
