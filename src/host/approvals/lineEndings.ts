/** The line endings of a text: one kind throughout, a mix, or no line break at all. */
export type LineEndings = 'lf' | 'crlf' | 'mixed' | 'none';

/** Which line endings `text` uses; a text document holds one kind only, so `mixed` cannot be written through one exactly. */
export function lineEndings(text: string): LineEndings {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  // A lone CR is a line break to an editor, which would rewrite it.
  const cr = (text.match(/\r(?!\n)/g) ?? []).length;
  if (crlf === 0 && lf === 0 && cr === 0) return 'none';
  if (cr > 0 || (crlf > 0 && lf > 0)) return 'mixed';
  return crlf > 0 ? 'crlf' : 'lf';
}
