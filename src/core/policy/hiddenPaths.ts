import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { ResolvedPath } from './pathGuard';

/** What a command named inside a hidden folder: the word, and the folder it reaches. */
export interface HiddenPathHit {
  word: string;
  folder: string;
}

/**
 * Folders no agent may read, write, list, search or name in a command, wherever the workspace is:
 * the engine's own state folder (run logs, saved run settings, statistics, locks). When it lies
 * inside the workspace, an agent that could write there could rewrite where the next resume sends
 * the API key (checklist 29). Each folder is matched by its lexical and its real path.
 */
export class HiddenPaths {
  private zones: Promise<Array<{ folder: string; forms: string[] }>> | undefined;

  constructor(
    private readonly root: string,
    private readonly folders: readonly string[],
  ) {}

  /** The hidden folder that holds a resolved workspace path (either spelling), or undefined. */
  async folderOf(resolved: Pick<ResolvedPath, 'absolute' | 'real'>): Promise<string | undefined> {
    for (const zone of await this.resolvedZones()) {
      if (zone.forms.some((form) => isInside(form, resolved.absolute) || isInside(form, resolved.real)))
        return zone.folder;
    }
    return undefined;
  }

  /**
   * The first word of a command (each argv, `--opt=value` values included) that names a path inside
   * a hidden folder, or a glob whose base holds one (`*`, `st*`/`cli-runs/*`), so a command run in
   * the workspace can neither read nor change the folder; undefined when none does.
   */
  async touchedBy(argvs: ReadonlyArray<readonly string[]>): Promise<HiddenPathHit | undefined> {
    const zones = await this.resolvedZones();
    if (zones.length === 0) return undefined;
    const words = new Set(argvs.flat().flatMap((word) => [word, ...(word.includes('=') ? [afterEquals(word)] : [])]));
    for (const word of words) {
      if (word === '') continue;
      const scan = picomatch.scan(word);
      const named = path.resolve(this.root, scan.isGlob ? scan.base || '.' : word);
      const spellings = [named, await realpathOrSelf(named)];
      for (const zone of zones) {
        const hit = zone.forms.some((form) =>
          spellings.some((p) => isInside(form, p) || (scan.isGlob && isInside(p, form))),
        );
        if (hit) return { word, folder: zone.folder };
      }
    }
    return undefined;
  }

  private resolvedZones(): Promise<Array<{ folder: string; forms: string[] }>> {
    this.zones ??= (async () => {
      const roots = [path.resolve(this.root), await realpathOrSelf(path.resolve(this.root))];
      const zones = await Promise.all(
        this.folders.map(async (folder) => {
          const absolute = path.resolve(this.root, folder);
          return { folder: absolute, forms: [...new Set([absolute, await realpathOrSelf(absolute)])] };
        }),
      );
      // A folder holding the workspace (a state folder of ~) would hide everything; what of it lies
      // outside the workspace the path guard refuses anyway.
      return zones.filter((z) => !z.forms.some((f) => roots.some((r) => r !== f && isInside(f, r))));
    })();
    return this.zones;
  }
}

/** Whether `child` is `parent` or lies under it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function afterEquals(word: string): string {
  return word.slice(word.indexOf('=') + 1);
}

/** The real path of `p`, or of its deepest existing ancestor with the rest appended; `p` itself when none resolves. */
async function realpathOrSelf(p: string): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch {
    const parent = path.dirname(p);
    if (parent === p) return p;
    return path.join(await realpathOrSelf(parent), path.basename(p));
  }
}

/** `folder` made absolute when it lies inside the workspace `root`, by lexical or real path; undefined otherwise. */
export async function folderInsideWorkspace(root: string, folder: string): Promise<string | undefined> {
  const absolute = path.resolve(root, folder);
  const roots = [path.resolve(root), await realpathOrSelf(path.resolve(root))];
  const forms = [absolute, await realpathOrSelf(absolute)];
  return roots.some((r) => forms.some((f) => isInside(r, f))) ? absolute : undefined;
}

/** `folder`'s workspace-relative (posix) spellings: lexical and real, those that stay inside `root`. */
export async function relativeSpellings(root: string, folder: string): Promise<string[]> {
  const pairs: Array<[string, string]> = [
    [path.resolve(root), path.resolve(root, folder)],
    [await realpathOrSelf(path.resolve(root)), await realpathOrSelf(path.resolve(root, folder))],
  ];
  const inside = pairs.filter(([r, f]) => isInside(r, f) && r !== f);
  return [...new Set(inside.map(([r, f]) => path.relative(r, f).split(path.sep).join('/')))];
}

/** Whether two paths name the same folder, lexically or by real path. */
export async function isSameFolder(a: string, b: string): Promise<boolean> {
  const [ra, rb] = [path.resolve(a), path.resolve(b)];
  return ra === rb || (await realpathOrSelf(ra)) === (await realpathOrSelf(rb));
}
