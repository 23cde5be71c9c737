import { mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../core/store/atomicFile';
import { assertSafeRunId } from '../core/store/runLayout';
import { MAX_CONCURRENCY, MAX_REPAIR_ATTEMPTS } from '../core/engine/engineSettings';
import { GateThresholdsSchema } from '../core/verify/gateThresholds';

/** Folder under the state folder that holds the CLI's settings of each run. */
export const CLI_RUNS_DIR = 'cli-runs';

/**
 * What `resume` needs to continue a run the way it was started: the workspace, provider, model,
 * base URL, concurrency, `--verify` commands, their limits and repair attempts. Never an API key:
 * those stay in the environment.
 */
export const CliRunOptionsSchema = z.strictObject({
  formatVersion: z.literal(1),
  workspace: z.string().min(1),
  /** A provider id; checked against the provider table when the run is resumed. */
  provider: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  model: z.string().min(1),
  baseUrl: z.string().min(1).optional(),
  concurrency: z.number().int().min(1).max(MAX_CONCURRENCY),
  verify: z.array(z.string().min(1)),
  /** The limits of `--max-*` and `--threshold`, as the settings write them; absent in runs of older versions. */
  thresholds: GateThresholdsSchema.optional(),
  repairAttempts: z.number().int().min(0).max(MAX_REPAIR_ATTEMPTS).optional(),
});

/** The settings a run was started with. */
export type CliRunOptions = z.output<typeof CliRunOptionsSchema>;

function fileOf(stateDir: string, runId: string): string {
  assertSafeRunId(runId);
  return path.join(stateDir, CLI_RUNS_DIR, `${runId}.json`);
}

/** Saves a run's settings (atomically) before the run starts. */
export async function saveCliRunOptions(
  stateDir: string,
  runId: string,
  options: Omit<CliRunOptions, 'formatVersion'>,
): Promise<void> {
  const file = fileOf(stateDir, runId);
  await mkdir(path.dirname(file), { recursive: true });
  const data = CliRunOptionsSchema.parse({ formatVersion: 1, ...options });
  await writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`);
}

/** A run's saved settings; undefined when the run was not started by this CLI. Throws for a damaged file. */
export async function loadCliRunOptions(stateDir: string, runId: string): Promise<CliRunOptions | undefined> {
  const file = fileOf(stateDir, runId);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: ReturnType<typeof CliRunOptionsSchema.safeParse>;
  try {
    parsed = CliRunOptionsSchema.safeParse(JSON.parse(text));
  } catch {
    throw new Error(
      `The CLI settings of run ${runId} (${file}) are not valid JSON; fix or delete the file and pass --workspace.`,
    );
  }
  if (!parsed.success)
    throw new Error(
      `The CLI settings of run ${runId} (${file}) are damaged: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  return parsed.data;
}
