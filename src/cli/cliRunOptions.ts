import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/store/atomicFile';
import { readJsonFile } from '../core/store/jsonFile';
import { assertSafeRunId } from '../core/store/runLayout';
import { MAX_CONCURRENCY, MAX_REPAIR_ATTEMPTS } from '../core/engine/engineSettings';
import { GateThresholdsSchema } from '../core/verify/gateThresholds';
import { lazySchema } from '../core/common/lazySchema';
import { MAX_BACKOFF_MS, MAX_RETRY_ATTEMPTS } from '../core/execute/retryPolicy';
import { LogLevelSchema } from '../core/model/runEvents';
import { PolicyRuleSchema } from '../core/policy/policyRules';

/** Longest timeout the flags accept, in seconds. */
export const MAX_COMMAND_SECONDS = 3600;
/** Largest output cap the flags accept, in KiB. */
export const MAX_COMMAND_OUTPUT_KIB = 4096;

/** run_command's limits from the flags: seconds and KiB, as the settings write them. */
export const CommandLimitsSchema = z.strictObject({
  timeoutSeconds: z.number().int().min(1).max(MAX_COMMAND_SECONDS).optional(),
  maxTimeoutSeconds: z.number().int().min(1).max(MAX_COMMAND_SECONDS).optional(),
  maxOutputKiB: z.number().int().min(1).max(MAX_COMMAND_OUTPUT_KIB).optional(),
});

/** run_command's limits from the flags. */
export type CommandLimits = z.output<typeof CommandLimitsSchema>;
import { modelPriceSchema } from '../core/llm/priceTable';

/** Folder under the state folder that holds the CLI's settings of each run. */
export const CLI_RUNS_DIR = 'cli-runs';

/**
 * What `resume` needs to continue a run the way it was started: the workspace, provider, model,
 * base URL, concurrency, `--verify` commands, their limits and repair attempts, the policy rules,
 * retry policy and log level. Never an API key:
 * those stay in the environment.
 */
export const CliRunOptionsSchema = lazySchema(() =>
  z.strictObject({
    formatVersion: z.literal(1),
    workspace: z.string().min(1),
    /** A provider id; checked against the provider table when the run is resumed. */
    provider: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    model: z.string().min(1),
    baseUrl: z.string().min(1).optional(),
    concurrency: z.number().int().min(1).max(MAX_CONCURRENCY),
    verify: z.array(z.string().min(1)),
    /** `--pass-env` names; absent in runs of older versions and when none were given. */
    passEnv: z.array(z.string().min(1)).optional(),
    /** The limits of `--max-*` and `--threshold`, as the settings write them; absent in runs of older versions. */
    thresholds: GateThresholdsSchema.optional(),
    repairAttempts: z.number().int().min(0).max(MAX_REPAIR_ATTEMPTS).optional(),
    /** `--price` and `--prices`, merged; absent when none were given. */
    prices: z.record(z.string().min(1), modelPriceSchema).optional(),
    /** False with `--no-response-cache`; absent: the cache is on. */
    responseCache: z.boolean().optional(),
    /** `--command-timeout`, `--command-max-timeout`, `--command-output-kib`; absent when none was given. */
    commandLimits: CommandLimitsSchema.optional(),
    /** `--policy FILE` and the rule flags; absent when none was given. */
    policyRules: z.array(PolicyRuleSchema).optional(),
    /** `--max-attempts`, `--backoff-base-ms`, `--backoff-max-ms`; absent when none was given. */
    retry: z
      .strictObject({
        maxAttempts: z.number().int().min(1).max(MAX_RETRY_ATTEMPTS).optional(),
        baseDelayMs: z.number().int().min(0).max(MAX_BACKOFF_MS).optional(),
        maxDelayMs: z.number().int().min(0).max(MAX_BACKOFF_MS).optional(),
      })
      .optional(),
    /** `--log-level` / `--verbose`; `resume --log-level` overrides it for that session. */
    logLevel: LogLevelSchema.optional(),
  }),
);

/** The settings a run was started with. */
export type CliRunOptions = z.output<typeof CliRunOptionsSchema>;

function fileOf(stateDir: string, runId: string): string {
  assertSafeRunId(runId);
  return path.join(stateDir, CLI_RUNS_DIR, `${runId}.json`);
}

/**
 * The SHA-256 (hex) of a run's settings in canonical form (keys sorted, no spacing): the run
 * records it in `run.created`, and resume refuses settings that no longer match it.
 */
export function cliRunOptionsDigest(options: CliRunOptions): string {
  return createHash('sha256').update(canonicalJson(options)).digest('hex');
}

/** Saves a run's settings (atomically) before the run starts; returns their digest for the run to record. */
export async function saveCliRunOptions(
  stateDir: string,
  runId: string,
  options: Omit<CliRunOptions, 'formatVersion'>,
): Promise<string> {
  const file = fileOf(stateDir, runId);
  await mkdir(path.dirname(file), { recursive: true });
  const text = `${JSON.stringify(CliRunOptionsSchema.parse({ formatVersion: 1, ...options }), null, 2)}\n`;
  await writeFileAtomic(file, text);
  // The digest of what resume will read back, so both sides hash the same parsed value.
  return cliRunOptionsDigest(CliRunOptionsSchema.parse(JSON.parse(text)));
}

/** Thrown when a run's saved settings are missing, damaged, changed or unverifiable; the message says what to do. */
export class SavedSettingsError extends Error {
  override readonly name = 'SavedSettingsError';
}

/**
 * A run's saved settings, checked against the digest the run recorded when it started. Undefined
 * only when the run recorded no digest and no settings were saved (a run the CLI did not start).
 * Never falls back to defaults: a missing, damaged, changed or unverifiable file throws
 * {@link SavedSettingsError}, because the settings decide where the API key is sent.
 */
export async function loadVerifiedCliRunOptions(
  stateDir: string,
  runId: string,
  recordedDigest: string | undefined,
): Promise<CliRunOptions | undefined> {
  const file = fileOf(stateDir, runId);
  const refuse = (what: string): SavedSettingsError =>
    new SavedSettingsError(
      `Run ${runId} cannot be resumed: its saved settings ${file} ${what}. It will not fall back to the default provider, ` +
        `model, base URL or checks. Start a new run with \`agent-orchestrator run\` (\`agent-orchestrator show ${runId}\` still shows this one).`,
    );
  const read = await readJsonFile(file, CliRunOptionsSchema);
  if (read.status === 'missing') {
    if (recordedDigest === undefined) return undefined;
    throw refuse('are missing, although the run recorded their digest when it started');
  }
  if (read.status === 'invalid') throw refuse(`are damaged (${read.reason})`);
  if (recordedDigest === undefined)
    throw refuse(
      'cannot be verified: the run recorded no digest of them (its event log was changed, or an older version started it)',
    );
  if (cliRunOptionsDigest(read.data) !== recordedDigest)
    throw refuse(
      "were changed after the run started (their SHA-256 no longer matches the one in the run's event log), so they could send the API key elsewhere",
    );
  return read.data;
}

/** JSON with object keys sorted at every level, so equal settings always hash alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
