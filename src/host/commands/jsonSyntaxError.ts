// Where JSON text breaks, and why, in words a person can act on. `JSON.parse` says this
// inconsistently across Node versions (sometimes with a position, sometimes quoting the whole
// text), so the document is scanned here. Free of `vscode`; iterative, so deep nesting cannot
// overflow the stack.

/** The first syntax error of a JSON text: its offset in the text and what is wrong there. */
export interface JsonSyntaxError {
  /** Offset (UTF-16 code units) of the first character that cannot be read. */
  offset: number;
  /** What is wrong, e.g. `expected "," or "}" after a property value`. */
  reason: string;
}

class Failure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** The first syntax error of `text` as strict JSON (no comments, no trailing commas), or undefined when it is valid. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (err) {
    if (err instanceof Failure) return { offset: err.offset, reason: err.reason };
    throw err;
  }
}

/** Converts an offset into a 1-based line and column. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

function scan(text: string): void {
  const stack: Array<'object' | 'array'> = [];
  let i = skipSpace(text, text.startsWith('\uFEFF') ? 1 : 0);
  let expectValue = true;
  for (;;) {
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        const kind = c === '{' ? 'object' : 'array';
        i = skipSpace(text, i + 1);
        if (text[i] === (kind === 'object' ? '}' : ']')) {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(kind);
        if (kind === 'object') i = key(text, i);
        continue;
      }
      i = scalar(text, i);
      expectValue = false;
      continue;
    }
    i = skipSpace(text, i);
    const top = stack.at(-1);
    if (top === undefined) {
      if (i < text.length) throw new Failure(i, `unexpected ${shown(text[i])} after the end of the JSON value`);
      return;
    }
    const close = top === 'object' ? '}' : ']';
    if (text[i] === ',') {
      i = skipSpace(text, i + 1);
      if (text[i] === close)
        throw new Failure(
          i,
          `a comma must be followed by another ${top === 'object' ? 'property' : 'element'}; remove the trailing comma`,
        );
      if (top === 'object') i = key(text, i);
      expectValue = true;
      continue;
    }
    if (text[i] === close) {
      stack.pop();
      i++;
      continue;
    }
    throw new Failure(
      i,
      top === 'object'
        ? `expected "," or "}" after a property value, found ${shown(text[i])}`
        : `expected "," or "]" after an array element, found ${shown(text[i])}`,
    );
  }
}

/** Reads `"name":` at `i` (after spaces) and returns where the value starts. */
function key(text: string, i: number): number {
  if (text[i] !== '"') throw new Failure(i, `expected a property name in double quotes, found ${shown(text[i])}`);
  let j = skipSpace(text, string(text, i));
  if (text[j] !== ':') throw new Failure(j, `expected ":" after the property name, found ${shown(text[j])}`);
  j = skipSpace(text, j + 1);
  return j;
}

/** Reads a string, number, `true`, `false` or `null` at `i`; returns the offset after it. */
function scalar(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return string(text, i);
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) throw new Failure(i, 'invalid number');
    const end = i + match[0].length;
    if (/[0-9.eE+-]/.test(text[end] ?? '')) throw new Failure(i, 'invalid number');
    return end;
  }
  for (const literal of ['true', 'false', 'null']) {
    if (text.startsWith(literal, i)) return i + literal.length;
  }
  if (c === undefined) throw new Failure(i, 'the text ends where a value should be');
  throw new Failure(i, `expected a value (a string, number, object, array, true, false or null), found ${shown(c)}`);
}

/** Reads the string starting at `i` (a `"`); returns the offset after its closing quote. */
function string(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const c = text[j];
    if (c === undefined) throw new Failure(i, 'this string is never closed');
    if (c === '"') return j + 1;
    if (c === '\\') {
      const next = text[j + 1];
      if (next === 'u') {
        if (!HEX4.test(text.slice(j + 2, j + 6))) throw new Failure(j, 'invalid \\u escape: it needs four hex digits');
        j += 6;
        continue;
      }
      if (next === undefined || !ESCAPES.has(next))
        throw new Failure(j, `invalid escape "\\${next ?? ''}" in a string`);
      j += 2;
      continue;
    }
    if (c < ' ') throw new Failure(j, 'a string may not hold a line break or tab; write \\n or \\t');
    j++;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/** A character as the message shows it. */
function shown(c: string | undefined): string {
  if (c === undefined) return 'the end of the text';
  if (c === '\n' || c === '\r') return 'a line break';
  return JSON.stringify(c);
}
