import { clipToTokens, type TokenEstimator } from './contextBudget';

/** How {@link renderFileTree} fits a tree into a token budget. */
export interface FileTreeOptions {
  maxTokens: number;
  estimate: TokenEstimator;
  /** Files shown with every folder on their way even where folders are collapsed (the best-ranked ones). */
  keep?: readonly string[];
  /** Files listed per folder before the rest are counted. Default 40. */
  filesPerFolder?: number;
}

interface Folder {
  name: string;
  folders: Map<string, Folder>;
  files: string[];
  /** Files in this folder and below. */
  total: number;
  /** Holds a kept file somewhere below. */
  kept: boolean;
}

/**
 * The workspace's files as an indented tree (two spaces a level, folders with a trailing `/`) that
 * fits `maxTokens`: the deepest level at which every folder can be shown, deeper folders collapsed
 * to `name/ (N files)`, except the folders leading to the kept files; long folders show their
 * first files and count the rest. As a last resort the tree is cut, with a note. Undefined when not
 * even that fits.
 */
export function renderFileTree(files: readonly string[], options: FileTreeOptions): string | undefined {
  if (files.length === 0) return '(no files)';
  const keep = new Set(options.keep ?? []);
  const root = buildTree(files, keep);
  const perFolder = options.filesPerFolder ?? 40;
  const fits = (text: string): boolean => options.estimate(text) <= options.maxTokens;
  for (let depth = depthOf(root); depth >= 0; depth--) {
    const text = render(root, depth, perFolder, keep);
    if (fits(text)) return text;
  }
  const bare = render(buildTree(files, new Set()), 0, perFolder, new Set());
  return fits(bare) ? bare : clipToTokens(bare, options.maxTokens, options.estimate);
}

function buildTree(files: readonly string[], keep: ReadonlySet<string>): Folder {
  const root = folder('');
  for (const file of files) {
    const parts = file.split('/');
    const name = parts.pop()!;
    const isKept = keep.has(file);
    let at = root;
    at.total++;
    at.kept ||= isKept;
    for (const part of parts) {
      let next = at.folders.get(part);
      if (!next) at.folders.set(part, (next = folder(part)));
      at = next;
      at.total++;
      at.kept ||= isKept;
    }
    at.files.push(name);
  }
  return root;
}

function folder(name: string): Folder {
  return { name, folders: new Map(), files: [], total: 0, kept: false };
}

function depthOf(f: Folder): number {
  let deepest = 0;
  for (const sub of f.folders.values()) deepest = Math.max(deepest, 1 + depthOf(sub));
  return deepest;
}

/** The tree with folders below `depth` collapsed; `kept` files and their folders always shown. */
function render(root: Folder, depth: number, perFolder: number, keep: ReadonlySet<string>): string {
  const out: string[] = [];
  const walk = (f: Folder, path: string, level: number, full: boolean): void => {
    const indent = '  '.repeat(level);
    let hidden = 0;
    for (const sub of [...f.folders.values()].sort((a, b) => compare(a.name, b.name))) {
      const subPath = `${path}${sub.name}/`;
      if (full && level < depth) {
        out.push(`${indent}${sub.name}/`);
        walk(sub, subPath, level + 1, true);
      } else if (sub.kept) {
        out.push(`${indent}${sub.name}/`);
        walk(sub, subPath, level + 1, false);
      } else if (full) {
        out.push(`${indent}${sub.name}/ (${sub.total} ${sub.total === 1 ? 'file' : 'files'})`);
      } else {
        hidden += sub.total;
      }
    }
    const names = [...f.files].sort(compare);
    let shown = 0;
    for (const name of names) {
      const isKept = keep.has(`${path}${name}`);
      if (isKept || (full && shown < perFolder)) {
        out.push(`${indent}${name}`);
        shown++;
      } else {
        hidden++;
      }
    }
    if (hidden > 0) out.push(`${indent}… ${hidden} more ${hidden === 1 ? 'file' : 'files'}`);
  };
  walk(root, '', 0, true);
  return out.join('\n');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
