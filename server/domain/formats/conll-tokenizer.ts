/** A token: UTF-16 [start, end) into the text. */
export interface Token {
  start: number;
  end: number;
}

/**
 * Word tokens for CoNLL: a run of letters, marks and digits (with inner apostrophes, hyphens,
 * dots and commas between digits: "don't", "well-known", "3.5", "1,000"), or any other single
 * non-space character with its combining marks (punctuation, symbols; an emoji with its variation
 * selector, skin tone or zero-width-joiner sequence is one token). Whitespace separates tokens.
 */
const PATTERN = String.raw`[\p{L}\p{M}\p{N}]+(?:['’\-.,][\p{L}\p{M}\p{N}]+)*|\S[\p{M}\p{Emoji_Modifier}]*(?:\u200D\S[\p{M}\p{Emoji_Modifier}]*)*`;
/** The same pattern anchored where `lastIndex` points: `test` then leaves the token's end there, with no match array made. */
const TOKEN_AT = new RegExp(PATTERN, 'uy');
const TOKEN = new RegExp(PATTERN, 'gu');

/**
 * Whether a UTF-16 code unit is whitespace as the regular expression `\s` sees it (every `\s`
 * character is in the Basic Multilingual Plane; a test checks all 65,536 code units against `\s`).
 */
export function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Tokens as two growing lists of UTF-16 offsets (`starts[i]`, `ends[i]` for i < `count`), in text
 * order: no object per token.
 */
export class TokenList {
  starts: Int32Array;
  ends: Int32Array;
  count = 0;

  constructor(capacity = 1024) {
    this.starts = new Int32Array(Math.max(1, capacity));
    this.ends = new Int32Array(Math.max(1, capacity));
  }

  push(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const starts = new Int32Array(this.count * 2);
      starts.set(this.starts);
      this.starts = starts;
      const ends = new Int32Array(this.count * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.starts[this.count] = start;
    this.ends[this.count++] = end;
  }

  /** The tokens as objects (for `resolveOverlaps`). */
  toTokens(): Token[] {
    const out = new Array<Token>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = { start: this.starts[i], end: this.ends[i] };
    return out;
  }
}

/** ASCII letters and digits (the only ASCII characters in \p{L}, \p{M} or \p{N}). */
function isAsciiWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
}

/** The ASCII characters that may join two runs of a word: ' - . , */
function isAsciiJoiner(c: number): boolean {
  return c === 0x27 || c === 0x2d || c === 0x2e || c === 0x2c;
}

/**
 * Where the token starting at `p` ends when it and the character after it are ASCII (no ASCII
 * character is a mark, an emoji modifier or a zero-width joiner, so the pattern's answer follows
 * from the characters alone), or -1 when a character the pattern must judge comes first.
 * Characters at or after `to` count as absent, as in text.slice(from, to).
 */
function asciiTokenEnd(text: string, p: number, to: number): number {
  const first = text.charCodeAt(p);
  if (first >= 0x80) return -1;
  if (!isAsciiWordChar(first)) {
    // A single character; a mark, modifier or joiner after it would be non-ASCII.
    return p + 1 < to && text.charCodeAt(p + 1) >= 0x80 ? -1 : p + 1;
  }
  let q = p + 1;
  for (;;) {
    while (q < to && isAsciiWordChar(text.charCodeAt(q))) q++;
    if (q >= to) return q;
    const c = text.charCodeAt(q);
    if (c >= 0x80) return -1;
    if (!isAsciiJoiner(c) || q + 1 >= to) return q;
    const next = text.charCodeAt(q + 1);
    if (next >= 0x80) return -1;
    if (!isAsciiWordChar(next)) return q;
    q += 2;
  }
}

/**
 * Appends the tokens of text[from, to) to `out`: whitespace is skipped a code unit at a time and
 * each token is read where it starts, by hand when it is plain ASCII, otherwise by the pattern
 * anchored there (it matches at any character that is not whitespace, so this finds what a scan of
 * text.slice(from, to) finds). A token the pattern would run past `to` (only when text[to] is not
 * whitespace) is matched in the slice, as a scan of the slice would.
 */
export function tokenizeInto(text: string, from: number, to: number, out: TokenList): void {
  if (splitsPair(text, from)) {
    // The slice starts with a lone low surrogate, which the pattern anchored in the whole text would not see alone.
    for (const m of text.slice(from, to).matchAll(TOKEN)) out.push(from + m.index, from + m.index + m[0].length);
    return;
  }
  let p = from;
  for (;;) {
    while (p < to && isSpace(text.charCodeAt(p))) p++;
    if (p >= to) return;
    let end = asciiTokenEnd(text, p, to);
    if (end < 0) {
      TOKEN_AT.lastIndex = p;
      if (!TOKEN_AT.test(text)) throw new Error(`no token at ${p}: the pattern matches every non-space character`);
      end = TOKEN_AT.lastIndex;
      if (end > to) {
        for (const m of text.slice(p, to).matchAll(TOKEN)) out.push(p + m.index, p + m.index + m[0].length);
        return;
      }
    }
    out.push(p, end);
    p = end;
  }
}

function splitsPair(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return false;
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** The tokens of text[from, to) (UTF-16 offsets into `text`). */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const list = new TokenList();
  tokenizeInto(text, from, to, list);
  return list.toTokens();
}
