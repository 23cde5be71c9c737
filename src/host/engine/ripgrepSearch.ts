import { spawn } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { TextMatch } from '../../core/tools/workspacePort';

/** Characters of a matching line shown in a hit (as in the CLI). */
const MAX_MATCH_TEXT = 300;
/** Most of rg's stderr kept for an error message. */
const MAX_STDERR = 4000;

/** One ripgrep search. */
export interface RipgrepSearchOptions {
  /** The `rg` executable. */
  rgPath: string;
  /** Real path of the workspace folder; rg runs there. */
  cwd: string;
  query: string;
  /** A Rust regular expression (ripgrep's dialect) instead of a literal. */
  regex: boolean;
  /** Workspace-relative folder or file to search instead of the whole folder. */
  under?: string;
  /** rg `--glob` patterns: includes, and `!`-prefixed excludes (e.g. from `files.exclude`). */
  globs: readonly string[];
  /** Decides each hit's file (the exact glob, .gitignore, containment); called once per file. */
  accept(file: string): Promise<boolean>;
  limit: number;
  maxFileBytes: number;
  /** Stop and report `truncated` after this long. */
  timeoutMs: number;
}

/** The `rg` that ships inside VS Code (`@vscode/ripgrep`), or undefined when there is none. */
export async function findBundledRipgrep(
  appRoot: string,
  platform: NodeJS.Platform = process.platform,
): Promise<string | undefined> {
  const exe = platform === 'win32' ? 'rg.exe' : 'rg';
  for (const modules of ['node_modules', 'node_modules.asar.unpacked']) {
    const candidate = path.join(appRoot, modules, '@vscode', 'ripgrep', 'bin', exe);
    try {
      await fs.access(candidate, platform === 'win32' ? constants.F_OK : constants.X_OK);
      return candidate;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

/**
 * Searches with ripgrep's JSON output: literal or regex, case-sensitive, hidden files included,
 * `.git` and `node_modules` skipped, files over `maxFileBytes` and binary files skipped, symlinks
 * not followed. Every hit's file goes through `accept`, so the result means the same as the
 * fallback search. rg is stopped once `limit` hits are in or `timeoutMs` has passed.
 */
export function ripgrepSearch(o: RipgrepSearchOptions): Promise<{ matches: TextMatch[]; truncated: boolean }> {
  if (o.query === '')
    return Promise.reject(new Error('The search query is empty; give the text (or regex) to look for.'));
  const args = [
    '--json',
    '--no-config',
    '--hidden',
    '--no-require-git',
    '--max-filesize',
    String(o.maxFileBytes),
    '--glob',
    '!.git',
    '--glob',
    '!node_modules',
  ];
  for (const glob of o.globs) args.push('--glob', glob);
  args.push(...(o.regex ? [] : ['--fixed-strings']), '--regexp', o.query, '--', o.under ?? '.');
  return new Promise((resolve, reject) => {
    const child = spawn(o.rgPath, args, { cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const matches: TextMatch[] = [];
    const verdicts = new Map<string, Promise<boolean>>();
    let truncated = false;
    let stopped = false;
    let stderr = '';
    let queue = Promise.resolve();
    const stop = (): void => {
      stopped = true;
      child.kill();
    };
    const timer = setTimeout(() => {
      truncated = true;
      stop();
    }, o.timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(0, MAX_STDERR)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      // Hits are taken in order; the accept check is async, so they queue.
      queue = queue.then(async () => {
        if (stopped) return;
        const hit = parseMatch(line);
        if (hit === undefined) return;
        let verdict = verdicts.get(hit.path);
        if (!verdict) verdicts.set(hit.path, (verdict = o.accept(hit.path).catch(() => false)));
        if (!(await verdict) || stopped) return;
        if (matches.length >= o.limit) {
          truncated = true;
          stop();
          return;
        }
        matches.push(hit);
      });
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`ripgrep (${o.rgPath}) could not run: ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      void queue.then(() => {
        // 0: hits, 1: none, 2: an error (possibly alongside hits, e.g. one unreadable file).
        if (code === 2 && matches.length === 0 && !stopped) {
          const detail = stderr.trim().split('\n').slice(0, 6).join('\n');
          const what = /regex parse error|error parsing regex/i.test(stderr)
            ? `The regular expression ${JSON.stringify(o.query)} is invalid (ripgrep's Rust syntax): ${detail}. Fix it, or search literally (regex: false).`
            : `The search failed: ${detail}`;
          reject(new Error(what));
          return;
        }
        resolve({ matches, truncated });
      });
    });
  });
}

interface RgMatch {
  type?: string;
  data?: {
    path?: { text?: string };
    lines?: { text?: string };
    line_number?: number;
    submatches?: Array<{ start?: number }>;
  };
}

/** A hit from one line of rg's JSON output; undefined for other messages and non-UTF-8 paths or lines. */
function parseMatch(line: string): TextMatch | undefined {
  let message: RgMatch;
  try {
    message = JSON.parse(line) as RgMatch;
  } catch {
    return undefined;
  }
  const data = message.data;
  if (
    message.type !== 'match' ||
    typeof data?.path?.text !== 'string' ||
    typeof data.lines?.text !== 'string' ||
    typeof data.line_number !== 'number'
  )
    return undefined;
  const file = data.path.text.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const text = data.lines.text.replace(/\r?\n$/, '');
  const byteStart = data.submatches?.[0]?.start ?? 0;
  const column = Buffer.from(text, 'utf8').subarray(0, byteStart).toString('utf8').length;
  return { path: file, line: data.line_number, text: excerpt(text, column) };
}

/** The line, or a window of it around the match when it is long, without trailing spaces. */
export function excerpt(line: string, column: number): string {
  const text = line.trimEnd();
  if (text.length <= MAX_MATCH_TEXT) return text;
  const start = Math.max(0, Math.min(column - 100, text.length - MAX_MATCH_TEXT));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + MAX_MATCH_TEXT)}${start + MAX_MATCH_TEXT < text.length ? '…' : ''}`;
}
