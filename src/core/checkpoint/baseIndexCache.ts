import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitRunner } from './gitRunner';

/** Larger indexes (repositories of several hundred thousand files) are read from git each time instead. */
const MAX_CACHED_BYTES = 32 * 1024 * 1024;

/**
 * The index file `git read-tree <head>` writes, kept in memory: every snapshot starts from HEAD's tree, and HEAD
 * rarely moves during a run, so later snapshots copy the bytes instead of starting a git process. The bytes hold no
 * stat data, so the copy means exactly what a fresh `read-tree` would.
 */
export class BaseIndexCache {
  /** `bytes` is undefined when `head`'s index is too large to keep. */
  private entry: { head: string; bytes: Buffer | undefined } | undefined;

  /** Fills `indexFile` with `head`'s tree; resolves true when the bytes came from memory. */
  async fill(git: GitRunner, head: string, indexFile: string): Promise<boolean> {
    const entry = this.entry;
    if (entry?.head === head && entry.bytes !== undefined) {
      await writeFile(indexFile, entry.bytes);
      return true;
    }
    await git.run(['read-tree', head], { indexFile });
    this.keep(head, await readFile(indexFile));
    return false;
  }

  /** Reads `head`'s index into memory ahead of the snapshots that will need it (nothing when it is known already). */
  async load(git: GitRunner, head: string | undefined): Promise<void> {
    if (head === undefined || this.entry?.head === head) return;
    const dir = await mkdtemp(join(tmpdir(), 'ao-base-index-'));
    try {
      const indexFile = join(dir, 'index');
      await git.run(['read-tree', head], { indexFile });
      this.keep(head, await readFile(indexFile));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Drops the cached index, so the next `fill` asks git again. */
  forget(): void {
    this.entry = undefined;
  }

  private keep(head: string, bytes: Buffer): void {
    this.entry = { head, bytes: bytes.length <= MAX_CACHED_BYTES ? bytes : undefined };
  }
}
