import { readFile, writeFile } from 'node:fs/promises';
import type { GitRunner } from './gitRunner';

/** Larger indexes (repositories of several hundred thousand files) are read from git each time instead. */
const MAX_CACHED_BYTES = 32 * 1024 * 1024;

/**
 * The index file `git read-tree <head>` writes, kept in memory: every snapshot starts from HEAD's tree, and HEAD
 * rarely moves during a run, so later snapshots copy the bytes instead of starting a git process. The bytes hold no
 * stat data, so the copy means exactly what a fresh `read-tree` would.
 */
export class BaseIndexCache {
  private entry: { head: string; bytes: Buffer } | undefined;

  /** Fills `indexFile` with `head`'s tree; resolves true when the bytes came from memory. */
  async fill(git: GitRunner, head: string, indexFile: string): Promise<boolean> {
    const entry = this.entry;
    if (entry?.head === head) {
      await writeFile(indexFile, entry.bytes);
      return true;
    }
    await git.run(['read-tree', head], { indexFile });
    const bytes = await readFile(indexFile);
    this.entry = bytes.length <= MAX_CACHED_BYTES ? { head, bytes } : undefined;
    return false;
  }

  /** Drops the cached index, so the next `fill` asks git again. */
  forget(): void {
    this.entry = undefined;
  }
}
