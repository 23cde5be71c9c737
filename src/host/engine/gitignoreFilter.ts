import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Folders never listed or searched, whatever `.gitignore` says (as in the CLI): git internals and installed packages. */
export const ALWAYS_SKIPPED_FOLDERS: readonly string[] = Object.freeze(['.git', 'node_modules']);

/** `.gitignore` files bigger than this are not read (a real one is a few KB). */
const MAX_IGNORE_FILE_BYTES = 512 * 1024;

/**
 * Answers "would git ignore this file?" for workspace-relative paths, with git's rules: the root's
 * `.git/info/exclude`, then the `.gitignore` of every folder on the way (deeper files override,
 * `!` re-includes), and a file inside an ignored folder stays ignored. Anything under
 * {@link ALWAYS_SKIPPED_FOLDERS} counts as ignored. Ignore files are read once per filter, so
 * make a new filter for each listing or search to see edits to them.
 */
export class GitignoreFilter {
  private readonly rules = new Map<string, Promise<Ignore | undefined>>();

  constructor(
    /** Real path of the workspace folder. */
    private readonly root: string,
  ) {}

  /** True when the file should be left out of listings and searches. */
  async isIgnored(relative: string): Promise<boolean> {
    const parts = relative.split('/');
    if (parts.some((p) => ALWAYS_SKIPPED_FOLDERS.includes(p))) return true;
    const layers: Array<{ dir: string; rules: Ignore }> = [];
    const exclude = await this.load('.git/info/exclude', '');
    if (exclude) layers.push({ dir: '', rules: exclude });
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      const own = await this.load(dir === '' ? '.gitignore' : `${dir}/.gitignore`, dir);
      if (own) layers.push({ dir, rules: own });
      const isFile = depth === parts.length - 1;
      if (test(layers, parts.slice(0, depth + 1).join('/'), !isFile)) return true;
    }
    return false;
  }

  private load(file: string, dir: string): Promise<Ignore | undefined> {
    const key = `${dir}\n${file}`;
    let rules = this.rules.get(key);
    if (!rules) this.rules.set(key, (rules = readRules(path.join(this.root, ...file.split('/')))));
    return rules;
  }
}

/** Git's rule: a later (deeper) file overrides an earlier one, and a negation can re-include. */
function test(layers: ReadonlyArray<{ dir: string; rules: Ignore }>, relative: string, isDir: boolean): boolean {
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

async function readRules(file: string): Promise<Ignore | undefined> {
  try {
    const stat = await fs.lstat(file);
    if (!stat.isFile() || stat.size > MAX_IGNORE_FILE_BYTES) return undefined;
    // Case-insensitive file systems (macOS, Windows) make git ignore case too.
    return ignore({ ignorecase: process.platform !== 'linux' }).add(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}
