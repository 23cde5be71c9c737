import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { hardLinkProblem, PathRefusedError, resolveWorkspacePath, writeFileNoFollow } from '../core/policy/pathGuard';
import type { FileStat, TextMatch, WorkspacePort } from '../core/tools/workspacePort';
import { createLineMatcher, MatchTimeoutError } from '../core/tools/lineMatcher';
import { nodeWorkspaceWalk } from './nodeWorkspaceWalk';

/** Limits of a {@link NodeWorkspace}; the defaults suit an agent's tool calls. */
export interface NodeWorkspaceOptions {
  /** Largest file read or searched, in bytes. Default 1 MiB. */
  maxFileBytes?: number;
  /** Files and folders a listing or search looks at before it stops and says it was truncated. Default 100 000. */
  maxEntries?: number;
  /** Wall time of one search before it stops and says it was truncated. Default 10 s. */
  searchBudgetMs?: number;
  /** Longest a regex may run on one file before the search is refused as too slow. Default 1 s. */
  regexFileTimeoutMs?: number;
}

/** Bytes inspected for a NUL to tell binary from text (git looks at the first 8000). */
const BINARY_SNIFF_BYTES = 8000;
/** Characters of a matching line shown in a search hit. */
const MAX_MATCH_TEXT = 300;
/** Open flags for reads: never follow a symlink swapped in at the last component after the path check. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * The workspace port of the CLI over `node:fs`. Every path goes through `resolveWorkspacePath`
 * (no `..`, absolute paths or symlinks leading out); writes go through `writeFileNoFollow`, so a
 * symlink at the target is replaced, never followed. Listing and search honour `.gitignore`.
 */
export class NodeWorkspace implements WorkspacePort {
  /** Absolute path of the workspace root. */
  readonly root: string;
  private readonly maxFileBytes: number;
  private readonly maxEntries: number;
  private readonly searchBudgetMs: number;
  private readonly regexFileTimeoutMs: number;

  constructor(root: string, options: NodeWorkspaceOptions = {}) {
    this.root = path.resolve(root);
    this.maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.searchBudgetMs = options.searchBudgetMs ?? 10_000;
    this.regexFileTimeoutMs = options.regexFileTimeoutMs ?? 1000;
  }

