import { ownString } from './compact-document.js';
/**
 * Statement tokens: the words of a text, normalised so that renderings of the same statement that
 * differ only in typography compare equal. Offsets are UTF-16 code units into the original text.
 *
 * Normalisation, in order: Unicode compatibility forms and accents folded (NFKD, marks dropped),
 * lower case, curly apostrophes made straight, hyphens inside a word removed ("re-attack" →
 * "reattack"), contractions expanded ("we've" → "we have", "won't" → "will not", "it's" → "it is"),
 * a possessive "'s" dropped ("Ukraine's" → "ukraine"). Punctuation, quotation marks, dashes ("--",
 * "–", "—"), ellipses ("...", "…", "[...]") and brackets are not words, so they never take part.
 */
export interface Token {
  /** The normalised word. */
  norm: string;
  /** UTF-16 offsets of the raw word in the text, end exclusive; both halves of a contraction share them. */
  start: number;
  end: number;
}

/** A word: letters/digits joined by apostrophes or hyphens; an acronym with dots; a number with separators. */
const WORD = /(?:\p{L}\.){2,}|\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{N}]+(?:['’‘ʼ\-‐‑][\p{L}\p{N}]+)*/gu;

const IRREGULAR: Record<string, string[]> = {
  "can't": ['can', 'not'],
  "won't": ['will', 'not'],
  "shan't": ['shall', 'not'],
  "ain't": ['is', 'not'],
  "let's": ['let', 'us'],
};
const IS_BEFORE_S = new Set(['it', 'that', 'there', 'he', 'she', 'what', 'who', 'here', 'where', 'how', 'this']);
const SUFFIXES: [string, string][] = [["'ve", 'have'], ["'re", 'are'], ["'ll", 'will'], ["'m", 'am'], ["'d", 'would']];

/**
 * The tokens of `tokenize(text)` that `wordRange` picks for [start, end): from the first starting at
 * or after `start`, as long as they end by `end`; found without tokenising the whole text. No word
 * holds white space, so the whole text's words after a white-space character are those a scan from
 * there finds: the scan starts after the last one before `start` (or at the text's start).
 */
export function tokenizeRange(text: string, start: number, end: number): Token[] {
  let from = Math.min(start, text.length);
  while (from > 0 && !WHITE.test(text[from - 1])) from--;
  const scan = RANGE_SCAN;
  scan.lastIndex = from;
  const out: Token[] = [];
  for (let m = scan.exec(text); m; m = scan.exec(text)) {
    const at = m.index;
    if (at < start) continue;
    const to = at + m[0].length;
    if (to > end) break;
    for (const norm of normalizeWord(m[0])) out.push({ norm, start: at, end: to });
  }
  return out;
}

const WHITE = /\s/;
/** WORD for tokenizeRange's scans (its own lastIndex; read to the end of a scan before the next starts: no scan is interleaved). */
const RANGE_SCAN = new RegExp(WORD.source, WORD.flags);

/** The normalised words of `text` with their UTF-16 offsets. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    const end = start + m[0].length;
    for (const norm of normalizeWord(m[0])) out.push({ norm, start, end });
  }
  return out;
}

/** Normalised forms of raw words already seen: news text repeats its words, and this is the hot path. */
const memo = new Map<string, string[]>();
const MEMO_LIMIT = 200_000;

/** One raw word as one or more normalised words (a contraction gives two). Do not mutate the result. */
export function normalizeWord(raw: string): string[] {
  let out = memo.get(raw);
  if (!out) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    // Its own copy: the word is cut from a text, and the memo (and the words made from it) would keep that whole text alive.
    const own = ownString(raw);
    memo.set(own, (out = normalizeUncached(own)));
  }
  return out;
}

function normalizeUncached(raw: string): string[] {
  const w = raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’‘ʼ]/g, "'")
    .replace(/[-‐‑]/g, '')
    .replace(/^((?:\p{L}\.)+)$/u, (acronym) => acronym.replace(/\./g, ''));
  if (IRREGULAR[w]) return IRREGULAR[w];
  if (w.endsWith("n't")) return [w.slice(0, -3), 'not'];
  for (const [suffix, expansion] of SUFFIXES) {
    if (w.endsWith(suffix) && w.length > suffix.length) return [w.slice(0, -suffix.length), expansion];
  }
  if (w.endsWith("'s") && w.length > 2) {
    const stem = w.slice(0, -2);
    return IS_BEFORE_S.has(stem) ? [stem, 'is'] : [stem];
  }
  return [w.replace(/'/g, '')];
}
