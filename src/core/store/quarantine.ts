import { randomBytes } from 'node:crypto';
import { constants, copyFile, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory } from './atomicFile';

/** Name of the folder, beside the bad file, that keeps files we could not read. */
export const QUARANTINE_DIR = 'quarantine';

/**
 * Moves a file we could not read into `<dir>/quarantine/<prefix>-<timestamp>.<ext>` and returns
 * the new path. Bad files are kept for inspection, never deleted silently.
 */
export async function quarantineFile(
  file: string,
  dir: string,
  prefix: string,
  ext: string,
  now: number = Date.now(),
): Promise<string> {
  const target = join(dir, QUARANTINE_DIR);
  await mkdir(target, { recursive: true });
  // Colons are not allowed in Windows file names; the random part keeps two moves in one millisecond apart.
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const destination = join(target, `${prefix}-${stamp}-${randomBytes(3).toString('hex')}.${ext}`);
  await rename(file, destination);
  await fsyncDirectory(target);
  await fsyncDirectory(dir);
  return destination;
}

/**
 * Copies a file that is still in use but holds damage into `<dir>/quarantine/<name>` and returns
 * the copy's path, so the damaged bytes are kept for inspection. A copy already there under that
 * name (the same damage found before) is kept, not made again.
 */
export async function quarantineCopy(file: string, dir: string, name: string): Promise<string> {
  const target = join(dir, QUARANTINE_DIR);
  await mkdir(target, { recursive: true });
  const destination = join(target, name);
  try {
    await copyFile(file, destination, constants.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return destination;
  }
  await fsyncDirectory(target);
  return destination;
}
