// Free of `vscode`, so it is unit-tested in plain Node.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isSafeRunId, RUNS_DIR } from '../../core/store/runLayout';

/**
 * Whether the run store under `root` holds any run folder: the Runs view's cheap first read. With
 * none (a first start, "No runs yet") the list is empty without loading the engine; with some, the
 * engine's store reads them (it recovers each run's state). A folder that cannot be read counts as
 * holding runs, so the store's read reports the problem.
 */
export async function hasRunFolders(root: string): Promise<boolean> {
  try {
    const entries = await readdir(join(root, RUNS_DIR), { withFileTypes: true });
    return entries.some((e) => e.isDirectory() && isSafeRunId(e.name));
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
