import type { CorpusDocument, Passage } from './types.js';
import { tokenize } from './tokens.js';
import { sentences } from './sentences.js';
import { quotedRanges } from './quotes.js';
import { MIN_CONTENT_WORDS, toPassage, type DocumentWords } from './passages.js';
import type { WordIds } from './word-ids.js';
import { isContentWord } from './stopwords.js';
import type { DocumentLayout } from './build-cluster.js';

/**
 * What one document brings to the statement index, as plain data: its normalised words (each token
 * an index into the document's own vocabulary, with its UTF-16 range) and its passages (labelled
 * spans, quotations, sentences: UTF-16 ranges). Computing it is the costly part (tokenising, finding
 * sentences and quotations); it is structured-clonable, so it is computed on the worker thread for
 * a long document, and turning it into passages (`passagesOf`) is a cheap pass over its tokens.
 */
export interface DocumentContribution {
  vocab: string[];
  tokens: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  passages: { kind: Passage['kind']; start: number; end: number; labelId?: string }[];
  /**
   * Sentences and quotations of the text (what `layoutOf` gives, found here anyway), kept only for a
   * text of LAYOUT_KEPT_FROM characters or more: finding them again on the main thread when a
   * statement in it is drawn would hold it for about 100 ms at 2,000,000 characters.
   */
  layout?: DocumentLayout;
}

export const LAYOUT_KEPT_FROM = 100_000;

/** The contribution of one document (its latest text and the labels on it). */
export function documentContribution(doc: Pick<CorpusDocument, 'text' | 'labels'>): DocumentContribution {
  const toks = tokenize(doc.text);
  const vocabIndex = new Map<string, number>();
  const vocab: string[] = [];
  const tokens = new Int32Array(toks.length);
  toks.forEach((t, i) => {
    let v = vocabIndex.get(t.norm);
    if (v === undefined) {
      v = vocab.length;
      vocabIndex.set(t.norm, v);
      vocab.push(t.norm);
    }
    tokens[i] = v;
  });
  const starts = Int32Array.from(toks, (t) => t.start);
  const ends = Int32Array.from(toks, (t) => t.end);
  const content = vocab.map((w) => (isContentWord(w) ? 1 : 0));
  const passages: DocumentContribution['passages'] = [];
  const seen = new Set<string>();
  const add = (kind: Passage['kind'], start: number, end: number, labelId?: string) => {
    const key = `${start}:${end}`;
    if (seen.has(key) || !hasEnoughContent(tokens, starts, ends, content, start, end)) return;
    seen.add(key);
    passages.push({ kind, start, end, ...(labelId ? { labelId } : {}) });
  };
  for (const l of doc.labels) {
    if (l.anchor.state !== 'orphaned' && l.end <= doc.text.length) add('label', l.start, l.end, l.id);
  }
  const quotes = quotedRanges(doc.text);
  const found = sentences(doc.text);
  for (const q of quotes) add('quote', q.start, q.end);
  for (const s of found) add('sentence', s.start, s.end);
  return { vocab, tokens, starts, ends, passages, ...(doc.text.length >= LAYOUT_KEPT_FROM ? { layout: { sentences: found, quotes } } : {}) };
}

/** The passages of a contribution, with word ids from `ids`; `slot` is the document's number in the index. */
export function passagesOf(c: DocumentContribution, slot: number, ids: WordIds): Passage[] {
  return [...eachPassage(c, slot, ids)];
}

/** `passagesOf` one passage at a time (a document of 2,000,000 characters has tens of thousands). */
export function* eachPassage(c: DocumentContribution, slot: number, ids: WordIds): Generator<Passage, void, void> {
  const local = c.vocab.map((w) => ids.of(w));
  const all: DocumentWords = { words: c.tokens.map((v) => local[v]), starts: c.starts, ends: c.ends };
  for (const p of c.passages) {
    const passage = toPassage(slot, p.kind, p.start, p.end, all, ids, p.labelId);
    if (passage) yield passage;
  }
}

/** MIN_CONTENT_WORDS of passages.ts, counted the way `toPassage` counts them. */
function hasEnoughContent(tokens: Int32Array, starts: Int32Array, ends: Int32Array, content: number[], start: number, end: number): boolean {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  let n = 0;
  for (let i = lo; i < ends.length && ends[i] <= end; i++) if (content[tokens[i]] === 1 && ++n >= MIN_CONTENT_WORDS) return true;
  return false;
}
