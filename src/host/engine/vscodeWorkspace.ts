import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hardLinkProblemAt, PathRefusedError, resolveWorkspacePath } from '../../core/policy/pathGuard';
import { isWorkspaceTempFile } from '../../core/policy/workspaceTempFiles';
import { applyContentWithWorkspaceEdit, type WriterLog } from '../approvals/workspaceEditWriter';
import type { FileStat, TextMatch, WorkspacePort } from '../../core/tools/workspacePort';
import { fallbackTextSearch } from './fallbackTextSearch';
import { GitignoreFilter } from './gitignoreFilter';
import { findBundledRipgrep, ripgrepSearch } from './ripgrepSearch';
import { compileWorkspaceGlob, type WorkspaceGlob } from './workspaceGlob';

/** Limits of a {@link VscodeWorkspace}; the defaults match the CLI's. */
export interface VscodeWorkspaceOptions {
  /** Largest file read or searched, in bytes. Default 1 MiB. */
  maxFileBytes?: number;
  /** Wall time of one search. Default 10 s. */
  searchTimeoutMs?: number;
  /** The `rg` to use; `null` forces the JavaScript fallback; default: the one inside VS Code. */
  ripgrepPath?: string | null;
  /** Where the edit writer reports what it had to correct (e.g. a save participant). */
  log?: WriterLog;
}

/** Files a listing looks at, at most, before it says it was truncated. */
const MAX_SCANNED = 100_000;
const BINARY_SNIFF_BYTES = 8000;

/**
 * The workspace port of the host, for one workspace folder. Every path goes through the core path
 * guard first (no `..`, absolute paths or symlinks leading out). Reads use `vscode.workspace.fs`
 * on disk, deliberately not unsaved editor buffers: agents, verification tasks and checkpoints
 * must all see the same bytes, and those are the bytes on disk. Listing uses `findFiles` (which
 * applies `files.exclude`) plus `.gitignore`; search uses the ripgrep inside VS Code, or a
 * JavaScript search over the listing when it is missing. Writes and deletes go through the core's
 * no-follow write (the host applies approved edits through `WorkspaceEdit`; these exist for
 * completeness).
 */
export class VscodeWorkspace implements WorkspacePort {
  /** Absolute path of the workspace folder. */
  readonly root: string;
  private readonly maxFileBytes: number;
  private readonly searchTimeoutMs: number;
  private rg: Promise<string | undefined> | undefined;

  constructor(
    private readonly folder: vscode.WorkspaceFolder,
    private readonly options: VscodeWorkspaceOptions = {},
  ) {
    this.root = folder.uri.fsPath;
    this.maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
    this.searchTimeoutMs = options.searchTimeoutMs ?? 10_000;
    if (options.ripgrepPath !== undefined) this.rg = Promise.resolve(options.ripgrepPath ?? undefined);
  }

