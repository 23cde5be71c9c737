import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { ModelChoice } from '../core/engine/engineModels';
import type { ProviderTable } from '../core/llm/providerTable';
import type { RunState } from '../core/model/runState';
import { UnreadableRunError } from '../core/store/recovery';
import { RUNS_DIR } from '../core/store/runLayout';
import { runStoreAt } from '../core/store/runStore';
import { loadVerifiedCliRunOptions, SavedSettingsError, type CliRunOptions } from './cliRunOptions';
import { UsageError } from './usageError';

/** The engine settings of a run to resume: what it was started with (its workspace may be moved). */
export type RunEngineSettings = Pick<
  CliRunOptions,
  | 'workspace'
  | 'concurrency'
  | 'verify'
  | 'passEnv'
  | 'thresholds'
  | 'repairAttempts'
  | 'commandLimits'
  | 'prices'
  | 'responseCache'
  | 'policyRules'
  | 'retry'
  | 'logLevel'
> & { models: ModelChoice };

/** A run that can be resumed, and the settings to build its engine from. */
export interface ResumableRun {
  stored: RunState;
  settings: RunEngineSettings;
}

/**
 * Checks that `runId` in `stateDir` can be resumed and reads the settings it was saved with,
 * before any engine is built (changed settings must not reach a model, nor drop a check). Every
 * refusal is a `UsageError` that says what to do; `listHint` is the command that lists the runs.
 */
export async function resumableRun(
  runId: string,
  workspaceOverride: string | undefined,
  stateDir: string,
  providers: ProviderTable,
  defaultConcurrency: number,
  listHint: string,
): Promise<ResumableRun> {
  const runDir = path.join(stateDir, RUNS_DIR, runId);
  if (!(await isDirectory(runDir)))
    throw new UsageError(
      `There is no run "${runId}" in ${path.join(stateDir, RUNS_DIR)}; \`${listHint}\` shows the runs.`,
    );
  const { state: stored } = await runStoreAt(stateDir)
    .load(runId)
    .catch((err: unknown) => {
      throw err instanceof UnreadableRunError ? new UsageError(err.message) : err;
    });
  // A run paused before it had a plan (its budget refused the planner's request) plans on resume.
  const replans = !stored.plan && stored.status === 'paused';
  if (stored.status === 'succeeded' || stored.status === 'planned' || (!stored.plan && !replans)) {
    const why = !stored.plan
      ? 'it has no validated plan; start it again with `run`'
      : stored.status === 'succeeded'
        ? 'it already succeeded'
        : 'it was a dry run; start the goal again without --dry-run';
    throw new UsageError(`Run ${runId} cannot be resumed: ${why}.`);
  }
  let saved: CliRunOptions | undefined;
  try {
    saved = await loadVerifiedCliRunOptions(stateDir, runId, stored.settingsDigest);
  } catch (err) {
    if (err instanceof SavedSettingsError) throw new UsageError(err.message);
    throw err;
  }
  const workspace = workspaceOverride ?? saved?.workspace;
  if (!workspace)
    throw new UsageError(
      `Run ${runId} was not started by this CLI, so its workspace is unknown; pass it with --workspace DIR.`,
    );
  if (!(await isDirectory(workspace)))
    throw new UsageError(
      `The workspace of run ${runId}, ${workspace}, does not exist any more; pass its new place with --workspace DIR.`,
    );
  if (saved && !providers.get(saved.provider)) {
    throw new UsageError(
      `Run ${runId} was started with provider "${saved.provider}", which this version does not know; known providers: ${providers.ids().join(', ')}.`,
    );
  }
  const models: ModelChoice = saved
    ? { provider: saved.provider, model: saved.model, ...(saved.baseUrl ? { baseUrl: saved.baseUrl } : {}) }
    : { provider: 'auto' };
  const settings: RunEngineSettings = {
    workspace,
    models,
    concurrency: saved?.concurrency ?? defaultConcurrency,
    verify: saved?.verify ?? [],
    ...(saved?.passEnv === undefined ? {} : { passEnv: saved.passEnv }),
    ...(saved?.thresholds === undefined ? {} : { thresholds: saved.thresholds }),
    ...(saved?.repairAttempts === undefined ? {} : { repairAttempts: saved.repairAttempts }),
    ...(saved?.commandLimits === undefined ? {} : { commandLimits: saved.commandLimits }),
    ...(saved?.prices === undefined ? {} : { prices: saved.prices }),
    ...(saved?.responseCache === undefined ? {} : { responseCache: saved.responseCache }),
    // The saved rules, retry policy and log level are kept (the log level may be changed per session).
    ...userPolicyOf(saved ?? {}),
  };
  return { stored, settings };
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** The policy rules, retry policy and log level of flags or saved settings, without absent ones. */
export function userPolicyOf(from: Partial<Pick<CliRunOptions, 'policyRules' | 'retry' | 'logLevel'>>) {
  return {
    ...(from.policyRules === undefined ? {} : { policyRules: from.policyRules }),
    ...(from.retry === undefined ? {} : { retry: from.retry }),
    ...(from.logLevel === undefined ? {} : { logLevel: from.logLevel }),
  };
}
