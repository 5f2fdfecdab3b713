import type { CorpusDocument, Passage } from './types.js';
import { tokenize } from './tokens.js';
import { sentences, type TextRange } from './sentences.js';
import { quotedRanges } from './quotes.js';
import { MIN_CONTENT_WORDS } from './passages.js';
import { isContentWord } from './stopwords.js';
import { LABELS_SCANNED, labelOrder } from './build-cluster.js';

/**
 * What one document brings to the statement index, as plain data: its normalised words (each token
 * an index into the document's own vocabulary, with its UTF-16 range) and its passages (labelled
 * spans, quotations, sentences: UTF-16 ranges). Computing it is the costly part (tokenising, finding
 * sentences and quotations); it is computed on the worker thread for a long document and sent back
 * as a message, so it is packed for a cheap copy: one string and typed arrays, not hundreds of
 * thousands of small objects (a 2,000,000-character text with 20,000 labels has 77,000 passages and
 * 28,000 words; as objects, reading the message back held the main thread for about 250 ms).
 */
export interface DocumentContribution {
  /** The document's distinct normalised words in order of first use, each followed by "\n" (a word never holds white space). */
  vocab: string;
  /** Number of words in `vocab`. */
  vocabSize: number;
  tokens: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Its passages, three numbers each: kind (index in PASSAGE_KINDS), UTF-16 start, end. Labelled spans first. */
  spans: Int32Array;
  /** The label id of each passage of kind `label`, in order. */
  labelIds: string[];
  /**
   * Sentences and quotations of the text (what `layoutOf` gives, found here anyway) as start, end
   * pairs, kept only for a text of LAYOUT_KEPT_FROM characters or more: finding them again on the
   * main thread when a statement in it is drawn would hold it for about 100 ms at 2,000,000 characters.
   * `labelOrder`: with more than LABELS_SCANNED labels, their places sorted by start (`labelOrder`
   * of build-cluster.ts), which drawing a statement needs too.
   */
  layout?: { sentences: Int32Array; quotes: Int32Array; labelOrder?: Int32Array };
}

export const LAYOUT_KEPT_FROM = 100_000;

/** Passage kinds as numbered in DocumentContribution.spans. */
export const PASSAGE_KINDS: readonly Passage['kind'][] = ['label', 'quote', 'sentence'];

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
  const spans: number[] = [];
  const labelIds: string[] = [];
  const seen = new Set<string>();
  const add = (kind: Passage['kind'], start: number, end: number, labelId?: string) => {
    const key = `${start}:${end}`;
    if (seen.has(key) || !hasEnoughContent(tokens, starts, ends, content, start, end)) return;
    seen.add(key);
    spans.push(PASSAGE_KINDS.indexOf(kind), start, end);
    if (kind === 'label') labelIds.push(labelId!);
  };
  for (const l of doc.labels) {
    if (l.anchor.state !== 'orphaned' && l.end <= doc.text.length) add('label', l.start, l.end, l.id);
  }
  const quotes = quotedRanges(doc.text);
  const found = sentences(doc.text);
  for (const q of quotes) add('quote', q.start, q.end);
  for (const s of found) add('sentence', s.start, s.end);
  const pairs = (ranges: TextRange[]) => Int32Array.from(ranges.flatMap((r) => [r.start, r.end]));
  return {
    vocab: vocab.map((w) => `${w}\n`).join(''),
    vocabSize: vocab.length,
    tokens,
    starts,
    ends,
    spans: Int32Array.from(spans),
    labelIds,
    ...(doc.text.length >= LAYOUT_KEPT_FROM ? { layout: { sentences: pairs(found), quotes: pairs(quotes), ...(doc.labels.length > LABELS_SCANNED ? { labelOrder: labelOrder(doc.labels) } : {}) } } : {}),
  };
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
