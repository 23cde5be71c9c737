/**
 * Text made safe to show a human who is asked to approve it (checklist 30). Terminal controls
 * (C0 and C1 controls, ESC sequences, CR, DEL), bidirectional overrides and isolates, zero-width
 * and other invisible format characters, line and paragraph separators, lone surrogates and the
 * invisible Hangul fillers become visible escapes such as `\x1b`, `\r` or `\u202e`, so nothing in
 * an approval prompt can erase, reorder or hide what is approved. Newline and tab are kept.
 */

/** What {@link neutraliseText} returns: the text to show and how many characters were escaped. */
export interface NeutralisedText {
  text: string;
  /** Characters replaced by escapes; 0 when the text was already safe to show. */
  neutralised: number;
}

// Cc: C0, DEL and C1 controls; Cf: format characters (bidi controls, zero-width characters,
// soft hyphen, tag characters, BOM, …); Zl/Zp: line and paragraph separators; Cs: lone surrogates;
// then the Hangul fillers, which are letters but print as nothing.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]/gu;
const KEPT = new Set(['\n', '\t']);

/** The escape shown for one unsafe character. */
export function escapeCharacter(char: string): string {
  if (char === '\r') return '\\r';
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/** `text` with every unsafe character replaced by its escape (newline and tab kept), and how many there were. */
export function neutraliseText(text: string): NeutralisedText {
  let neutralised = 0;
  const safe = text.replace(UNSAFE, (char) => {
    if (KEPT.has(char)) return char;
    neutralised++;
    return escapeCharacter(char);
  });
  return { text: safe, neutralised };
}

/** The marker shown next to text that had unsafe characters. */
export function neutralisedMarker(count: number): string {
  return `⚠ ${count} hidden or control character${count === 1 ? '' : 's'} shown as escapes (\\x1b, \\u202e, …)`;
}

/**
 * `text` safe to show on one line of a label, title or message: unsafe characters escaped, newline
 * and tab too, and, when anything was escaped, the marker in brackets after it.
 */
export function visibleText(text: string): string {
  const { text: safe, neutralised } = neutraliseText(text);
  const oneLine = safe.replace(/[\n\t]/g, (char) => (char === '\n' ? '\\n' : '\\t'));
  const count = neutralised + (safe.length - safe.replace(/[\n\t]/g, '').length);
  return count === 0 ? oneLine : `${oneLine} [${neutralisedMarker(count)}]`;
}
