import { promises as fs } from 'node:fs';
import ignore, { type Ignore } from 'ignore';

/** `.gitignore` files bigger than this are not read (a real one is a few KB). */
const MAX_IGNORE_FILE_BYTES = 512 * 1024;

/** The rules of one ignore file and the folder (workspace-relative, '' for the root) they apply under. */
export interface IgnoreLayer {
  dir: string;
  rules: Ignore;
}

/**
 * Git's rule over the ignore files on a path's way, outermost first: a later (deeper) file
 * overrides an earlier one, and a negation can re-include. Used by the CLI's and the host's
 * workspace listings alike.
 */
export function isIgnoredByLayers(layers: readonly IgnoreLayer[], relative: string, isDir: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    if (layer.dir !== '' && !relative.startsWith(`${layer.dir}/`)) continue;
    const sub = layer.dir === '' ? relative : relative.slice(layer.dir.length + 1);
    let result: { ignored: boolean; unignored: boolean };
    try {
      result = layer.rules.test(isDir ? `${sub}/` : sub);
    } catch {
      continue; // `ignore` rejects odd names such as "..."; git has no rule for them either
    }
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

/** Reads an ignore file; undefined when there is none, it is not a plain file, or it is unreasonably big. */
export async function readIgnoreRules(file: string): Promise<Ignore | undefined> {
  try {
    const stat = await fs.lstat(file);
    if (!stat.isFile() || stat.size > MAX_IGNORE_FILE_BYTES) return undefined;
    // Case-insensitive file systems (macOS, Windows) make git ignore case too.
    return ignore({ ignorecase: process.platform !== 'linux' }).add(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}
