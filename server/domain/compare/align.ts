import type { Token } from './tokens.js';
import { isContentWord } from './stopwords.js';

/** Scores of the local alignment: a content word weighs more than a function word. */
export const ALIGN_SCORES = { contentMatch: 2, stopMatch: 0.5, mismatch: -1, gap: -0.6 } as const;

/** The best local alignment of two token runs; token index ranges are end exclusive. */
export interface Alignment {
  aFrom: number;
  aTo: number;
  bFrom: number;
  bTo: number;
  matched: number;
  matchedContent: number;
  score: number;
}

/**
 * Smith-Waterman local alignment over normalised words: finds the stretch of `a` and the stretch
 * of `b` that agree best, allowing words to be changed, added or dropped. Cost O(|a|·|b|).
 * `null` when nothing aligns.
 */
export function alignLocally(a: Token[], b: Token[]): Alignment | null {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const h = new Float64Array((n + 1) * width);
  let best = 0;
  let bestAt = -1;
  for (let i = 1; i <= n; i++) {
    const an = a[i - 1].norm;
    for (let j = 1; j <= m; j++) {
      const diag = h[(i - 1) * width + j - 1] + matchScore(an, b[j - 1].norm);
      const up = h[(i - 1) * width + j] + ALIGN_SCORES.gap;
      const left = h[i * width + j - 1] + ALIGN_SCORES.gap;
      const v = Math.max(0, diag, up, left);
      h[i * width + j] = v;
      if (v > best) {
        best = v;
        bestAt = i * width + j;
      }
    }
  }
  if (bestAt < 0) return null;
  let i = Math.floor(bestAt / width);
  let j = bestAt % width;
  const aTo = i;
  const bTo = j;
  let matched = 0;
  let matchedContent = 0;
  while (i > 0 && j > 0 && h[i * width + j] > 0) {
    const v = h[i * width + j];
    const an = a[i - 1].norm;
    const bn = b[j - 1].norm;
    if (v === h[(i - 1) * width + j - 1] + matchScore(an, bn)) {
      if (an === bn) {
        matched++;
        if (isContentWord(an)) matchedContent++;
      }
      i--;
      j--;
    } else if (v === h[(i - 1) * width + j] + ALIGN_SCORES.gap) i--;
    else j--;
  }
  // A local alignment starts on a match right after a cell of score 0: that is where the walk stops.
  return { aFrom: i, aTo, bFrom: j, bTo, matched, matchedContent, score: best };
}

function matchScore(x: string, y: string): number {
  if (x !== y) return ALIGN_SCORES.mismatch;
  return isContentWord(x) ? ALIGN_SCORES.contentMatch : ALIGN_SCORES.stopMatch;
}
