import { UsageError } from './usageError';

/** Engine tuning read from the environment: for slow networks, and for crash and fault tests that need it small. */
export interface CliTuning {
  /** `AGENT_ORCHESTRATOR_REQUEST_TIMEOUT_MS`: one model request fails (retryably) after this long. */
  requestTimeoutMs?: number;
  /** `AGENT_ORCHESTRATOR_SNAPSHOT_EVERY`: a run's snapshot is rewritten after this many events. */
  snapshotEvery?: number;
}

const VARIABLES = [
  ['AGENT_ORCHESTRATOR_REQUEST_TIMEOUT_MS', 'requestTimeoutMs', 100],
  ['AGENT_ORCHESTRATOR_SNAPSHOT_EVERY', 'snapshotEvery', 1],
] as const;

/** The tuning variables that are set; a bad value is a `UsageError` that names the variable. */
export function tuningFromEnv(env: Readonly<Record<string, string | undefined>>): CliTuning {
  const tuning: CliTuning = {};
  for (const [name, field, min] of VARIABLES) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min)
      throw new UsageError(
        `${name} must be a whole number of at least ${min} (or unset for the default); got "${raw}".`,
      );
    tuning[field] = n;
  }
  return tuning;
}
