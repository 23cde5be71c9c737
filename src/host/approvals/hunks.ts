import { diffArrays } from 'diff';

/**
 * One change between a file and a proposal: a run of original lines replaced by proposed lines.
 * Lines keep their terminators (`\n`, `\r\n`, or none on a last line), so applying hunks is exact.
 */
export interface LineHunk {
  /** Position in the list of hunks; the id the user's per-hunk decisions refer to. */
  index: number;
  /** 0-based line in the original where the replaced lines start (where an insertion goes). */
  beforeStart: number;
  /** The original lines this hunk replaces, terminators included. */
  beforeLines: readonly string[];
  /** 0-based line in the proposal where the proposed lines start. */
  afterStart: number;
  /** The proposed lines, terminators included. */
  afterLines: readonly string[];
  /** 0-based line of the proposal where the change is visible, for a CodeLens (clamped to the proposal's lines). */
  anchorLine: number;
  /** Only line endings differ (the diff editor shows no change there). */
  eolOnly: boolean;
}

/** Line counts of a set of hunks, for lists ("+3 −1"). */
export interface HunkStats {
  added: number;
  removed: number;
}

/** Past this, the diff gives up and the changed middle of the file becomes one hunk. */
const DIFF_TIMEOUT_MS = 1000;

interface Line {
  text: string;
  eol: string;
}

/**
 * The hunks turning `before` into `after`; undefined means the file does not exist (new or deleted
 * file: one hunk with every line). Lines are matched by their text; a line whose ending alone
 * changes is a hunk of its own (`eolOnly`), or part of the neighbouring hunk when it is the last line
 * of a file that gains or loses lines after it, so rejecting a hunk never glues two lines together.
 */
export function computeHunks(before: string | undefined, after: string | undefined): LineHunk[] {
  const a = splitLines(before ?? '');
  const b = splitLines(after ?? '');
  const pairs = alignLines(a, b);
  const hunks: LineHunk[] = [];
  let i = 0;
  let k = 0;
  while (k < pairs.length) {
    const pair = pairs[k] as Pair;
    if (pair.kind === 'same') {
      i++;
      k++;
      continue;
    }
    const start = k;
    const eolOnly = pair.kind === 'eol';
    while (k < pairs.length && (pairs[k] as Pair).kind !== 'same' && ((pairs[k] as Pair).kind === 'eol') === eolOnly)
      k++;
    // A last line losing or gaining its ending is the edge of the change that follows it.
    if (eolOnly && k < pairs.length && (pairs[k] as Pair).kind === 'change' && lastEolMissing(pairs, k - 1)) {
      while (k < pairs.length && (pairs[k] as Pair).kind === 'change') k++;
    }
    const run = pairs.slice(start, k);
    const beforeLines = run.flatMap((p) => (p.a === undefined ? [] : [p.a]));
    const afterLines = run.flatMap((p) => (p.b === undefined ? [] : [p.b]));
    const afterStart = run.find((p) => p.bIndex !== undefined)?.bIndex ?? nextAfterIndex(pairs, k, b.length);
    const visible = run.findIndex((p) => p.kind !== 'eol');
    const anchorPair = visible >= 0 ? run[visible] : run[0];
    const anchorRaw =
      anchorPair?.bIndex ??
      (visible >= 0 ? afterStart + run.slice(0, visible).filter((p) => p.b !== undefined).length : afterStart);
    hunks.push({
      index: hunks.length,
      beforeStart: i,
      beforeLines: beforeLines.map(joinLine),
      afterStart,
      afterLines: afterLines.map(joinLine),
      anchorLine: Math.max(0, Math.min(anchorRaw, b.length - 1)),
      eolOnly: run.every((p) => p.kind === 'eol'),
    });
    i += beforeLines.length;
  }
  return hunks;
}

/**
 * The original with only the `accepted` hunks applied; every other hunk keeps its original lines.
 * All hunks accepted gives the proposal, none gives the original. A file that is created or
 * deleted has a single hunk, so the result never needs to express "no file".
 */
