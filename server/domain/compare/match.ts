import type { Passage, PassageMatch } from './types.js';
import { alignLocally } from './align.js';
import { isContentWord, NEGATIONS } from './stopwords.js';
import type { Token } from './tokens.js';

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

/** The match between two passages, or `null` when they do not render the same statement. */
export function matchPassages(p: Passage, q: Passage, ai: number, bi: number): PassageMatch | null {
  const al = alignLocally(p.tokens, q.tokens);
  if (!al || al.matchedContent < MATCH_THRESHOLDS.minContent) return null;
  const aLen = al.aTo - al.aFrom;
  const bLen = al.bTo - al.bFrom;
  if (al.matched / Math.max(aLen, bLen) < MATCH_THRESHOLDS.minDensity) return null;
  const coverage = al.matchedContent / Math.min(contentWords(p.tokens), contentWords(q.tokens));
  if (coverage < MATCH_THRESHOLDS.minCoverage) return null;
  if (negations(p.tokens, al.aFrom, al.aTo) !== negations(q.tokens, al.bFrom, al.bTo)) return null;
  return { a: ai, b: bi, aFrom: al.aFrom, aTo: al.aTo, bFrom: al.bFrom, bTo: al.bTo, matched: al.matched };
}

function contentWords(tokens: Token[]): number {
  let n = 0;
  for (const t of tokens) if (isContentWord(t.norm)) n++;
  return n;
}

function negations(tokens: Token[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (NEGATIONS.has(tokens[i].norm)) n++;
  return n;
}
