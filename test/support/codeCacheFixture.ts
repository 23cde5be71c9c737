import { copyFileSync, mkdirSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The code-cache files in `dir`, sorted; none when the folder does not exist. */
export function cacheFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.v8cache'))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Copies the build's `files` (paths under `from`) to `to` with their modification times: the same
 * build at another path, as a fresh process sees it. V8 keeps the scripts it compiled in memory,
 * by source and file name, and would not even look at the cache for a second load from one path.
 */
export function copyBuild(from: string, to: string, files: readonly string[]): void {
  for (const name of files) {
    mkdirSync(dirname(join(to, name)), { recursive: true });
    copyFileSync(join(from, name), join(to, name));
    const { atime, mtime } = statSync(join(from, name));
    utimesSync(join(to, name), atime, mtime);
  }
}