  /** The file's text; undefined when missing; an error for folders, hard links, binary files and files over the size limit. */
  async readFile(requested: string): Promise<string | undefined> {
    const resolved = await resolveWorkspacePath(this.root, requested);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(resolved.real, READ_FLAGS);
    } catch (err) {
      const code = codeOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'ELOOP') throw new PathRefusedError(requested, 'it became a symlink while being read');
      throw err;
    }
    try {
      const stat = await handle.stat();
      const name = resolved.relative;
      if (stat.isDirectory()) throw new Error(`${name} is a folder, not a file; list its files with list_files.`);
      if (!stat.isFile()) throw new Error(`${name} is not a regular file.`);
      // Checked on the open file, so a link made after the policy's check is refused too.
      const linked = hardLinkProblem(stat);
      if (linked !== undefined) throw new PathRefusedError(requested, linked);
      if (stat.size > this.maxFileBytes) {
        throw new Error(
          `${name} is ${formatBytes(stat.size)}, more than the ${formatBytes(this.maxFileBytes)} that can be read; use search_text to find what you need in it.`,
        );
      }
      const bytes = await handle.readFile();
      if (isBinary(bytes)) throw new Error(`${name} is a binary file; only text files can be read or edited.`);
      return bytes.toString('utf8');
    } finally {
      await handle.close();
    }
  }

  /** Size and modification time of a file inside the workspace; undefined when missing or not a regular file. */
  async statFile(requested: string): Promise<FileStat | undefined> {
    const resolved = await resolveWorkspacePath(this.root, requested);
    const stat = await fs.stat(resolved.real).catch((err: unknown) => {
      const code = codeOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw err;
    });
    return stat?.isFile() ? { size: stat.size, mtimeMs: stat.mtimeMs } : undefined;
  }

  /** Lists files matching `glob` (a path without glob characters means that file or folder), honouring `.gitignore`. */
  async listFiles(glob: string | undefined, limit: number): Promise<{ files: string[]; truncated: boolean }> {
    checkLimit(limit);
    const { base, test } = compileGlob(glob);
    const files: string[] = [];
    let truncated = false;
    const end = await nodeWorkspaceWalk(await this.realRoot(), { base, maxEntries: this.maxEntries }, (file) => {
      if (!test(file)) return true;
      if (files.length >= limit) {
        truncated = true;
        return false;
      }
      files.push(file);
      return true;
    });
    return { files, truncated: truncated || end === 'capped' };
  }

  /** Finds lines containing `query` (a JS regex when `regex`), skipping binary and oversized files, within a time budget. */
  async searchText(
    query: string,
    options: { glob?: string; regex?: boolean; limit: number },
  ): Promise<{ matches: TextMatch[]; truncated: boolean }> {
    checkLimit(options.limit);
    const matcher = createLineMatcher(query, options.regex === true);
    const { base, test } = compileGlob(options.glob);
    const rootReal = await this.realRoot();
    const deadline = Date.now() + this.searchBudgetMs;
    const matches: TextMatch[] = [];
    let truncated = false;
    const end = await nodeWorkspaceWalk(rootReal, { base, maxEntries: this.maxEntries }, async (file) => {
      if (!test(file)) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        truncated = true;
        return false;
      }
      const text = await this.searchableText(rootReal, file);
      if (text === undefined) return true;
      const lines = text.split(/\r?\n/);
      const wanted = options.limit - matches.length + 1;
      const fileTimeout = Math.min(this.regexFileTimeoutMs, remaining);
      let hits;
      try {
        hits = matcher.match(lines, wanted, fileTimeout);
      } catch (err) {
        if (!(err instanceof MatchTimeoutError)) throw err;
        if (fileTimeout < this.regexFileTimeoutMs) {
          truncated = true; // the overall budget ran out, not this regex's fault
          return false;
        }
        throw new Error(
          `The regular expression ${JSON.stringify(query)} took more than ${this.regexFileTimeoutMs} ms on ${file} and was stopped; ` +
            'it probably backtracks catastrophically (nested quantifiers such as (a+)+). Simplify it, or search literally.',
          { cause: err },
        );
      }
      for (const hit of hits) {
        if (matches.length >= options.limit) {
          truncated = true;
          return false;
        }
        matches.push({ path: file, line: hit.line + 1, text: excerpt(lines[hit.line] ?? '', hit.column) });
      }
      return true;
    });
    return { matches, truncated: truncated || end === 'capped' };
  }

  /** Writes through `writeFileNoFollow`: folders are created, a symlink at the target is replaced, never followed. */
  async writeFile(requested: string, content: string): Promise<void> {
    await writeFileNoFollow(await resolveWorkspacePath(this.root, requested), content);
  }

  /** Deletes a file (or a symlink itself, not its target); a missing file is fine, a folder or a read-only file is refused. */
  async deleteFile(requested: string): Promise<void> {
    const resolved = await resolveWorkspacePath(this.root, requested);
    if (resolved.relative === '.') throw new PathRefusedError(requested, 'it is the workspace root itself');
    let dir: string;
    try {
      dir = await fs.realpath(path.dirname(resolved.absolute));
    } catch (err) {
      if (codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR') return;
      throw err;
    }
    // The folder may have been swapped for a link since the check: look again before unlinking.
    const rel = path.relative(resolved.root, dir);
    if (rel.startsWith('..') || path.isAbsolute(rel))
      throw new PathRefusedError(requested, `its folder now resolves to ${dir}, outside the workspace`);
    const target = path.join(dir, path.basename(resolved.absolute));
    const stat = await fs.lstat(target).catch(() => undefined);
    if (stat === undefined) return;
    if (stat.isDirectory()) throw new Error(`${resolved.relative} is a folder; only files can be deleted.`);
    if (stat.isFile() && (stat.mode & 0o222) === 0)
      throw Object.assign(
        new Error(`EACCES: ${resolved.relative} is read-only; make it writable to let agents delete it`),
        {
          code: 'EACCES',
        },
      );
    await fs.unlink(target);
  }

  private async realRoot(): Promise<string> {
    return (await resolveWorkspacePath(this.root, '.')).root;
  }

  /** The text of a file worth searching, or undefined for binary, oversized, hard-linked or unreadable ones. */
  private async searchableText(rootReal: string, file: string): Promise<string | undefined> {
    try {
      const absolute = path.join(rootReal, ...file.split('/'));
      const stat = await fs.stat(absolute);
      if (!stat.isFile() || stat.size > this.maxFileBytes || hardLinkProblem(stat) !== undefined) return undefined;
      const bytes = await fs.readFile(absolute);
      return isBinary(bytes) ? undefined : bytes.toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/** The static folder a glob can match in, and its test. A plain path matches itself and everything under it. */
function compileGlob(glob: string | undefined): { base: string; test: (file: string) => boolean } {
  const pattern = (glob ?? '')
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
  if (pattern === '' || pattern === '**' || pattern === '**/*') return { base: '', test: () => true };
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) {
    const plain = pattern.replace(/\/+$/, '');
    return { base: plain, test: (file) => file === plain || file.startsWith(`${plain}/`) };
  }
  let isMatch: (file: string) => boolean;
  try {
    const matcher = picomatch(pattern, { dot: true });
    // A pattern without a slash ("*.ts") matches file names at any depth, as most tools do.
    isMatch = pattern.includes('/') ? matcher : (file) => matcher(file.slice(file.lastIndexOf('/') + 1));
  } catch (err) {
    throw new Error(
      `The glob ${JSON.stringify(glob)} is invalid: ${err instanceof Error ? err.message : String(err)}.`,
      { cause: err },
    );
  }
  return { base: scan.base.replace(/\/+$/, '').replace(/^\.$/, ''), test: isMatch };
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a whole number of at least 1, got ${limit}.`);
}

function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

/** The line, or a window of it around the match when it is long, without a trailing CR or spaces. */
function excerpt(line: string, column: number): string {
  const text = line.trimEnd();
  if (text.length <= MAX_MATCH_TEXT) return text;
  const start = Math.max(0, Math.min(column - 100, text.length - MAX_MATCH_TEXT));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + MAX_MATCH_TEXT)}${start + MAX_MATCH_TEXT < text.length ? '…' : ''}`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
