import { promises as fs } from 'node:fs';
import type { Dirent } from 'node:fs';
import * as path from 'node:path';
import { isWorkspaceTempFile } from '../core/policy/workspaceTempFiles';
import { isIgnoredByLayers, readIgnoreRules, type IgnoreLayer } from '../core/tools/gitignoreRules';

/** Folders never listed or searched, whatever `.gitignore` says: git internals and installed packages. */
export const ALWAYS_SKIPPED = Object.freeze(['.git', 'node_modules']);

/** Options for {@link nodeWorkspaceWalk}. */
export interface NodeWorkspaceWalkOptions {
  /** Only folders on the way to or inside this workspace-relative folder are entered ('' = all). */
  base: string;
  /** Entries (files and folders) looked at before the walk gives up, so a huge tree cannot stall a tool. */
  maxEntries: number;
}

/** How a walk ended: every file seen, stopped by the visitor, or cut at `maxEntries`. */
export type WalkEnd = 'complete' | 'stopped' | 'capped';

/**
 * Visits every file of the workspace below `rootReal` in a stable (name-sorted, depth-first) order,
 * with workspace-relative posix paths, honouring `.gitignore` files at the root and in nested folders
 * plus `.git/info/exclude`, and always skipping {@link ALWAYS_SKIPPED} and write temp files. Ignored folders are not
 * entered. Symlinks are never followed into folders (no cycles, no escapes); a link to a file inside
 * the workspace is listed like a file. `visit` returns false to stop.
 */
export async function nodeWorkspaceWalk(
  rootReal: string,
  options: NodeWorkspaceWalkOptions,
  visit: (relative: string) => boolean | Promise<boolean>,
): Promise<WalkEnd> {
  let seen = 0;
  const exclude = await readIgnoreRules(path.join(rootReal, '.git', 'info', 'exclude'));
  const rootLayers: IgnoreLayer[] = exclude === undefined ? [] : [{ dir: '', rules: exclude }];

  const walk = async (dir: string, inherited: readonly IgnoreLayer[]): Promise<WalkEnd> => {
    const absolute = dir === '' ? rootReal : path.join(rootReal, ...dir.split('/'));
    let entries: Dirent[];
    try {
      entries = await fs.readdir(absolute, { withFileTypes: true });
    } catch {
      return 'complete'; // vanished or unreadable: nothing to list there
    }
    const own = await readIgnoreRules(path.join(absolute, '.gitignore'));
    const layers = own === undefined ? inherited : [...inherited, { dir, rules: own }];
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (ALWAYS_SKIPPED.includes(entry.name)) continue;
      if (++seen > options.maxEntries) return 'capped';
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      const kind = await kindOf(entry, path.join(absolute, entry.name), rootReal);
      if (kind === 'dir') {
        if (!mayContain(relative, options.base) || isIgnoredByLayers(layers, relative, true)) continue;
        const end = await walk(relative, layers);
        if (end !== 'complete') return end;
      } else if (kind === 'file') {
        if (isWorkspaceTempFile(entry.name)) continue; // a write in progress, or one a kill interrupted
        if (!insideBase(relative, options.base) || isIgnoredByLayers(layers, relative, false)) continue;
        if (!(await visit(relative))) return 'stopped';
      }
    }
    return 'complete';
  };
  return walk('', rootLayers);
}

/** 'dir' for a real folder (never a linked one), 'file' for a file or a link to a file inside the root. */
async function kindOf(entry: Dirent, absolute: string, rootReal: string): Promise<'dir' | 'file' | 'other'> {
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const real = await fs.realpath(absolute);
    const rel = path.relative(rootReal, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return 'other';
    return (await fs.stat(real)).isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

/** True when the folder is on the way to `base` or inside it. */
function mayContain(dir: string, base: string): boolean {
  return base === '' || dir === base || base.startsWith(`${dir}/`) || dir.startsWith(`${base}/`);
}

/** True when the file is `base` itself or inside it. */
function insideBase(file: string, base: string): boolean {
  return base === '' || file === base || file.startsWith(`${base}/`);
}
