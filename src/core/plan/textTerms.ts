/**
 * Terms of a text for the workspace index, the same for file contents, paths and goals, in any
 * script: words are runs of letters, digits and combining marks (`\p{L}\p{N}\p{M}`), so
 * `l'authentification`, `проверку` and `naïve` are words; they are case folded, and accents are
 * dropped in Latin, Greek and Cyrillic words (`é` → `e`, `ё` → `е`) so a goal typed without them
 * still matches. Scripts written without spaces (Chinese, Japanese, Korean, Thai, Lao, Khmer,
 * Myanmar) become overlapping character pairs (`用户登录` → `用户`, `户登`, `登录`), so a goal and a
 * file that use the same words share terms without a dictionary. Identifiers give their whole name
 * and their camelCase parts (`parseJwtToken` → `parsejwttoken`, `parse`, `jwt`, `token`).
 */

/** Scripts written without spaces between words: indexed as character bigrams. */
const UNSPACED = String.raw`\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}`;
const ASCII_WORD = /^[A-Za-z0-9]+$/;

/** The Unicode-property patterns; built on first use, since compiling them costs milliseconds at extension load. */
interface UnicodePatterns {
  word: RegExp;
  wordChar: RegExp;
  segment: RegExp;
  unspacedChar: RegExp;
  /** Words whose accents can go: the marks there are accents, not parts of letters as in Devanagari or Arabic. */
  foldable: RegExp;
  camelBoundary: RegExp;
}

let unicodePatterns: UnicodePatterns | undefined;

function patterns(): UnicodePatterns {
  return (unicodePatterns ??= {
    word: /[\p{L}\p{N}\p{M}]+/gu,
    wordChar: /^[\p{L}\p{N}\p{M}]$/u,
    segment: new RegExp(String.raw`[${UNSPACED}]+|[^${UNSPACED}]+`, 'gu'),
    unspacedChar: new RegExp(`^[${UNSPACED}]`, 'u'),
    foldable: /^[\p{scx=Latin}\p{scx=Greek}\p{scx=Cyrillic}\p{N}\p{M}]+$/u,
    camelBoundary: /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{N})(?=\p{Lu})|(?<=\p{L})(?=\p{N}{2,})/u,
  });
}
/** Longer "words" are hashes, base64 and minified code: noise in an index. */
const MAX_TERM_LENGTH = 48;

/**
 * Function words of the languages goals are most often written in (folded, as terms are). Content
 * words such as "test" or "add" stay: BM25 already weighs words that every file has.
 */
const STOP_WORDS = new Set(
  [
    // English
    'a an and are as at be but by can do does for from has have how if in into is it its of on or so',
    'than that the their them then there these this those to was we were what when where which who',
    'will with would should could you your our all any each not no',
    // French
    'au aux avec ce ces cet cette dans de des du elle en est et il ils la le les leur lui mais ne nous',
    'ou par pas pour qu que qui sa se ses son sont sur un une vous',
    // Spanish, German, Italian, Portuguese (the commonest only)
    'el los las por para con del al una unos como der die das und ist mit ein eine nicht den dem zu',
    'von auf il di che per non nel della em os um uma na no do da',
    // Russian (folded: ё → е)
    'и в во на с со к ко по о об от до за из у не ни но а что это как или для при без его ее их все же',
    'бы ли то так там тут уже',
  ]
    .join(' ')
    .split(' '),
);

/** Every term of `text`, in order, repeats kept (term frequency is what BM25 counts). */
export function termsOf(text: string): string[] {
  const terms: string[] = [];
  // A hand-written scan: most code is ASCII, whose words need no regex, normalisation, script
  // split or accent folding; only words with other characters take the Unicode path.
  const n = text.length;
  let i = 0;
  while (i < n) {
    let width = widthOfWordChar(text, i);
    if (width === 0) {
      i++;
      continue;
    }
    let j = i;
    let ascii = true;
    while (width > 0) {
      if (width > 1 || text.charCodeAt(j) >= 0x80) ascii = false;
      j += width;
      width = j < n ? widthOfWordChar(text, j) : 0;
    }
    if (ascii) pushAsciiWord(text.slice(i, j), terms);
    else pushUnicodeWord(text.slice(i, j), terms);
    i = j;
  }
  return terms;
}

/** The distinct terms of `text`, first occurrence first: what a query searches for. */
export function distinctTermsOf(text: string): string[] {
  return [...new Set(termsOf(text))];
}

/** True for a term of an unspaced script (a character bigram): no prefix or fuzzy matching for those. */
export function isBigramTerm(term: string): boolean {
  // An ASCII term never is: no Unicode pattern is compiled for a goal and workspace in English.
  const first = term.charCodeAt(0);
  return first >= 0x80 && patterns().unspacedChar.test(term);
}

function pushBigrams(segment: string, terms: string[]): void {
  const chars = [...segment];
  if (chars.length === 1) {
    terms.push(chars[0]!);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) terms.push(chars[i]! + chars[i + 1]!);
}

/** UTF-16 units of the word character at `i` (letter, digit or mark): 0 when it is none. */
function widthOfWordChar(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return isDigit(c) || isUpper(c) || isLower(c) ? 1 : 0;
  const width = c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  return patterns().wordChar.test(text.slice(i, i + width)) ? width : 0;
}

function pushAsciiWord(word: string, terms: string[]): void {
  const lower = word.toLowerCase();
  keep(lower, terms);
  let start = 0;
  for (let k = 1; k < word.length; k++) {
    if (!isAsciiBoundary(word, k)) continue;
    keep(lower.slice(start, k), terms);
    start = k;
  }
  if (start > 0) keep(lower.slice(start), terms);
}

/** camelCase, ACRONYMWord, digit-then-capital and letter-then-number boundaries, as `camelBoundary` for ASCII. */
function isAsciiBoundary(word: string, k: number): boolean {
  const a = word.charCodeAt(k - 1);
  const b = word.charCodeAt(k);
  const next = k + 1 < word.length ? word.charCodeAt(k + 1) : 0;
  return (
    (isLower(a) && isUpper(b)) ||
    (isUpper(a) && isUpper(b) && isLower(next)) ||
    (isDigit(a) && isUpper(b)) ||
    (!isDigit(a) && isDigit(b) && isDigit(next))
  );
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function pushUnicodeWord(word: string, terms: string[]): void {
  const { word: words, segment: segments, unspacedChar } = patterns();
  for (const [part] of word.normalize('NFKC').matchAll(words)) {
    if (ASCII_WORD.test(part)) {
      pushAsciiWord(part, terms);
      continue;
    }
    for (const [segment] of part.matchAll(segments)) {
      if (unspacedChar.test(segment)) pushBigrams(segment, terms);
      else pushWord(segment, terms);
    }
  }
}

function pushWord(word: string, terms: string[]): void {
  const whole = fold(word);
  keep(whole, terms);
  const parts = word.split(patterns().camelBoundary);
  if (parts.length > 1) for (const part of parts) keep(fold(part), terms);
}

function keep(term: string, terms: string[]): void {
  if (term.length >= 2 && term.length <= MAX_TERM_LENGTH && !STOP_WORDS.has(term)) terms.push(term);
}

function fold(word: string): string {
  const lower = word.toLowerCase().replace(/ß/g, 'ss').replace(/ς/g, 'σ');
  if (!patterns().foldable.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');
}
