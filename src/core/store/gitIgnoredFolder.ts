import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the `.gitignore` of a state folder inside a workspace says: everything in it, itself included. */
export const STATE_FOLDER_GITIGNORE = '# Written by Agent Orchestrator: run state is not part of the project.\n*\n';

/**
 * Makes git ignore a state folder that lies inside a workspace, by a `.gitignore` of `*` in it (as
 * `.pytest_cache` does), so checkpoints never snapshot run files and a rollback never rewinds them,
 * and workspace listings that honour `.gitignore` leave them out. An existing file is left alone.
 */
export async function ensureGitIgnoredFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  try {
    await writeFile(join(dir, '.gitignore'), STATE_FOLDER_GITIGNORE, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
