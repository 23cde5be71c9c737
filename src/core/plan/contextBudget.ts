import { estimateTokens } from '../llm/tokenEstimate';

/** Estimates the tokens of a text; must not estimate a concatenation above the sum of its parts. */
export type TokenEstimator = (text: string) => number;

/**
 * Tokens of prompt text, on the high side: printable ASCII, tabs and line breaks as the quota
 * estimate counts them (four characters a token), every other UTF-16 unit as a token of its own.
 * Chinese or Japanese text takes about a token per character, so four characters a token would let
 * a budget be overrun fourfold; for accented Latin or Cyrillic text this overestimates, which only
 * leaves room unused.
 */
export function estimateContextTokens(text: string): number {
  const ascii = text.replace(/[^\t\n\r\x20-\x7e]+/g, '');
  return estimateTokens(ascii) + (text.length - ascii.length);
}

/** A number of tokens spent piece by piece; a piece is taken whole or not at all. */
export class TokenBudget {
  private used = 0;

  constructor(
    readonly total: number,
    readonly estimate: TokenEstimator,
  ) {}

  /** Tokens still free. */
  get remaining(): number {
    return this.total - this.used;
  }

  /** Tokens spent so far. */
  get spent(): number {
    return this.used;
  }

  /** Spends the text's tokens and says true when they fit in `cap` (and in what is left); otherwise spends nothing. */
  take(text: string, cap = Infinity): boolean {
    const cost = this.estimate(text);
    if (cost > Math.min(cap, this.remaining)) return false;
    this.used += cost;
    return true;
  }
}

/**
 * The longest start of `text` that fits `maxTokens` with a note of what was cut, cut at a line end
 * where one is near; the whole text when it fits; undefined when not even a short start fits.
 */
export function clipToTokens(text: string, maxTokens: number, estimate: TokenEstimator): string | undefined {
  if (estimate(text) <= maxTokens) return text;
  const clipped = (end: number): string => `${text.slice(0, end)}\n… (${text.length - end} more characters)`;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (estimate(clipped(mid)) <= maxTokens) low = mid;
    else high = mid - 1;
  }
  if (low < 16) return undefined;
  const lineEnd = text.lastIndexOf('\n', low);
  let end = lineEnd > low * 0.75 ? lineEnd : low;
  if (estimate(clipped(end)) > maxTokens) end = low;
  // Never split a surrogate pair: half a character is invalid text in a request body.
  if (/[\ud800-\udbff]/.test(text.charAt(end - 1))) end--;
  return clipped(end);
}
