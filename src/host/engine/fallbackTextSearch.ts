import { promises as fs } from 'node:fs';
import { resolveWorkspacePath } from '../../core/policy/pathGuard';
import { createLineMatcher, MatchTimeoutError } from '../../core/tools/lineMatcher';
import type { TextMatch } from '../../core/tools/workspacePort';
import { excerpt } from './ripgrepSearch';

/** A search over files already listed (and filtered), used when VS Code's ripgrep is not found. */
export interface FallbackTextSearchOptions {
  /** The workspace folder. */
  root: string;
  /** Workspace-relative files to look in, in order. */
  files: readonly string[];
  query: string;
  /** A JavaScript regular expression instead of a literal. */
  regex: boolean;
  limit: number;
  maxFileBytes: number;
  /** Stop and report `truncated` after this long. */
  timeoutMs: number;
  /** Longest a regex may run on one file before the search is refused as too slow. */
  regexFileTimeoutMs: number;
}

/**
 * Looks for `query` line by line in each file (through the path guard, so a link out of the
 * workspace is never read), skipping binary and oversized files. A regex runs under a time limit
 * per file, so a catastrophically backtracking pattern is refused instead of freezing the host.
 */
export async function fallbackTextSearch(
  o: FallbackTextSearchOptions,
): Promise<{ matches: TextMatch[]; truncated: boolean }> {
  const matcher = createLineMatcher(o.query, o.regex);
  const deadline = Date.now() + o.timeoutMs;
  const matches: TextMatch[] = [];
  for (const file of o.files) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { matches, truncated: true };
    const text = await readText(o.root, file, o.maxFileBytes);
    if (text === undefined) continue;
    const lines = text.split(/\r?\n/);
    const fileTimeout = Math.min(o.regexFileTimeoutMs, remaining);
    let hits;
    try {
      hits = matcher.match(lines, o.limit - matches.length + 1, fileTimeout);
    } catch (err) {
      if (!(err instanceof MatchTimeoutError)) throw err;
      if (fileTimeout < o.regexFileTimeoutMs) return { matches, truncated: true };
      throw new Error(
        `The regular expression ${JSON.stringify(o.query)} took more than ${o.regexFileTimeoutMs} ms on ${file} and was stopped; ` +
          'it probably backtracks catastrophically (nested quantifiers such as (a+)+). Simplify it, or search literally.',
        { cause: err },
      );
    }
    for (const hit of hits) {
      if (matches.length >= o.limit) return { matches, truncated: true };
      matches.push({ path: file, line: hit.line + 1, text: excerpt(lines[hit.line] ?? '', hit.column) });
    }
  }
  return { matches, truncated: false };
}

async function readText(root: string, file: string, maxBytes: number): Promise<string | undefined> {
  try {
    const resolved = await resolveWorkspacePath(root, file);
    const stat = await fs.stat(resolved.real);
    if (!stat.isFile() || stat.size > maxBytes) return undefined;
    const bytes = await fs.readFile(resolved.real);
    return bytes.subarray(0, 8000).includes(0) ? undefined : bytes.toString('utf8');
  } catch {
    return undefined;
  }
}
