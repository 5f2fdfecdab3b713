import type { Passage } from './types.js';

/**
 * Candidate generation without comparing every pair of documents.
 *
 * Each passage is reduced to its shingles: hashes of every two consecutive content words (function
 * words skipped, so "rest, refit, and eventually re-attack" gives "rest refit", "refit eventually",
 * "eventually reattack"). An inverted index maps each shingle to the passages holding it. Two
 * passages become a candidate pair when they share a shingle:
 * - a shingle held by at most `maxPosting` passages pairs all of them (at most maxPosting²/2 pairs);
 * - a more common one only pairs each passage with the next `window` passages of its list, which
 *   still chains the renderings of a widely repeated statement together while costing `window`
 *   pairs per occurrence;
 * - a stop-shingle, held by more than `max(minCommon, commonShare × passages)` passages ("united
 *   states", "vladimir putin" in a news corpus, boilerplate), pairs nothing: a phrase that common is
 *   not evidence of a shared statement.
 * So the number of pairs is bounded by a constant times the number of shingle occurrences: it grows
 * linearly with the corpus, never with its square.
 */
export interface IndexOptions {
  maxPosting: number;
  window: number;
  minCommon: number;
  commonShare: number;
  /** Identical copies of a passage past which it is boilerplate (statement-index.ts MAX_PASSAGE_COPIES when absent). */
  maxCopies?: number;
}

export const DEFAULT_INDEX_OPTIONS: IndexOptions = { maxPosting: 32, window: 4, minCommon: 200, commonShare: 0.005 };

/** The distinct shingles of a passage: each pair of consecutive content-word ids mixed into 30 bits. */
export function shingles(p: Passage): number[] {
  const words = p.contentSeq;
  const out = new Set<number>();
  for (let i = 0; i + 1 < words.length; i++) out.add((Math.imul(words[i], 0x9e3779b1) ^ words[i + 1]) & 0x3fffffff);
  return [...out];
}

/**
 * Calls `visit(a, b)` once for every candidate pair of passage indices, a < b, and returns how many
 * there were. Passages of the same document whose ranges overlap (a quotation inside its sentence)
 * are never paired. Pairs are found passage by passage, so duplicates are dropped with one marker
 * per passage instead of a set of all pairs: memory stays linear in the number of passages.
 */
export function forEachCandidatePair(passages: Passage[], options: IndexOptions, visit: (a: number, b: number) => void): number {
  const own = passages.map(shingles);
  const postings = new Map<number, number[]>();
  own.forEach((list, i) => {
    for (const s of list) {
      const posting = postings.get(s);
      if (posting) posting.push(i);
      else postings.set(s, [i]);
    }
  });
  const common = Math.max(options.minCommon, Math.ceil(options.commonShare * passages.length));
  const mark = new Int32Array(passages.length).fill(-1);
  let count = 0;
  for (let a = 0; a < passages.length; a++) {
    for (const s of own[a]) {
      const posting = postings.get(s)!;
      if (posting.length < 2 || posting.length > common) continue;
      const at = indexOf(posting, a);
      const end = posting.length <= options.maxPosting ? posting.length : Math.min(posting.length, at + 1 + options.window);
      for (let k = at + 1; k < end; k++) {
        const b = posting[k];
        if (mark[b] === a || overlapInOneDocument(passages[a], passages[b])) continue;
        mark[b] = a;
        count++;
        visit(a, b);
      }
    }
  }
  return count;
}

/** All candidate pairs as [a, b] with a < b, in the order `forEachCandidatePair` visits them. */
export function candidatePairs(passages: Passage[], options: IndexOptions = DEFAULT_INDEX_OPTIONS): [number, number][] {
  const out: [number, number][] = [];
  forEachCandidatePair(passages, options, (a, b) => out.push([a, b]));
  return out;
}

/** Position of `value` in an ascending list that holds it. */
function indexOf(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function overlapInOneDocument(p: Passage, q: Passage): boolean {
  return p.doc === q.doc && p.start < q.end && q.start < p.end;
}
