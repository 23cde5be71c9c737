import { join } from 'node:path';

/** Folder under the storage root that holds one folder per run. */
export const RUNS_DIR = 'runs';
/** The append-only event log of a run. */
export const EVENT_LOG_FILE = 'events.jsonl';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Names Windows reserves for devices, with or without an extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Where the files of one run live. */
export interface RunLayout {
  runId: string;
  dir: string;
  log: string;
}

/** Paths of run `runId` under `root`; throws for an id that could escape the runs folder. */
export function runLayout(root: string, runId: string): RunLayout {
  assertSafeRunId(runId);
  const dir = join(root, RUNS_DIR, runId);
  return { runId, dir, log: join(dir, EVENT_LOG_FILE) };
}

/** Whether `runId` is safe as a folder name on every platform: letters, digits, ".", "_", "-", no "..", at most 128 characters. */
export function isSafeRunId(runId: string): boolean {
  // The first character is alphanumeric so hidden names (".deleted-…") stay reserved for the store.
  // Windows drops a trailing dot and maps device names to devices, so both would alias another path.
  return RUN_ID.test(runId) && !runId.includes('..') && !runId.endsWith('.') && !WINDOWS_DEVICE.test(runId);
}

/** Throws a clear error for an unsafe run id. */
export function assertSafeRunId(runId: string): void {
  if (!isSafeRunId(runId)) {
    throw new Error(
      `Invalid run id ${JSON.stringify(runId)}: use 1 to 128 letters, digits, ".", "_" or "-", starting with a letter or digit, ` +
        'without ".." or a trailing ".", and not a Windows device name (CON, NUL, COM1, …).',
    );
  }
}
