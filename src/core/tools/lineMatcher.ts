import * as vm from 'node:vm';

/** One matching line: its 0-based index and the column where the match starts. */
export interface LineHit {
  line: number;
  column: number;
}

/** Finds matching lines of one file; throws a {@link MatchTimeoutError} when a regex runs past `timeoutMs`. */
export interface LineMatcher {
  match(lines: readonly string[], maxHits: number, timeoutMs: number): LineHit[];
}

/** Thrown when a regular expression did not finish within its time on one file. */
export class MatchTimeoutError extends Error {
  override readonly name = 'MatchTimeoutError';
}

/** Only this much of a line is searched, so a minified megabyte-long line cannot feed a slow regex. */
export const MAX_SEARCHED_LINE_CHARS = 4000;

/** Runs inside a vm context so its `timeout` can interrupt a backtracking regex, which no JS code can. */
const REGEX_SCRIPT = new vm.Script(`
  hits = [];
  for (let i = 0; i < lines.length && hits.length < maxHits * 2; i++) {
    const line = lines[i].length > cap ? lines[i].slice(0, cap) : lines[i];
    const m = re.exec(line);
    if (m !== null) hits.push(i, m.index);
  }
`);

/**
 * A matcher for `query`: a literal substring (case-sensitive), or a JavaScript regular expression
 * when `regex` is set. A regex runs under a vm time limit per file, because catastrophic
 * backtracking (`(a+)+$`) blocks the event loop inside a single `exec` call. Throws a clear error
 * for an invalid regex.
 */
export function createLineMatcher(query: string, regex: boolean): LineMatcher {
  if (query === '') throw new Error('The search query is empty; give the text (or regex) to look for.');
  if (!regex) {
    return {
      match(lines, maxHits) {
        const hits: LineHit[] = [];
        for (let i = 0; i < lines.length && hits.length < maxHits; i++) {
          const column = (lines[i] ?? '').slice(0, MAX_SEARCHED_LINE_CHARS).indexOf(query);
          if (column >= 0) hits.push({ line: i, column });
        }
        return hits;
      },
    };
  }
  let re: RegExp;
  try {
    re = new RegExp(query);
  } catch (err) {
    throw new Error(
      `The regular expression ${JSON.stringify(query)} is invalid: ${err instanceof Error ? err.message : String(err)}. Fix it, or search literally (regex: false).`,
      { cause: err },
    );
  }
  const context = vm.createContext({
    re,
    lines: [] as readonly string[],
    maxHits: 0,
    cap: MAX_SEARCHED_LINE_CHARS,
    hits: [] as number[],
  });
  return {
    match(lines, maxHits, timeoutMs) {
      Object.assign(context, { lines, maxHits, hits: [] });
      try {
        REGEX_SCRIPT.runInContext(context, { timeout: Math.max(1, Math.floor(timeoutMs)) });
      } catch (err) {
        if ((err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
          throw new MatchTimeoutError(`the regex ran past ${timeoutMs} ms`);
        throw err;
      }
      const flat = context.hits as unknown;
      const hits: LineHit[] = [];
      if (Array.isArray(flat)) {
        for (let i = 0; i + 1 < flat.length; i += 2) hits.push({ line: Number(flat[i]), column: Number(flat[i + 1]) });
      }
      return hits;
    },
  };
}
