import * as path from 'node:path';
import type { Ignore } from 'ignore';
import { isIgnoredByLayers, readIgnoreRules, type IgnoreLayer } from '../../core/tools/gitignoreRules';

/** Folders never listed or searched, whatever `.gitignore` says (as in the CLI): git internals and installed packages. */
export const ALWAYS_SKIPPED_FOLDERS: readonly string[] = Object.freeze(['.git', 'node_modules']);

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
    const layers: IgnoreLayer[] = [];
    const exclude = await this.load('.git/info/exclude', '');
    if (exclude) layers.push({ dir: '', rules: exclude });
    for (let depth = 0; depth < parts.length; depth++) {
      const dir = parts.slice(0, depth).join('/');
      const own = await this.load(dir === '' ? '.gitignore' : `${dir}/.gitignore`, dir);
      if (own) layers.push({ dir, rules: own });
      const isFile = depth === parts.length - 1;
      if (isIgnoredByLayers(layers, parts.slice(0, depth + 1).join('/'), !isFile)) return true;
    }
    return false;
  }

  private load(file: string, dir: string): Promise<Ignore | undefined> {
    const key = `${dir}\n${file}`;
    let rules = this.rules.get(key);
    if (!rules) this.rules.set(key, (rules = readIgnoreRules(path.join(this.root, ...file.split('/')))));
    return rules;
  }
}
