import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** One relative import of one source file, resolved to a path (without extension) under the scanned root. */
export interface ImportEdge {
  /** Importing file, relative to the root, with `/` separators. */
  from: string;
  /** Imported module, relative to the root, without extension; may start with `..` when it leaves the root. */
  to: string;
}

/** Every `.ts` file under `dir`, relative to `root`, with `/` separators. */
export function sourceFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(root, full));
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(toPosix(path.relative(root, full)));
  }
  return out.sort();
}

/**
 * The relative imports of a file's text in every form TypeScript knows: `import`, `import type`,
 * `export … from`, `import x = require()`, `require()` and `import()`; imports that leave the root are left out.
 */
export function relativeImports(file: string, text: string): ImportEdge[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('./') || name.startsWith('../'))
    .map((name) => ({
      from: file,
      to: toPosix(path.posix.normalize(path.posix.join(path.posix.dirname(file), name))),
    }))
    .filter((e) => !e.to.startsWith('../'));
}

/** The imports of every `.ts` file under `root`. */
export function importsUnder(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((file) => relativeImports(file, readFileSync(path.join(root, file), 'utf8')));
}

/** The folder directly under `parent` that holds `file` (both relative to the same root), or undefined for a loose file of `parent`. */
function childFolderOf(parent: string, file: string): string | undefined {
  const prefix = parent === '' ? '' : `${parent}/`;
  if (!file.startsWith(prefix)) return undefined;
  const rest = file.slice(prefix.length).split('/');
  return rest.length > 1 ? rest[0] : undefined;
}

/**
 * Pairs of sibling folders, at any depth, that import each other; each as `a ⇄ b` under its parent,
 * with one example import each way.
 */
export function mutualFolderPairs(edges: readonly ImportEdge[]): string[] {
  const parents = new Set<string>();
  for (const e of edges) {
    const parts = e.from.split('/');
    for (let i = 0; i < parts.length - 1; i++) parents.add(parts.slice(0, i).join('/'));
  }
  const found: string[] = [];
  for (const parent of [...parents].sort()) {
    const example = new Map<string, ImportEdge>();
    for (const e of edges) {
      const a = childFolderOf(parent, e.from);
      const b = childFolderOf(parent, e.to);
      if (a !== undefined && b !== undefined && a !== b) example.set(`${a}→${b}`, e);
    }
    for (const [key, e] of example) {
      const [a, b] = key.split('→') as [string, string];
      const back = example.get(`${b}→${a}`);
      if (a < b && back) {
        found.push(`${parent || '.'}: ${a} ⇄ ${b} (${e.from} → ${e.to}; ${back.from} → ${back.to})`);
      }
    }
  }
  return found;
}

/**
 * Imports between the folders directly under `parent` that point up `order` (listed top first):
 * a folder may import only folders listed below it. Folders missing from `order` are reported too,
 * so a new folder must be given its place.
 */
export function upwardImports(edges: readonly ImportEdge[], parent: string, order: readonly string[]): string[] {
  const rank = new Map(order.map((name, i) => [name, order.length - i]));
  const problems = new Set<string>();
  for (const e of edges) {
    const a = childFolderOf(parent, e.from);
    const b = childFolderOf(parent, e.to);
    if (a === undefined || b === undefined || a === b) continue;
    for (const folder of [a, b]) {
      if (!rank.has(folder)) problems.add(`${parent}/${folder} is not in the layer order; give it its place`);
    }
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra !== undefined && rb !== undefined && rb > ra) problems.add(`${e.from} imports ${e.to}: ${a} is below ${b}`);
  }
  return [...problems].sort();
}

/**
 * Imports of a folder's loose files from inside one of its sub-folders (`host/commands/x.ts`
 * importing `host/runLauncher`): the loose files of a folder sit above its sub-folders, so this
 * points up.
 */
export function importsOfAncestorFiles(edges: readonly ImportEdge[]): string[] {
  const files = new Set(edges.map((e) => e.from.replace(/\.ts$/, '')));
  const problems: string[] = [];
  for (const e of edges) {
    if (!files.has(e.to)) continue;
    const targetDir = path.posix.dirname(e.to);
    const fromDir = path.posix.dirname(e.from);
    if (fromDir !== targetDir && fromDir.startsWith(`${targetDir}/`)) {
      problems.push(`${e.from} imports ${e.to}, a file of a folder above it`);
    }
  }
  return problems.sort();
}

/** The folder names (lines that start with `name/`) listed, top first, between `<!-- NAME:start -->` and `<!-- NAME:end -->` in a Markdown text. */
export function layerOrderFromMarkdown(markdown: string, name: string): string[] {
  const match = new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(markdown);
  if (!match?.[1]) throw new Error(`No "<!-- ${name}:start -->" … "<!-- ${name}:end -->" block was found.`);
  return [...match[1].matchAll(/^([a-z][A-Za-z]*)\/(?:\s|$)/gm)].map((m) => m[1]!);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
