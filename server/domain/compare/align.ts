/** Scores of the local alignment: a content word weighs more than a function word. */
export const ALIGN_SCORES = { contentMatch: 2, stopMatch: 0.5, mismatch: -1, gap: -0.6 } as const;

/** The best local alignment of two word runs; word index ranges are end exclusive. */
export interface Alignment {
  aFrom: number;
  aTo: number;
  bFrom: number;
  bTo: number;
  matched: number;
  matchedContent: number;
  score: number;
}

/** The score matrix, reused between calls (grown when needed): alignment is the hot loop. */
let matrix = new Float64Array(1024);

/**
 * Smith-Waterman local alignment over word ids: finds the stretch of `a` and the stretch of `b`
 * that agree best, allowing words to be changed, added or dropped. `content[id]` is 1 for a content
 * word. Cost O(|a|·|b|). `null` when nothing aligns.
 */
export function alignLocally(a: ArrayLike<number>, b: ArrayLike<number>, content: ArrayLike<number>): Alignment | null {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  const size = (n + 1) * width;
  if (matrix.length < size) matrix = new Float64Array(size * 2);
  const h = matrix;
  h.fill(0, 0, size);
  const score = (x: number, y: number) => (x !== y ? ALIGN_SCORES.mismatch : content[x] === 1 ? ALIGN_SCORES.contentMatch : ALIGN_SCORES.stopMatch);
  let best = 0;
  let bestAt = -1;
  for (let i = 1; i <= n; i++) {
    const ai = a[i - 1];
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= m; j++) {
      let v = h[prev + j - 1] + score(ai, b[j - 1]);
      const up = h[prev + j] + ALIGN_SCORES.gap;
      const left = h[row + j - 1] + ALIGN_SCORES.gap;
      if (up > v) v = up;
      if (left > v) v = left;
      if (v < 0) v = 0;
      h[row + j] = v;
      if (v > best) {
        best = v;
        bestAt = row + j;
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
    const x = a[i - 1];
    const y = b[j - 1];
    if (v === h[(i - 1) * width + j - 1] + score(x, y)) {
      if (x === y) {
        matched++;
        if (content[x] === 1) matchedContent++;
      }
      i--;
      j--;
    } else if (v === h[(i - 1) * width + j] + ALIGN_SCORES.gap) i--;
    else j--;
  }
  // A local alignment starts on a match right after a cell of score 0: that is where the walk stops.
  return { aFrom: i, aTo, bFrom: j, bTo, matched, matchedContent, score: best };
}
