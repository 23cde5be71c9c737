// Terminal output as plain text: colour and cursor codes removed, line endings unified.

/**
 * ECMA-48 control sequences as terminals see them: CSI (`ESC [` or the 8-bit `0x9B`, parameters,
 * intermediates, one final byte), OSC up to BEL or `ESC \` (hyperlinks, window titles), and the
 * two-byte `ESC x` escapes.
 */
const ANSI_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching terminal control codes is the point here
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;

/** Removes ANSI colour, style and cursor sequences from tool output. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, '');
}

/**
 * Splits tool output into plain lines: ANSI codes stripped, CRLF and LF both accepted, and a line
 * rewritten in place with a bare `\r` (progress bars) reduced to what the terminal finally shows.
 */
export function outputLines(text: string): string[] {
  return stripAnsi(text)
    .split(/\r?\n/)
    .map((line) => {
      if (!line.includes('\r')) return line;
      const segments = line.split('\r').filter((segment) => segment !== '');
      return segments[segments.length - 1] ?? '';
    });
}

/** The last `count` lines of output as plain text, trailing blank lines dropped, for messages. */
export function outputTail(text: string, count: number): string {
  const lines = outputLines(text);
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();
  return lines.slice(Math.max(0, lines.length - count)).join('\n');
}