  /** The file's text on disk; undefined when missing; an error for folders, hard links, binary and oversized files. */
  async readFile(requested: string): Promise<string | undefined> {
    const resolved = await resolveWorkspacePath(this.root, requested);
    const uri = vscode.Uri.file(resolved.real);
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    const name = resolved.relative;
    if ((stat.type & vscode.FileType.Directory) !== 0)
      throw new Error(`${name} is a folder, not a file; list its files with list_files.`);
    const linked = await hardLinkProblemAt(resolved.real);
    if (linked !== undefined) throw new PathRefusedError(requested, linked);
    if (stat.size > this.maxFileBytes) {
      throw new Error(
        `${name} is ${Math.ceil(stat.size / 1024)} KB, more than the ${Math.ceil(this.maxFileBytes / 1024)} KB that can be read; use search_text to find what you need in it.`,
      );
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0))
      throw new Error(`${name} is a binary file; only text files can be read or edited.`);
    return Buffer.from(bytes).toString('utf8');
  }

  /** Size and modification time on disk (`workspace.fs.stat`); undefined when missing or not a file. */
  async statFile(requested: string): Promise<FileStat | undefined> {
    const resolved = await resolveWorkspacePath(this.root, requested);
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(vscode.Uri.file(resolved.real));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    return (stat.type & vscode.FileType.File) !== 0 ? { size: stat.size, mtimeMs: stat.mtime } : undefined;
  }

  /** Files matching `glob` (CLI semantics, see `compileWorkspaceGlob`), honouring `files.exclude` and `.gitignore`, sorted. */
  async listFiles(glob: string | undefined, limit: number): Promise<{ files: string[]; truncated: boolean }> {
    checkLimit(limit);
    const g = compileWorkspaceGlob(glob);
    const rootReal = (await resolveWorkspacePath(this.root, '.')).root;
    const filter = new GitignoreFilter(rootReal);
    let include: vscode.RelativePattern;
    if (g.plain !== undefined) {
      const resolved = await resolveWorkspacePath(this.root, g.plain);
      const stat = await fs.stat(resolved.real).catch(() => undefined);
      if (stat === undefined) return { files: [], truncated: false };
      if (!stat.isDirectory())
        return {
          files: (await this.accepts(rootReal, filter, g, resolved.relative)) ? [resolved.relative] : [],
          truncated: false,
        };
      include = new vscode.RelativePattern(vscode.Uri.file(resolved.absolute), '**');
    } else {
      include = new vscode.RelativePattern(this.folder, g.pattern ?? '**');
    }
    // findFiles knows nothing of .gitignore, so ask for more than `limit` and widen until enough survive the filter.
    for (let max = Math.min(MAX_SCANNED, Math.max(limit * 4, 1000)); ; max = Math.min(MAX_SCANNED, max * 4)) {
      const uris = await vscode.workspace.findFiles(include, undefined, max);
      const candidates: string[] = [];
      for (const uri of uris) {
        const rel = path.relative(this.root, uri.fsPath).split(path.sep).join('/');
        if (
          rel !== '' &&
          !rel.startsWith('../') &&
          !path.isAbsolute(rel) &&
          g.test(rel) &&
          !isTempFile(rel) &&
          !(await filter.isIgnored(rel))
        )
          candidates.push(rel);
      }
      candidates.sort();
      const files: string[] = [];
      for (const file of candidates) {
        if (!(await isInside(rootReal, file))) continue;
        if (files.length >= limit) return { files, truncated: true };
        files.push(file);
      }
      const complete = uris.length < max;
      if (complete || max >= MAX_SCANNED) return { files, truncated: !complete };
    }
  }

  /** Lines containing `query` (a regex when `regex`: ripgrep's dialect, or JavaScript's in the fallback). */
  async searchText(
    query: string,
    options: { glob?: string; regex?: boolean; limit: number },
  ): Promise<{ matches: TextMatch[]; truncated: boolean }> {
    checkLimit(options.limit);
    const g = compileWorkspaceGlob(options.glob);
    const regex = options.regex === true;
    const rgPath = await (this.rg ??= findBundledRipgrep(vscode.env.appRoot));
    if (rgPath === undefined) {
      const listed = await this.listFiles(options.glob, 20_000);
      const found = await fallbackTextSearch({
        root: this.root,
        files: listed.files,
        query,
        regex,
        limit: options.limit,
        maxFileBytes: this.maxFileBytes,
        timeoutMs: this.searchTimeoutMs,
        regexFileTimeoutMs: 1000,
      });
      return { matches: found.matches, truncated: found.truncated || listed.truncated };
    }
    const rootReal = (await resolveWorkspacePath(this.root, '.')).root;
    const filter = new GitignoreFilter(rootReal);
    let under = g.base !== undefined && g.base !== '' ? g.base : undefined;
    if (g.plain !== undefined) under = (await resolveWorkspacePath(this.root, g.plain)).relative;
    if (
      under !== undefined &&
      (await fs.stat(path.join(rootReal, ...under.split('/'))).catch(() => undefined)) === undefined
    )
      return { matches: [], truncated: false };
    return ripgrepSearch({
      rgPath,
      cwd: rootReal,
      query,
      regex,
      ...(under === undefined ? {} : { under }),
      globs: [...this.fileExcludes().map((p) => `!${p}`), ...(g.nameGlob === undefined ? [] : [g.nameGlob])],
      accept: (file) => this.accepts(rootReal, filter, g, file),
      limit: options.limit,
      maxFileBytes: this.maxFileBytes,
      timeoutMs: this.searchTimeoutMs,
    });
  }

  /**
   * Applies an approved edit the VS Code way: the path is checked for containment (symlinks
   * resolved) first, then the whole document is replaced through a `WorkspaceEdit` and saved, so
   * open editors, undo and save participants see it (`applyContentWithWorkspaceEdit`).
   */
  async writeFile(requested: string, content: string): Promise<void> {
    const resolved = await resolveWorkspacePath(this.root, requested);
    await applyContentWithWorkspaceEdit(vscode.Uri.file(resolved.absolute), content, this.options.log);
  }

  /** Deletes a file through a `WorkspaceEdit`, after the same containment check; missing is fine. */
  async deleteFile(requested: string): Promise<void> {
    const resolved = await resolveWorkspacePath(this.root, requested);
    if (resolved.relative === '.' || resolved.relative === '')
      throw new PathRefusedError(requested, 'it is the workspace root itself');
    await applyContentWithWorkspaceEdit(vscode.Uri.file(resolved.absolute), undefined, this.options.log);
  }

  private async accepts(rootReal: string, filter: GitignoreFilter, g: WorkspaceGlob, file: string): Promise<boolean> {
    return g.test(file) && !isTempFile(file) && !(await filter.isIgnored(file)) && (await isInside(rootReal, file));
  }

  /** The `files.exclude` globs that are switched on (`true`); conditional ones (`when`) are left to `findFiles`. */
  private fileExcludes(): string[] {
    const excludes =
      vscode.workspace.getConfiguration('files', this.folder.uri).get<Record<string, unknown>>('exclude') ?? {};
    return Object.entries(excludes)
      .filter(([, on]) => on === true)
      .map(([glob]) => glob);
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a whole number of at least 1, got ${limit}.`);
}

/** A workspace write's temp file (the CLI's, in progress or left by a kill): never listed or searched. */
function isTempFile(rel: string): boolean {
  return isWorkspaceTempFile(rel.slice(rel.lastIndexOf('/') + 1));
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'FileNotFound' || code === 'FileNotADirectory' || code === 'ENOENT' || code === 'ENOTDIR';
}

/** True when the file's real path stays inside the real root (a link out of the workspace is not listed). */
async function isInside(rootReal: string, file: string): Promise<boolean> {
  const real = await fs.realpath(path.join(rootReal, ...file.split('/'))).catch(() => undefined);
  return real !== undefined && isInsideReal(rootReal, real);
}

function isInsideReal(rootReal: string, real: string): boolean {
  const rel = path.relative(rootReal, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
