import type { CorpusDocument, Passage } from './types.js';
import { tokenize, type Token } from './tokens.js';
import { isContentWord } from './stopwords.js';
import { sentences } from './sentences.js';
import { quotedRanges } from './quotes.js';

/** A passage needs at least this many content words to render a statement on its own. */
export const MIN_CONTENT_WORDS = 3;

/**
 * The passages of one document, labelled spans first, then quotations, then sentences (the
 * same text may appear in several). Offsets are UTF-16; the tokens are those of the passage's range.
 */
export function documentPassages(doc: CorpusDocument, docIndex: number): Passage[] {
  const tokens = tokenize(doc.text);
  const out: Passage[] = [];
  const seen = new Set<string>();
  const add = (kind: Passage['kind'], start: number, end: number, labelId?: string) => {
    const key = `${start}:${end}`;
    if (seen.has(key)) return;
    const own = tokensIn(tokens, start, end);
    if (own.filter((t) => isContentWord(t.norm)).length < MIN_CONTENT_WORDS) return;
    seen.add(key);
    out.push({ doc: docIndex, kind, start, end, tokens: own, ...(labelId ? { labelId } : {}) });
  };
  for (const l of doc.labels) {
    if (l.anchor.state !== 'orphaned' && l.end <= doc.text.length) add('label', l.start, l.end, l.id);
  }
  for (const q of quotedRanges(doc.text)) add('quote', q.start, q.end);
  for (const s of sentences(doc.text)) add('sentence', s.start, s.end);
  return out;
}

/** Tokens lying wholly inside [start, end); `tokens` are sorted by offset. */
export function tokensIn(tokens: Token[], start: number, end: number): Token[] {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Token[] = [];
  for (let i = lo; i < tokens.length && tokens[i].end <= end; i++) out.push(tokens[i]);
  return out;
}
