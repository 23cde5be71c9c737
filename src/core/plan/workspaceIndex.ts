import MiniSearch from 'minisearch';
import type { FileStat, WorkspacePort } from '../tools/workspacePort';
import { distinctTermsOf, isBigramTerm, termsOf } from './textTerms';

/** Limits of a {@link WorkspaceIndex}. */
export interface WorkspaceIndexOptions {
  /** Files listed and indexed at most; the rest are left out and the listing says it was truncated. Default 20 000. */
  maxFiles?: number;
  /** Larger files are not read (generated code, data, bundles). Default 256 KiB. */
  maxFileBytes?: number;
  /** Files stated or read at once. Default 16. */
  concurrency?: number;
}

/** What one {@link WorkspaceIndex.refresh} did. */
export interface IndexRefresh {
  /** Files the workspace listed (ignore rules applied). */
  listed: number;
  /** Files now searchable. */
  indexed: number;
  /** Files read in this refresh: new or changed since the last one. */
  read: number;
  /** Files kept from the last refresh without reading them (same size and mtime). */
  unchanged: number;
  /** Files dropped because they are gone or no longer listed. */
  removed: number;
  /** Files not indexed: binary, oversized, generated lock files, unreadable. */
  skipped: number;
  /** The listing stopped at `maxFiles`. */
  truncated: boolean;
}

/** A file ranked for a query, best first. */
export interface RankedFile {
  path: string;
  /** BM25+ score (higher is better), comparable only within one query. */
  score: number;
  /** The file's own terms that matched (after prefix and fuzzy expansion), for picking its lines. */
  terms: string[];
}

interface IndexedFile {
  id: string;
  path: string;
  content: string;
}

interface Entry {
  size: number;
  mtimeMs: number;
  indexed: boolean;
}

/** Extensions of files that are never text worth indexing; they are skipped without being read. */
const BINARY_EXTENSIONS = new Set(
  (
    'png jpg jpeg gif bmp ico webp tif tiff psd svgz avif heic pdf zip gz tgz bz2 xz 7z rar jar war ear class dll exe ' +
    'so dylib a o obj lib bin dat db sqlite sqlite3 wasm woff woff2 ttf otf eot mp3 mp4 m4a wav ogg flac avi mov mkv ' +
    'webm pyc pyo node map lockb'
  ).split(' '),
);
/** Generated lock files: large, every dependency named, and never what a goal is about. */
const LOCK_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'cargo.lock',
  'poetry.lock',
  'pipfile.lock',
  'composer.lock',
  'gemfile.lock',
  'go.sum',
]);
/** A path's own words weigh more than one mention in the text: `auth/jwt.ts` is about JWT. */
const PATH_BOOST = 2;
/** Terms of a goal searched for, at most: a pasted page of text must not make every plan slow. */
const MAX_QUERY_TERMS = 64;

/**
 * A full-text index (MiniSearch: BM25+, prefix and fuzzy matching) over the workspace's text files,
 * with the Unicode terms of `textTerms.ts`. It lists files through the workspace port, so the same
 * ignore rules apply as for the agents' own listing (`.gitignore` in the CLI and the host,
 * `files.exclude` in the host), and it is incremental: a refresh states every listed file and reads
 * only those whose size or mtime changed since the last refresh, dropping the ones that are gone.
 * Refreshes never overlap; one waits for the other.
 */
export class WorkspaceIndex {
  private readonly index = new MiniSearch<IndexedFile>({
    fields: ['path', 'content'],
    tokenize: (text) => termsOf(text),
    processTerm: (term) => term,
    searchOptions: {
      tokenize: (text) => distinctTermsOf(text).slice(0, MAX_QUERY_TERMS),
      processTerm: (term) => term,
    },
  });
  private readonly entries = new Map<string, Entry>();
  private listing: { files: readonly string[]; truncated: boolean } = { files: [], truncated: false };
  private queue: Promise<unknown> = Promise.resolve();
  private readonly maxFiles: number;
  private readonly maxFileBytes: number;
  private readonly concurrency: number;

  constructor(
    private readonly workspace: WorkspacePort,
    options: WorkspaceIndexOptions = {},
  ) {
    this.maxFiles = options.maxFiles ?? 20_000;
    this.maxFileBytes = options.maxFileBytes ?? 256 * 1024;
    this.concurrency = options.concurrency ?? 16;
  }

  /** The files of the last refresh, in the port's order. */
  get files(): { files: readonly string[]; truncated: boolean } {
    return this.listing;
  }

  /** Brings the index up to date with the workspace: new and changed files read, gone ones dropped. */
  refresh(signal?: AbortSignal): Promise<IndexRefresh> {
    const next = this.queue.then(() => this.update(signal));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The best files for `query`, at most `limit`; empty when the query has no terms. */
  rank(query: string, limit: number): RankedFile[] {
    if (distinctTermsOf(query).length === 0) return [];
    return this.index
      .search(query, {
        boost: { path: PATH_BOOST },
        prefix: (term) => term.length >= 3 && !isBigramTerm(term),
        fuzzy: (term) => (term.length >= 5 && !isBigramTerm(term) ? 0.2 : false),
        maxFuzzy: 2,
      })
      .slice(0, limit)
      .map((r) => ({ path: String(r.id), score: r.score, terms: r.terms }));
  }

  private async update(signal: AbortSignal | undefined): Promise<IndexRefresh> {
    signal?.throwIfAborted();
    const { files, truncated } = await this.workspace.listFiles(undefined, this.maxFiles);
    const stats = { read: 0, unchanged: 0, removed: 0 };
    const listed = new Set(files);
    for (const path of [...this.entries.keys()]) {
      if (!listed.has(path)) {
        this.forget(path);
        stats.removed++;
      }
    }
    await forEachLimited(files, this.concurrency, async (path) => {
      signal?.throwIfAborted();
      const stat = await this.workspace.statFile(path).catch(() => undefined);
      const known = this.entries.get(path);
      if (stat === undefined) {
        if (known) {
          this.forget(path);
          stats.removed++;
        }
        return;
      }
      if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) {
        stats.unchanged++;
        return;
      }
      const content = this.wantsContent(path, stat) ? await this.readText(path) : undefined;
      if (content !== undefined) stats.read++;
      this.forget(path);
      if (content !== undefined) this.index.add({ id: path, path, content });
      this.entries.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, indexed: content !== undefined });
    });
    this.listing = { files, truncated };
    return {
      listed: files.length,
      indexed: this.index.documentCount,
      ...stats,
      skipped: [...this.entries.values()].filter((e) => !e.indexed).length,
      truncated,
    };
  }

  private wantsContent(path: string, stat: FileStat): boolean {
    if (stat.size > this.maxFileBytes) return false;
    const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
    const dot = name.lastIndexOf('.');
    if (LOCK_FILES.has(name) || name.endsWith('.min.js') || name.endsWith('.min.css')) return false;
    return dot < 0 || !BINARY_EXTENSIONS.has(name.slice(dot + 1));
  }

  /** The text, or undefined when the port refuses it (binary, oversized by its own limit, gone, unreadable). */
  private async readText(path: string): Promise<string | undefined> {
    try {
      return await this.workspace.readFile(path);
    } catch {
      return undefined;
    }
  }

  private forget(path: string): void {
    if (this.entries.get(path)?.indexed) this.index.discard(path);
    this.entries.delete(path);
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
