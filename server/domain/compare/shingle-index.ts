import type { Passage } from './types.js';
import { isContentWord } from './stopwords.js';
import { fnv1a32 } from './hash.js';

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
}

export const DEFAULT_INDEX_OPTIONS: IndexOptions = { maxPosting: 32, window: 4, minCommon: 200, commonShare: 0.005 };

/** The distinct shingles of a passage. */
export function shingles(p: Passage): number[] {
  const words = p.tokens.map((t) => t.norm).filter(isContentWord);
  const out = new Set<number>();
  for (let i = 0; i + 1 < words.length; i++) out.add(fnv1a32(`${words[i]} ${words[i + 1]}`));
  return [...out];
}

/**
 * Candidate pairs of passage indices [a, b] with a < b. Passages of the same document whose ranges
 * overlap (a quotation inside its sentence) are never paired.
 */
export function candidatePairs(passages: Passage[], options: IndexOptions = DEFAULT_INDEX_OPTIONS): [number, number][] {
  const postings = new Map<number, number[]>();
  passages.forEach((p, i) => {
    for (const s of shingles(p)) {
      const list = postings.get(s);
      if (list) list.push(i);
      else postings.set(s, [i]);
    }
  });
  const seen = new Set<number>();
  const out: [number, number][] = [];
  const pair = (a: number, b: number) => {
    const key = a * passages.length + b;
    if (seen.has(key) || overlapInOneDocument(passages[a], passages[b])) return;
    seen.add(key);
    out.push([a, b]);
  };
  const common = Math.max(options.minCommon, Math.ceil(options.commonShare * passages.length));
  for (const list of postings.values()) {
    if (list.length < 2 || list.length > common) continue;
    const reach = list.length <= options.maxPosting ? list.length : options.window + 1;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < Math.min(list.length, i + reach); j++) pair(list[i], list[j]);
    }
  }
  return out;
}

function overlapInOneDocument(p: Passage, q: Passage): boolean {
  return p.doc === q.doc && p.start < q.end && q.start < p.end;
}
