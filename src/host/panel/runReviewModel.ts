// One file of the whole-run review: the checkpoint's text against the file now, split into hunks
// with stable ids, and the view the webview gets of it. Free of `vscode`.
import { createHash } from 'node:crypto';
import type { RunFileChange } from '../../core/checkpoint/runFiles';
import type { ReviewFile, ReviewHunk, ReviewLine } from '../../protocol/review';
import { applyHunkDecisions, computeHunks, hunkStats, type LineHunk } from '../approvals/hunks';

/** Lines of hunks sent per file; the rest are counted ("N more lines"). */
export const MAX_LINES_PER_FILE = 300;
/** Hunks sent per file; the rest are counted. */
export const MAX_HUNKS_PER_FILE = 200;
/** Characters of one line sent; longer lines are cut with "…". */
export const MAX_LINE_CHARS = 500;
/** Unchanged lines shown around a hunk. */
const CONTEXT_LINES = 2;

/** A hunk with the id the webview names it by. */
export interface ReviewedHunk extends LineHunk {
  hunkId: string;
}

/** What the host knows of one changed file when the review was computed. */
export interface FileReview {
  fileId: string;
  /** Workspace-relative, `/`-separated. */
  path: string;
  status: RunFileChange['status'];
  /** The checkpoint's text; undefined for an added file or one that could not be read as text. */
  before: string | undefined;
  /** The text on disk when the review was computed; undefined when deleted or not read. */
  after: string | undefined;
  /** Hash of `after`, compared before a revert: a file changed since is never written. */
  afterHash: string;
  hunks: ReviewedHunk[];
  /** Why there are no hunks (binary, too large, unreadable). */
  note: string | undefined;
}

/** A file's id: a hash of its path, so it stays the same while the review is recomputed. */
export function fileIdOf(path: string): string {
  return shortHash(`file\0${path}`);
}

/** Hash of a file's text as read (`undefined`: missing). */
export function contentHash(text: string | undefined): string {
  return text === undefined ? 'missing' : createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Reviews one file from the checkpoint's text and the text on disk now (or why it has no hunks). */
export function reviewFileOf(change: RunFileChange, after: string | undefined, unreadable?: string): FileReview {
  const base = {
    fileId: fileIdOf(change.path),
    path: change.path,
    status: change.status,
    afterHash: contentHash(after),
  };
  const note =
    unreadable ??
    (change.binary
      ? 'Binary file: no hunks to show; it can be reverted whole.'
      : change.tooLarge
        ? 'Too large to show here; open the diff, or revert the whole file.'
        : undefined);
  if (note !== undefined) return { ...base, before: undefined, after: undefined, hunks: [], note };
  const before = change.status === 'added' ? undefined : change.before;
  const now = change.status === 'deleted' ? undefined : after;
  const seen = new Map<string, number>();
  const hunks = computeHunks(before, now).map((hunk) => {
    const key = `${change.path}\0${hunk.beforeLines.join('')}\0${hunk.afterLines.join('')}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return { ...hunk, hunkId: shortHash(`hunk\0${key}\0${occurrence}`) };
  });
  return { ...base, before, after: now, hunks, note: undefined };
}

/** The file's text with one hunk put back to the checkpoint's lines and every other hunk kept. */
export function revertedText(file: FileReview, hunkId: string): string {
  const kept = new Set(file.hunks.filter((h) => h.hunkId !== hunkId).map((h) => h.index));
  return applyHunkDecisions(file.before, file.hunks, kept);
}

/** The view of a file for the webview, with at most `maxLines` lines of its hunks (every hunk is listed). */
export function reviewFileView(
  file: FileReview,
  accepted: ReadonlySet<string>,
  tasks: string[],
  maxLines = MAX_LINES_PER_FILE,
): ReviewFile {
  const stats = hunkStats(file.hunks);
  const afterLines = file.after === undefined ? [] : splitKeepingEnds(file.after);
  let budget = maxLines;
  const shown = file.hunks.slice(0, MAX_HUNKS_PER_FILE);
  const hunks: ReviewHunk[] = shown.map((hunk, n) => {
    // The lines after the previous hunk went with it as its trailing context: shown once.
    const prevTrailEnd = n === 0 ? 0 : afterEnd(shown[n - 1]!) + CONTEXT_LINES;
    const nextStart = n + 1 < shown.length ? shown[n + 1]!.afterStart : afterLines.length;
    const lead = afterLines.slice(Math.max(prevTrailEnd, hunk.afterStart - CONTEXT_LINES), hunk.afterStart);
    const trail = afterLines.slice(afterEnd(hunk), Math.min(nextStart, afterEnd(hunk) + CONTEXT_LINES));
    const all: ReviewLine[] = [
      ...lead.map((text) => line('context', text)),
      ...hunk.beforeLines.map((text) => line('removed', text)),
      ...hunk.afterLines.map((text) => line('added', text)),
      ...trail.map((text) => line('context', text)),
    ];
    const lines = all.slice(0, Math.max(0, budget));
    budget -= lines.length;
    return {
      hunkId: hunk.hunkId,
      oldStart: hunk.beforeStart + 1,
      oldLines: hunk.beforeLines.length,
      newStart: hunk.afterStart + 1,
      newLines: hunk.afterLines.length,
      lines,
      moreLines: all.length - lines.length,
      accepted: accepted.has(hunk.hunkId),
    };
  });
  return {
    fileId: file.fileId,
    path: file.path,
    status: file.status,
    added: stats.added,
    removed: stats.removed,
    tasks,
    hunks,
    moreHunks: file.hunks.length - shown.length,
    ...(file.note !== undefined ? { note: file.note } : {}),
  };
}

function afterEnd(hunk: LineHunk): number {
  return hunk.afterStart + hunk.afterLines.length;
}

function line(kind: ReviewLine['kind'], raw: string): ReviewLine {
  const text = raw.replace(/\r?\n$/, '');
  return { kind, text: text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS - 1)}…` : text };
}

function splitKeepingEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}
