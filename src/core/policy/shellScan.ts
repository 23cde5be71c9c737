/** What a quote-aware pass over a shell command finds that shell-quote's tokenizer does not report. */
export interface ShellScan {
  /** Code to tokenize separately: each top-level line and the body of each command substitution. */
  segments: string[];
  /** True when an unquoted newline, a `$(`, a backtick, a word-start `#` or a `!` appears where the shell acts on it. */
  sawOperator: boolean;
  /** False when a quote, a `$(` or a backtick is left open. */
  balanced: boolean;
}

/**
 * Splits a posix shell command into segments for shell-quote, covering what it gets wrong:
 * it drops unbalanced quotes silently, ignores backticks, reads newlines as blanks and does not
 * separate `$(...)` bodies. Substitutions still run inside double quotes, so they count there too.
 * Every unquoted `#` is escaped because shell-quote would swallow the rest of the line as a comment
 * even mid-word, and zsh's interactive default treats `#` as a plain character anyway.
 */
export function scanShell(command: string): ShellScan {
  const out: ShellScan = { segments: [], sawOperator: false, balanced: true };
  walk(command, 0, false, out);
  return out;
}

/** Walks code from `start` to the end, or inside `$(` to its matching `)`; returns the index after it. */
function walk(src: string, start: number, inSubstitution: boolean, out: ShellScan): number {
  let cur = '';
  let depth = 0;
  let i = start;
  const flush = (): void => {
    if (cur.trim() !== '') out.segments.push(cur);
    cur = '';
  };
  while (i < src.length) {
    const c = src.charAt(i);
    const next = src.charAt(i + 1);
    if (c === '\\') {
      // Backslash-newline is a line continuation; any other escaped character is left to shell-quote.
      if (next !== '\n') cur += c + next;
      i += 2;
    } else if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) return unbalanced(src, out);
      cur += src.slice(i, close + 1);
      i = close + 1;
    } else if (c === '$' && next === "'") {
      const close = ansiCEnd(src, i + 2);
      if (close < 0) return unbalanced(src, out);
      cur += src.slice(i, close + 1);
      i = close + 1;
    } else if (c === '"') {
      const scanned = walkDoubleQuoted(src, i, out);
      if (scanned.end < 0) return unbalanced(src, out);
      cur += scanned.text;
      i = scanned.end;
    } else if (c === '$' && next === '(') {
      out.sawOperator = true;
      i = walk(src, i + 2, true, out);
      cur += ' ';
    } else if (c === '`') {
      out.sawOperator = true;
      i = backtick(src, i, out);
      cur += ' ';
    } else if (c === '\n') {
      out.sawOperator = true;
      flush();
      i += 1;
    } else if (c === '#') {
      if (cur === '' || /[\s;&|()<>]$/.test(cur)) out.sawOperator = true;
      cur += '\\#';
      i += 1;
    } else if (inSubstitution && c === ')' && depth === 0) {
      flush();
      return i + 1;
    } else {
      if (c === '!') out.sawOperator = true;
      if (inSubstitution && c === '(') depth += 1;
      if (inSubstitution && c === ')') depth -= 1;
      cur += c;
      i += 1;
    }
  }
  if (inSubstitution) out.balanced = false;
  flush();
  return src.length;
}

/** Walks a double-quoted string starting at its opening quote; end is -1 when it never closes. */
function walkDoubleQuoted(src: string, start: number, out: ShellScan): { text: string; end: number } {
  let text = '"';
  let i = start + 1;
  while (i < src.length) {
    const c = src.charAt(i);
    const next = src.charAt(i + 1);
    if (c === '\\') {
      if (next !== '\n') text += c + next;
      i += 2;
    } else if (c === '"') {
      return { text: `${text}"`, end: i + 1 };
    } else if (c === '$' && next === '(') {
      out.sawOperator = true;
      i = walk(src, i + 2, true, out);
      text += ' ';
    } else if (c === '`') {
      out.sawOperator = true;
      i = backtick(src, i, out);
      text += ' ';
    } else {
      // History expansion (`!!`, `!curl`) still happens inside double quotes in an interactive bash.
      if (c === '!') out.sawOperator = true;
      text += c;
      i += 1;
    }
  }
  return { text, end: -1 };
}

/** Scans a backtick substitution starting at its opening backtick; returns the index after the closing one. */
function backtick(src: string, start: number, out: ShellScan): number {
  let body = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === '\\') {
      // Inside backticks the shell unescapes \` \\ \$ before running the body, which may nest another substitution.
      const next = src.charAt(i + 1);
      body += next === '`' || next === '\\' || next === '$' ? next : c + next;
      i += 2;
    } else if (c === '`') {
      walk(body, 0, false, out);
      return i + 1;
    } else {
      body += c;
      i += 1;
    }
  }
  out.balanced = false;
  return src.length;
}

/** Index of the quote closing an ANSI-C `$'...'` string whose body starts at `start`, or -1. */
function ansiCEnd(src: string, start: number): number {
  let i = start;
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === '\\') i += 2;
    else if (c === "'") return i;
    else i += 1;
  }
  return -1;
}

function unbalanced(src: string, out: ShellScan): number {
  out.balanced = false;
  return src.length;
}