export function applyHunkDecisions(
  before: string | undefined,
  hunks: readonly LineHunk[],
  accepted: ReadonlySet<number>,
): string {
  const original = splitLines(before ?? '').map(joinLine);
  const out: string[] = [];
  let i = 0;
  for (const hunk of [...hunks].sort((x, y) => x.beforeStart - y.beforeStart)) {
    if (hunk.beforeStart < i || hunk.beforeStart + hunk.beforeLines.length > original.length) {
      throw new Error('The hunks do not belong to this file: they overlap or run past its end.');
    }
    out.push(...original.slice(i, hunk.beforeStart));
    out.push(...(accepted.has(hunk.index) ? hunk.afterLines : hunk.beforeLines));
    i = hunk.beforeStart + hunk.beforeLines.length;
  }
  out.push(...original.slice(i));
  return joinWithoutGluing(out);
}

/** Lines added and removed by `hunks`; a line whose ending alone changes counts on both sides. */
export function hunkStats(hunks: readonly LineHunk[]): HunkStats {
  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    added += hunk.afterLines.length;
    removed += hunk.beforeLines.length;
  }
  return { added, removed };
}

type PairKind = 'same' | 'eol' | 'change';

interface Pair {
  kind: PairKind;
  a?: Line;
  b?: Line;
  bIndex?: number;
}

/** Splits after each `\n`, keeping `\r\n` or `\n` as the line's ending; the last line may have none. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl + 1;
    const raw = text.slice(start, end);
    const eol = raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
    lines.push({ text: raw.slice(0, raw.length - eol.length), eol });
    start = end;
  }
  return lines;
}

function joinLine(line: Line): string {
  return line.text + line.eol;
}

/** Pairs the lines of both files in order: equal text (same or differing ending) or changed. */
function alignLines(a: Line[], b: Line[]): Pair[] {
  let head = 0;
  while (head < a.length && head < b.length && (a[head] as Line).text === (b[head] as Line).text) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    (a[a.length - 1 - tail] as Line).text === (b[b.length - 1 - tail] as Line).text
  )
    tail++;
  const pairs: Pair[] = [];
  const matched = (ai: number, bi: number): void => {
    const x = a[ai] as Line;
    const y = b[bi] as Line;
    pairs.push({ kind: x.eol === y.eol ? 'same' : 'eol', a: x, b: y, bIndex: bi });
  };
  for (let n = 0; n < head; n++) matched(n, n);
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const changes =
    midA.length === 0 || midB.length === 0
      ? undefined
      : diffArrays(midA, midB, { comparator: (x, y) => x.text === y.text, timeout: DIFF_TIMEOUT_MS });
  let ai = head;
  let bi = head;
  if (changes === undefined) {
    // Nothing in common (or the diff gave up): the whole middle is one change.
    for (const line of midA) pairs.push({ kind: 'change', a: line });
    for (const line of midB) pairs.push({ kind: 'change', b: line, bIndex: bi++ });
    ai += midA.length;
  } else {
    for (const change of changes) {
      for (let n = 0; n < change.count; n++) {
        if (change.removed) pairs.push({ kind: 'change', a: a[ai++] as Line });
        else if (change.added) pairs.push({ kind: 'change', b: b[bi] as Line, bIndex: bi++ });
        else matched(ai++, bi++);
      }
    }
  }
  for (let n = 0; n < tail; n++) matched(ai++, bi++);
  return pairs;
}

/** Whether the pair at `k` is a last line that has no ending on one side. */
function lastEolMissing(pairs: Pair[], k: number): boolean {
  const pair = pairs[k];
  return pair !== undefined && (pair.a?.eol === '' || pair.b?.eol === '');
}

/** The proposal line where something inserted at pair `k` would be (a pure deletion's position). */
function nextAfterIndex(pairs: Pair[], k: number, afterLength: number): number {
  for (let n = k; n < pairs.length; n++) {
    const bIndex = (pairs[n] as Pair).bIndex;
    if (bIndex !== undefined) return bIndex;
  }
  return afterLength;
}

/** Joins lines, giving a line without an ending one when more lines follow (only possible at a seam of mixed decisions). */
function joinWithoutGluing(lines: string[]): string {
  const eol =
    lines.find((l) => l.endsWith('\r\n')) !== undefined && lines.every((l) => !l.endsWith('\n') || l.endsWith('\r\n'))
      ? '\r\n'
      : '\n';
  return lines.map((line, n) => (n < lines.length - 1 && !line.endsWith('\n') ? line + eol : line)).join('');
}
