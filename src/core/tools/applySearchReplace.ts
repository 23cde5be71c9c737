/** One search/replace block of an edit. */
export interface SearchReplaceBlock {
  search: string;
  replace: string;
}

/** The edited text, or why the blocks could not be applied (one line per bad block). */
export type SearchReplaceOutcome = { ok: true; content: string } | { ok: false; message: string };

/** Lines listed for a block that matches several times. */
const MAX_LISTED_LINES = 5;

interface Located {
  index: number;
  start: number;
  end: number;
  replace: string;
}

/**
 * Applies search/replace blocks to `content`. Every block is located in the original text and must
 * match exactly once (overlapping occurrences count), and no two blocks may overlap, so the result
 * does not depend on the order of the blocks. When a block matches nowhere in a CRLF file, its
 * LF-only search is retried with CRLF line ends, since models rarely reproduce `\r`.
 */
export function applySearchReplace(
  content: string,
  blocks: readonly SearchReplaceBlock[],
  path: string,
): SearchReplaceOutcome {
  const problems: string[] = [];
  const located: Located[] = [];
  blocks.forEach((block, index) => {
    let search = block.search;
    let replace = block.replace;
    let starts = occurrences(content, search);
    if (starts.length === 0 && content.includes('\r\n') && !search.includes('\r')) {
      search = search.replace(/\n/g, '\r\n');
      replace = replace.replace(/\r?\n/g, '\r\n');
      starts = occurrences(content, search);
    }
    const [start] = starts;
    if (starts.length === 1 && start !== undefined) {
      located.push({ index, start, end: start + search.length, replace });
    } else if (starts.length === 0) {
      problems.push(
        `edits[${index}].search matched nothing in ${path}. It must be copied exactly from the file (whitespace and indentation included, ` +
          'no line numbers); read the file again and retry.',
      );
    } else {
      const lines = starts.slice(0, MAX_LISTED_LINES).map((s) => lineOf(content, s));
      const more = starts.length > MAX_LISTED_LINES ? ', …' : '';
      problems.push(
        `edits[${index}].search matched ${starts.length} times in ${path} (lines ${lines.join(', ')}${more}). Include more surrounding lines so it matches exactly once.`,
      );
    }
  });
  const sorted = [...located].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const next = sorted[i];
    if (prev !== undefined && next !== undefined && next.start < prev.end) {
      problems.push(`edits[${prev.index}] and edits[${next.index}] overlap in ${path}; merge them into one block.`);
    }
  }
  if (problems.length > 0) return { ok: false, message: `The edit was not applied:\n- ${problems.join('\n- ')}` };

  let out = '';
  let at = 0;
  for (const block of sorted) {
    out += content.slice(at, block.start) + block.replace;
    at = block.end;
  }
  return { ok: true, content: out + content.slice(at) };
}

/** Start offsets of every occurrence of `needle`, overlapping ones included. */
function occurrences(haystack: string, needle: string): number[] {
  const found: number[] = [];
  if (needle === '') return found;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) found.push(i);
  return found;
}

/** 1-based line number of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
