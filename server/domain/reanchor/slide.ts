import type { Hunk } from './types.js';
import { splitsSurrogatePair } from '../text.js';

/** How far (UTF-16 code units) a pure insertion or deletion may be slid either way. */
const MAX_SLIDE = 64;

/**
 * Slides each pure insertion and pure deletion to the equivalent position whose edges fall on the
 * best boundaries (blank line, line break, sentence end, space, punctuation), as diff-match-patch's
 * semantic clean-up does. A diff may put an inserted sentence `. "Quote," she said` just before a
 * full stop instead of `"Quote," she said.` after it: the two are the same edit, but only the
 * second leaves the previous sentence, and a label on it, untouched. Offsets are UTF-16.
 */
export function slideToBoundaries(hunks: Hunk[], oldText: string, newText: string): Hunk[] {
  return hunks.map((h, i) => {
    const prev = hunks[i - 1];
    const next = hunks[i + 1];
    if (h.oldStart === h.oldEnd && h.newStart < h.newEnd) {
      const best = bestSlide(newText, h.newStart, h.newEnd, prev ? prev.newEnd : 0, next ? next.newStart : newText.length);
      return { oldStart: h.oldStart + best, oldEnd: h.oldEnd + best, newStart: h.newStart + best, newEnd: h.newEnd + best };
    }
    if (h.newStart === h.newEnd && h.oldStart < h.oldEnd) {
      const best = bestSlide(oldText, h.oldStart, h.oldEnd, prev ? prev.oldEnd : 0, next ? next.oldStart : oldText.length);
      return { oldStart: h.oldStart + best, oldEnd: h.oldEnd + best, newStart: h.newStart + best, newEnd: h.newEnd + best };
    }
    return h;
  });
}

/**
 * The shift (negative: left) that moves text[start, end) to its best-scoring equivalent position,
 * staying within [min, max) (the carried-over text around it). 0 when no shift scores better.
 */
function bestSlide(text: string, start: number, end: number, min: number, max: number): number {
  let left = 0;
  while (left < MAX_SLIDE && start - left - 1 >= min && text.charCodeAt(start - left - 1) === text.charCodeAt(end - left - 1)) left++;
  let right = 0;
  while (right < MAX_SLIDE && end + right < max && text.charCodeAt(start + right) === text.charCodeAt(end + right)) right++;
  let best = 0;
  let bestScore = -1;
  for (let shift = -left; shift <= right; shift++) {
    const s = start + shift;
    const e = end + shift;
    if (splitsSurrogatePair(text, s) || splitsSurrogatePair(text, e)) continue;
    // On a tie, whole lines are moved with their own line break rather than the previous one's.
    const score = 2 * (edgeScore(text, s) + edgeScore(text, e)) + (text[e - 1] === '\n' ? 1 : 0);
    if (score > bestScore) {
      best = shift;
      bestScore = score;
    }
  }
  return best;
}

/** How good a boundary offset `at` of `text` is: 6 at the text's edge down to 0 inside a word. */
function edgeScore(text: string, at: number): number {
  if (at <= 0 || at >= text.length) return 6;
  const a = text[at - 1];
  const b = text[at];
  const alnum = /[\p{L}\p{N}]/u;
  const space = /\s/;
  if ((a === '\n' && b === '\n') || (at >= 2 && text[at - 2] === '\n' && a === '\n')) return 5;
  if (a === '\n' || b === '\n') return 4;
  if (!alnum.test(a) && !space.test(a) && space.test(b)) return 3;
  if (space.test(a) || space.test(b)) return 2;
  if (!alnum.test(a) || !alnum.test(b)) return 1;
  return 0;
}
