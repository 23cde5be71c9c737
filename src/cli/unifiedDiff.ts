import { neutraliseText } from '../core/common/visibleText';

/** How a diff is rendered. */
export interface UnifiedDiffOptions {
  /** Unchanged lines shown around each change; default 3. */
  context?: number;
  /** Longest output in lines; the rest is counted in one last line. Default 400; `Infinity` shows all. */
  maxLines?: number;
  /** ANSI colours for a terminal. */
  color?: boolean;
}

/** A rendered diff and what it leaves out. */
export interface RenderedDiff {
  /** The diff, with control and invisible characters of the file and its path shown as escapes. */
  text: string;
  /** Lines of the whole diff (headers included). */
  totalLines: number;
  /** Lines of the whole diff not in `text` (0: the whole change is shown). */
  hiddenLines: number;
  /** Control and invisible characters shown as escapes in the whole diff. */
  neutralised: number;
}

type Op = { kind: ' ' | '-' | '+'; text: string };

/** Above this many cells the middle of a diff is shown as replaced wholesale, to bound time and memory. */
const MAX_TABLE_CELLS = 4_000_000;

/**
 * A unified diff of one file (`before` undefined: a new file; `after` undefined: a deletion), as
 * `diff -u` prints it, for a human to review an edit in a terminal. Lines are compared exactly.
 */
export function unifiedDiff(
  filePath: string,
  before: string | undefined,
  after: string | undefined,
  options: UnifiedDiffOptions = {},
): string {
  return renderUnifiedDiff(filePath, before, after, options).text;
}

/**
 * {@link unifiedDiff} with what it leaves out. Every line is made safe to show first (terminal
 * escapes, CR, bidi and zero-width characters become escapes like `\x1b`), so a line cannot erase
 * or hide another; the last line says exactly how many lines are not shown.
 */
export function renderUnifiedDiff(
  filePath: string,
  before: string | undefined,
  after: string | undefined,
  options: UnifiedDiffOptions = {},
): RenderedDiff {
  const context = options.context ?? 3;
  const maxLines = options.maxLines ?? 400;
  let neutralised = 0;
  const safe = (text: string): string => {
    const shown = neutraliseText(text);
    neutralised += shown.neutralised;
    return shown.text;
  };
  const paint = (code: string, text: string): string => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const ops = diffLines(splitLines(before), splitLines(after));
  const shownPath = safe(filePath).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  const out = [
    paint('1', before === undefined ? '--- /dev/null' : `--- a/${shownPath}`),
    paint('1', after === undefined ? '+++ /dev/null' : `+++ b/${shownPath}`),
  ];
  for (const hunk of hunks(ops, context)) {
    out.push(paint('36', `@@ -${range(hunk.aStart, hunk.aCount)} +${range(hunk.bStart, hunk.bCount)} @@`));
    for (const op of hunk.ops) {
      const text = safe(op.text);
      out.push(op.kind === ' ' ? ` ${text}` : paint(op.kind === '-' ? '31' : '32', `${op.kind}${text}`));
    }
  }
  if (out.length === 2) out.push('(no changes)');
  const totalLines = out.length;
  const hiddenLines = Math.max(0, totalLines - maxLines);
  if (hiddenLines > 0) {
    out.length = maxLines;
    out.push(`… ${hiddenLines} more line${hiddenLines === 1 ? '' : 's'} not shown`);
  }
  return { text: out.join('\n'), totalLines, hiddenLines, neutralised };
}

function splitLines(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line operations turning `a` into `b`: common prefix and suffix, and a longest common subsequence in between. */
function diffLines(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (lines: string[]): Op[] => lines.map((text) => ({ kind: ' ', text }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  return [...same(a.slice(0, start)), ...diffMiddle(midA, midB), ...same(a.slice(endA))];
}

function diffMiddle(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const removed = (): Op[] => a.map((text) => ({ kind: '-', text }));
  const added = (): Op[] => b.map((text) => ({ kind: '+', text }));
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_TABLE_CELLS) return [...removed(), ...added()];
  // lcs[i*(m+1)+j] = length of the longest common subsequence of a[i..] and b[j..].
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i++] ?? '' });
      j++;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      ops.push({ kind: '-', text: a[i++] ?? '' });
    } else {
      ops.push({ kind: '+', text: b[j++] ?? '' });
    }
  }
  while (i < n) ops.push({ kind: '-', text: a[i++] ?? '' });
  while (j < m) ops.push({ kind: '+', text: b[j++] ?? '' });
  return ops;
}

interface Hunk {
  aStart: number;
  aCount: number;
  bStart: number;
  bCount: number;
  ops: Op[];
}

/** Groups changes with `context` lines around them; changes closer than twice that share a hunk. */
function hunks(ops: Op[], context: number): Hunk[] {
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const groups: Array<[number, number]> = [];
  for (const index of changed) {
    const last = groups[groups.length - 1];
    if (last && index - last[1] <= 2 * context + 1) last[1] = index;
    else groups.push([index, index]);
  }
  return groups.map(([first, lastChange]) => {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length, lastChange + context + 1);
    const linesBefore = (kind: '-' | '+'): number =>
      ops.slice(0, from).filter((op) => op.kind === ' ' || op.kind === kind).length;
    const slice = ops.slice(from, to);
    const aCount = slice.filter((op) => op.kind !== '+').length;
    const bCount = slice.filter((op) => op.kind !== '-').length;
    return {
      aStart: linesBefore('-') + (aCount > 0 ? 1 : 0),
      aCount,
      bStart: linesBefore('+') + (bCount > 0 ? 1 : 0),
      bCount,
      ops: slice,
    };
  });
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
