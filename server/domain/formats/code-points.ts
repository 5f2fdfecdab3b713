/**
 * Converts between UTF-16 offsets (JavaScript string indices, used everywhere inside Framewise) and
 * code point offsets (Unicode scalar values, used by brat, doccano, W3C TextPositionSelector and
 * CoNLL). Built once per text: a text without astral characters converts for free, others by a
 * binary search over the positions of their surrogate pairs.
 */
export class CodePointIndex {
  /** UTF-16 offsets of the high surrogate of every pair, ascending. */
  private readonly pairs: number[] = [];

  constructor(readonly text: string) {
    // A high surrogate followed by a low one, found by the regular expression engine (most texts have none).
    const pair = /[\uD800-\uDBFF](?=[\uDC00-\uDFFF])/g;
    for (let m = pair.exec(text); m; m = pair.exec(text)) this.pairs.push(m.index);
  }

  /** UTF-16 offsets of the high surrogate of every pair, ascending; empty when code point offsets equal UTF-16 offsets. */
  get pairOffsets(): readonly number[] {
    return this.pairs;
  }

  /** Length of the text in code points. */
  get length(): number {
    return this.text.length - this.pairs.length;
  }

  /** UTF-16 offset to code point offset (an offset inside a pair counts the pair as before it). */
  toCodePoint(utf16: number): number {
    return utf16 - this.pairsBefore(utf16 - 1);
  }

  /** Code point offset to UTF-16 offset; `null` when it is negative, fractional or past the end. */
  toUtf16(cp: number): number | null {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.length) return null;
    let lo = 0;
    let hi = this.pairs.length;
    // The number of pairs p with (pairs[p] - p) < cp: each such pair adds one extra code unit.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /** How many pairs start at a UTF-16 offset below `limit` (exclusive upper bound is limit + 1). */
  private pairsBefore(limit: number): number {
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid] < limit) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
