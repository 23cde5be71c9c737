import { termsOf } from './textTerms';

/** How much of a file an excerpt shows around each matching line. */
export interface ExcerptOptions {
  /** Lines shown before and after each matching line. Default 2. */
  contextLines?: number;
  /** Longest line shown, in characters; the rest is cut with `…`. Default 200. */
  maxLineChars?: number;
  /** Lines shown from the top of a file none of whose lines match (it matched by its path). Default 8. */
  headLines?: number;
}

/** A file's lines ranked by how many of the query's terms each holds, ready to render with any number of windows. */
export interface FileExcerpt {
  /** How many matching lines there are to show; `render(n)` shows the best `n` (at least one window). */
  readonly windows: number;
  /** The best `count` matching lines with their context, in file order, numbered from 1; `…` between gaps. */
  render(count: number): string;
}

/** Characters of a line that are scanned for terms; minified lines are longer than anything worth reading. */
const SCANNED_CHARS = 2000;

/**
 * Picks the lines of `text` that hold the most of `terms` (the terms of the file that matched the
 * query, as the index tokenised them, so prefix, fuzzy and bigram matches count too).
 */
export function excerptFile(text: string, terms: ReadonlySet<string>, options: ExcerptOptions = {}): FileExcerpt {
  const context = options.contextLines ?? 2;
  const maxChars = options.maxLineChars ?? 200;
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const hits: Array<{ line: number; score: number }> = [];
  lines.forEach((line, i) => {
    let score = 0;
    for (const term of new Set(termsOf(line.slice(0, SCANNED_CHARS)))) if (terms.has(term)) score++;
    if (score > 0) hits.push({ line: i, score });
  });
  hits.sort((a, b) => b.score - a.score || a.line - b.line);
  const show = (line: string): string =>
    line.length <= maxChars ? line.trimEnd() : `${line.slice(0, maxChars).trimEnd()}…`;
  return {
    windows: Math.max(1, hits.length),
    render(count) {
      const ranges: Array<[number, number]> =
        hits.length === 0
          ? [[0, Math.min(lines.length, options.headLines ?? 8) - 1]]
          : hits
              .slice(0, Math.max(1, count))
              .map((h): [number, number] => [
                Math.max(0, h.line - context),
                Math.min(lines.length - 1, h.line + context),
              ])
              .sort((a, b) => a[0] - b[0]);
      const out: string[] = [];
      let end = -1;
      for (const [from, to] of ranges) {
        if (from > end + 1 && end >= 0) out.push('…');
        for (let i = Math.max(from, end + 1); i <= to; i++) out.push(`${i + 1}| ${show(lines[i] ?? '')}`);
        end = Math.max(end, to);
      }
      if (end >= 0 && end < lines.length - 1) out.push('…');
      return out.join('\n');
    },
  };
}
