import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Ignore } from 'ignore';
import { isIgnoredByLayers, readIgnoreRules, type IgnoreLayer } from './gitignoreRules';

/** Folders never listed or searched, whatever `.gitignore` says (as in the CLI): git internals and installed packages. */
export const ALWAYS_SKIPPED_FOLDERS: readonly string[] = Object.freeze(['.git', 'node_modules']);

/**
 * Answers "would git ignore this file?" for workspace-relative paths, with git's rules: the root's
 * `.git/info/exclude`, then the `.gitignore` of every folder on the way (deeper files override,
 * `!` re-includes), and a file inside an ignored folder stays ignored. Anything under
 * {@link ALWAYS_SKIPPED_FOLDERS} counts as ignored. A symlink is ignored when either its own path
 * or the path it really points to inside the workspace is, so a link cannot expose an ignored file
 * (checklist 2). Ignore files are read once per filter, so make a new filter for each listing or
 * search to see edits to them.
 */
export class GitignoreFilter {
  private readonly rules = new Map<string, Promise<Ignore | undefined>>();

  constructor(
    /** Real path of the workspace folder. */
    private readonly root: string,
  ) {}

  /** True when the file should be left out of listings and searches, by its own path or its real path. */
  async isIgnored(relative: string): Promise<boolean> {
    if (await this.isIgnoredAt(relative)) return true;
    const real = await this.realRelative(relative);
    return real !== undefined && real !== relative && (await this.isIgnoredAt(real));
  }

  /** Git's answer for exactly this workspace-relative path, links not resolved. */
  private async isIgnoredAt(relative: string): Promise<boolean> {
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

  /** The workspace-relative posix path the file really is, or undefined when it is missing or outside. */
  private async realRelative(relative: string): Promise<string | undefined> {
    const real = await fs.realpath(path.join(this.root, ...relative.split('/'))).catch(() => undefined);
    if (real === undefined) return undefined;
    const rel = path.relative(this.root, real);
    if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  private load(file: string, dir: string): Promise<Ignore | undefined> {
    const key = `${dir}\n${file}`;
    let rules = this.rules.get(key);
    if (!rules) this.rules.set(key, (rules = readIgnoreRules(path.join(this.root, ...file.split('/')))));
    return rules;
  }
}
