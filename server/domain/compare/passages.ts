import type { CorpusDocument, Passage } from './types.js';
import { tokenize } from './tokens.js';
import { sentences } from './sentences.js';
import { quotedRanges } from './quotes.js';
import { WordIds } from './word-ids.js';

/** A passage needs at least this many content words to render a statement on its own. */
export const MIN_CONTENT_WORDS = 3;

/** A document's words as ids with their UTF-16 ranges, sorted by position. */
export interface DocumentWords {
  words: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}

export function documentWords(text: string, ids: WordIds): DocumentWords {
  const tokens = tokenize(text);
  return {
    words: Int32Array.from(tokens, (t) => ids.of(t.norm)),
    starts: Int32Array.from(tokens, (t) => t.start),
    ends: Int32Array.from(tokens, (t) => t.end),
  };
}

/**
 * The passages of one document, labelled spans first, then quotations, then sentences (the
 * same text may appear in several). Offsets are UTF-16.
 */
export function documentPassages(doc: CorpusDocument, docIndex: number, ids: WordIds): Passage[] {
  const all = documentWords(doc.text, ids);
  const out: Passage[] = [];
  const seen = new Set<string>();
  const add = (kind: Passage['kind'], start: number, end: number, labelId?: string) => {
    const key = `${start}:${end}`;
    if (seen.has(key)) return;
    const passage = toPassage(docIndex, kind, start, end, all, ids, labelId);
    if (!passage) return;
    seen.add(key);
    out.push(passage);
  };
  for (const l of doc.labels) {
    if (l.anchor.state !== 'orphaned' && l.end <= doc.text.length) add('label', l.start, l.end, l.id);
  }
  for (const q of quotedRanges(doc.text)) add('quote', q.start, q.end);
  for (const s of sentences(doc.text)) add('sentence', s.start, s.end);
  return out;
}

/**
 * The passage over the words lying wholly inside [start, end) (UTF-16) of a document's words;
 * `null` when it has too few content words.
 */
export function toPassage(doc: number, kind: Passage['kind'], start: number, end: number, all: DocumentWords, ids: WordIds, labelId?: string): Passage | null {
  const { from: lo, to } = wordRange(all, start, end);
  const words = all.words.subarray(lo, to);
  const contentSeq = words.filter((w) => ids.content[w] === 1);
  if (contentSeq.length < MIN_CONTENT_WORDS) return null;
  return {
    doc,
    kind,
    start,
    end,
    words,
    starts: all.starts.subarray(lo, to),
    ends: all.ends.subarray(lo, to),
    contentSeq,
    content: contentSeq.slice().sort(),
    ...(labelId ? { labelId } : {}),
  };
}

/** The words lying wholly inside [start, end) (UTF-16) of a document's words: indices [from, to). */
export function wordRange(all: Pick<DocumentWords, 'starts' | 'ends'>, start: number, end: number): { from: number; to: number } {
  let lo = 0;
  let hi = all.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all.starts[mid] < start) lo = mid + 1;
    else hi = mid;
  }
  let to = lo;
  while (to < all.ends.length && all.ends[to] <= end) to++;
  return { from: lo, to };
}
