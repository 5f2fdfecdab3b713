import type { Passage, PassageMatch } from './types.js';
import { alignLocally } from './align.js';
import type { WordIds } from './word-ids.js';

/**
 * When two aligned passages render the same statement:
 * - `minContent`: at least this many content words agree (so a shared "the United States" or
 *   "Russian President Vladimir Putin" is not enough);
 * - `minDensity`: within the aligned stretches, agreeing words are at least this share of the longer
 *   stretch (so the alignment is not a few words scattered across two sentences);
 * - `minCoverage`: the agreeing content words are at least this share of the content words of one
 *   of the two passages (one passage is all, or nearly all, the statement: a phrase merely shared by
 *   two longer sentences, "Ukraine has the strongest possible hand" / "Ukraine is in the strongest
 *   possible position", is not);
 * - both stretches hold the same number of negations ("will" vs "will not" are two statements).
 */
export const MATCH_THRESHOLDS = { minContent: 3, minDensity: 0.5, minCoverage: 0.7 } as const;

/**
 * Most cells of one alignment (words of one passage times words of the other): 400 × 400. Alignment
 * costs O(n·m), so two run-on "sentences" of 4,000 words would take 16 million cells per pair, and
 * labels over them multiply the pairs. A longer pair is not aligned: it is not matched as one
 * statement (its shorter passages, sentences and quotations inside, still are).
 */
export const MAX_ALIGN_CELLS = 160_000;

/**
 * The checks `matchPassages` makes before aligning, from the passages' word counts and sorted content
 * ids alone: false when they cannot match (the statement index reads their words only after this).
 */
export function mayMatch(pWords: number, pContent: Int32Array, qWords: number, qContent: Int32Array): boolean {
  if (pWords * qWords > MAX_ALIGN_CELLS) return false;
  const shared = sharedCount(pContent, qContent);
  return !(shared < MATCH_THRESHOLDS.minContent || shared < MATCH_THRESHOLDS.minCoverage * Math.min(pContent.length, qContent.length));
}

/** The match between two passages, or `null` when they do not render the same statement (or are too long to align). */
export function matchPassages(p: Pick<Passage, 'words' | 'content'>, q: Pick<Passage, 'words' | 'content'>, ai: number, bi: number, ids: WordIds): PassageMatch | null {
  if (!mayMatch(p.words.length, p.content, q.words.length, q.content)) return null;
  const al = alignLocally(p.words, q.words, ids.content);
  if (!al || al.matchedContent < MATCH_THRESHOLDS.minContent) return null;
  const aLen = al.aTo - al.aFrom;
  const bLen = al.bTo - al.bFrom;
  if (al.matched / Math.max(aLen, bLen) < MATCH_THRESHOLDS.minDensity) return null;
  const coverage = al.matchedContent / Math.min(p.content.length, q.content.length);
  if (coverage < MATCH_THRESHOLDS.minCoverage) return null;
  if (negations(p.words, al.aFrom, al.aTo, ids) !== negations(q.words, al.bFrom, al.bTo, ids)) return null;
  return { a: ai, b: bi, aFrom: al.aFrom, aTo: al.aTo, bFrom: al.bFrom, bTo: al.bTo, matched: al.matched };
}

/** Size of the multiset intersection of two sorted id arrays: an upper bound on aligned content words. */
function sharedCount(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      n++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return n;
}

function negations(words: Int32Array, from: number, to: number, ids: WordIds): number {
  let n = 0;
  for (let i = from; i < to; i++) n += ids.negation[words[i]];
  return n;
}
