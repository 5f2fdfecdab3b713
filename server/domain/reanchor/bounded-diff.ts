import { diffLines, diffWordsWithSpace, type Change } from 'diff';
import type { ChangeMap, DiffPrecision, Hunk } from './types.js';
import { slideToBoundaries } from './slide.js';

/**
 * Bounds on the work one comparison may do. jsdiff's cost grows with the square of the number of
 * edits, so two unrelated texts must give up early: a character diff of two unrelated 20 KB texts
 * takes tens of seconds. Edit lengths count tokens (lines, then words and spaces).
 */
export interface DiffLimits {
  /** Most line edits tried by the first, paragraph-level pass. */
  maxLineEdits: number;
  /** Most word edits tried inside one changed run of lines. */
  maxWordEdits: number;
  /** Wall-clock budget for the whole comparison, in milliseconds. */
  budgetMs: number;
}

export const DEFAULT_DIFF_LIMITS: DiffLimits = { maxLineEdits: 1000, maxWordEdits: 2000, budgetMs: 300 };

/**
 * Compares two texts in three bounded passes: common prefix and suffix are set aside, the rest is
 * compared line by line (paragraphs), then each changed run of lines word by word. A run that
 * cannot be compared within the limits counts as replaced whole; if even the line pass gives up,
 * the whole middle does. Offsets in the result are UTF-16 code units; hunk boundaries never split
 * a surrogate pair.
 */
export function computeChangeMap(oldText: string, newText: string, limits: DiffLimits = DEFAULT_DIFF_LIMITS): ChangeMap {
  const base = { oldLength: oldText.length, newLength: newText.length };
  if (oldText === newText) return { ...base, hunks: [], precision: 'identical' };
  const deadline = Date.now() + limits.budgetMs;
  const prefix = commonPrefix(oldText, newText);
  const suffix = commonSuffix(oldText, newText, prefix);
  const oldMid = oldText.slice(prefix, oldText.length - suffix);
  const newMid = newText.slice(prefix, newText.length - suffix);
  const whole: Hunk = { oldStart: prefix, oldEnd: prefix + oldMid.length, newStart: prefix, newEnd: prefix + newMid.length };
  if (oldMid === '' || newMid === '') return { ...base, hunks: slideToBoundaries([whole], oldText, newText), precision: 'words' };

  const lines = diffLines(oldMid, newMid, { maxEditLength: limits.maxLineEdits, timeout: remaining(deadline) });
  if (!lines) return { ...base, hunks: [whole], precision: 'none' };

  let precision: DiffPrecision = 'words';
  const hunks: Hunk[] = [];
  for (const run of hunksOf(lines, prefix, prefix)) {
    const oldRun = oldText.slice(run.oldStart, run.oldEnd);
    const newRun = newText.slice(run.newStart, run.newEnd);
    const words = oldRun && newRun && remaining(deadline) > 0
      ? diffWordsWithSpace(oldRun, newRun, { maxEditLength: limits.maxWordEdits, timeout: remaining(deadline) })
      : undefined;
    if (words) hunks.push(...hunksOf(words, run.oldStart, run.newStart));
    else {
      if (oldRun && newRun) precision = 'coarse';
      hunks.push(run);
    }
  }
  const exactHunks = mergeTouching(hunks.map((h) => avoidSplitPairs(h, oldText, newText)));
  return { ...base, hunks: mergeTouching(slideToBoundaries(exactHunks, oldText, newText)), precision };
}

/** Milliseconds left before the deadline, at least 0 (jsdiff then stops at its first check). */
function remaining(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}

/**
 * Turns a jsdiff change list into hunks, offsets counted from `oldOffset`/`newOffset`. Adjacent
 * removed and added parts form one hunk; common parts advance both positions.
 */
export function hunksOf(changes: Change[], oldOffset: number, newOffset: number): Hunk[] {
  const out: Hunk[] = [];
  let oldPos = oldOffset;
  let newPos = newOffset;
  let open: Hunk | null = null;
  for (const c of changes) {
    if (!c.added && !c.removed) {
      if (open) out.push(open);
      open = null;
      oldPos += c.value.length;
      newPos += c.value.length;
      continue;
    }
    open ??= { oldStart: oldPos, oldEnd: oldPos, newStart: newPos, newEnd: newPos };
    if (c.removed) oldPos = open.oldEnd = oldPos + c.value.length;
    else newPos = open.newEnd = newPos + c.value.length;
  }
  if (open) out.push(open);
  return out;
}

function commonPrefix(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i > 0 && isHighSurrogate(a.charCodeAt(i - 1))) i--;
  return i;
}

/** Length of the common suffix, not reaching into the first `prefix` characters of either text. */
function commonSuffix(a: string, b: string, prefix: number): number {
  const max = Math.min(a.length, b.length) - prefix;
  let i = 0;
  while (i < max && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  if (i > 0 && isLowSurrogate(a.charCodeAt(a.length - i))) i--;
  return i;
}

/** Widens a hunk by one code unit where a boundary falls inside a surrogate pair (word diffs of emoji). */
function avoidSplitPairs(h: Hunk, oldText: string, newText: string): Hunk {
  const out = { ...h };
  if (out.oldStart > 0 && out.newStart > 0 && (isLowSurrogate(oldText.charCodeAt(out.oldStart)) || isLowSurrogate(newText.charCodeAt(out.newStart)))) {
    out.oldStart--;
    out.newStart--;
  }
  if (out.oldEnd < oldText.length && out.newEnd < newText.length && (isLowSurrogate(oldText.charCodeAt(out.oldEnd)) || isLowSurrogate(newText.charCodeAt(out.newEnd)))) {
    out.oldEnd++;
    out.newEnd++;
  }
  return out;
}

/** Joins hunks that overlap or touch, so hunks are always separated by carried-over text. */
function mergeTouching(hunks: Hunk[]): Hunk[] {
  const out: Hunk[] = [];
  for (const h of hunks) {
    const last = out[out.length - 1];
    if (last && h.oldStart <= last.oldEnd && h.newStart <= last.newEnd) {
      last.oldEnd = Math.max(last.oldEnd, h.oldEnd);
      last.newEnd = Math.max(last.newEnd, h.newEnd);
    } else out.push({ ...h });
  }
  return out;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
