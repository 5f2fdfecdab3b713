import type { ChangeMap, Hunk } from './types.js';

/**
 * Offsets through a change map. All offsets are UTF-16 code units; "old" offsets index the text
 * before the revision, "new" offsets the text after it.
 */

/** Index of the last hunk whose `key` is at most (or, with `strict`, below) `value`; -1 if none. */
function lastAtOrBefore(hunks: Hunk[], key: 'oldStart' | 'newStart', value: number, strict: boolean): number {
  let lo = 0;
  let hi = hunks.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = hunks[mid][key];
    if (strict ? v < value : v <= value) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Where a span starting at old offset `p` starts in the new text. Text inserted exactly at `p`
 * falls before the span; if the character at `p` was replaced, the span starts where the
 * replacement starts.
 */
export function mapStart(map: ChangeMap, p: number): number {
  const i = lastAtOrBefore(map.hunks, 'oldStart', p, false);
  if (i === -1) return p;
  const h = map.hunks[i];
  return p < h.oldEnd ? h.newStart : p + (h.newEnd - h.oldEnd);
}

/**
 * Where a span ending at old offset `p` (exclusive) ends in the new text. Text inserted exactly at
 * `p` falls after the span; if the character before `p` was replaced, the span ends where the
 * replacement ends.
 */
export function mapEnd(map: ChangeMap, p: number): number {
  const i = lastAtOrBefore(map.hunks, 'oldStart', p, true);
  if (i === -1) return p;
  const h = map.hunks[i];
  return p < h.oldEnd ? h.newEnd : p + (h.newEnd - h.oldEnd);
}

/**
 * The best guess for where old offset `p` is now: exact in carried-over text, proportional inside
 * a replaced region (used as the position hint of a quote search).
 */
export function mapHint(map: ChangeMap, p: number): number {
  const i = lastAtOrBefore(map.hunks, 'oldStart', p, false);
  if (i === -1) return p;
  const h = map.hunks[i];
  if (p >= h.oldEnd) return p + (h.newEnd - h.oldEnd);
  const oldLen = h.oldEnd - h.oldStart;
  return h.newStart + Math.round(((p - h.oldStart) * (h.newEnd - h.newStart)) / oldLen);
}

/**
 * The hunks that change old[start, end): those that delete or replace a character of it, and
 * insertions strictly inside it (an insertion at either edge leaves the span's text as it was).
 */
export function hunksTouching(map: ChangeMap, start: number, end: number): Hunk[] {
  const out: Hunk[] = [];
  const from = Math.max(0, lastAtOrBefore(map.hunks, 'oldStart', start, false));
  for (let i = from; i < map.hunks.length && map.hunks[i].oldStart < end; i++) {
    const h = map.hunks[i];
    const insertion = h.oldStart === h.oldEnd;
    if (insertion ? h.oldStart > start : h.oldStart < end && h.oldEnd > start) out.push(h);
  }
  return out;
}

/**
 * The ranges of the new text that were carried over from old text outside `own` (an old range),
 * sorted: text that was already there before the revision and was not part of `own`. Runs shorter
 * than `minRun` are left out: a diff of a rewritten passage keeps a stray space, full stop or "the"
 * in common, which says nothing about where a passage came from.
 */
export function textFromElsewhere(map: ChangeMap, own: { start: number; end: number }, minRun = 1): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  let newPos = 0;
  let oldPos = 0;
  const gaps = [...map.hunks, { oldStart: map.oldLength, oldEnd: map.oldLength, newStart: map.newLength, newEnd: map.newLength }];
  for (const h of gaps) {
    // The gap [newPos, h.newStart) came from [oldPos, h.oldStart); only its part inside `own` is allowed.
    const keepFrom = Math.max(oldPos, own.start);
    const keepTo = Math.min(h.oldStart, own.end);
    const shift = newPos - oldPos;
    if (keepFrom < keepTo) {
      if (newPos < keepFrom + shift) found.push({ start: newPos, end: keepFrom + shift });
      if (keepTo + shift < h.newStart) found.push({ start: keepTo + shift, end: h.newStart });
    } else if (newPos < h.newStart) found.push({ start: newPos, end: h.newStart });
    newPos = h.newEnd;
    oldPos = h.oldEnd;
  }
  return found.filter((r) => r.end - r.start >= minRun);
}

/**
 * Where old[start, end) is now when edits changed it only inside: its first and last characters
 * were carried over (text inserted exactly at an edge stays outside, as in mapStart and mapEnd).
 * Gives the mapped range, the parts of the old span that were carried over, and `errors`: for each
 * edit inside, the longer of what it removed and what it wrote (an upper bound on the edit distance
 * between the old span and the new one). `null` when an edit deleted or replaced an end character.
 */
export function mapEditedInside(map: ChangeMap, start: number, end: number): { start: number; end: number; errors: number; kept: { start: number; end: number }[] } | null {
  if (end <= start || hunksTouching(map, start, start + 1).length > 0 || hunksTouching(map, end - 1, end).length > 0) return null;
  const kept: { start: number; end: number }[] = [];
  let errors = 0;
  let pos = start;
  for (const h of hunksTouching(map, start, end)) {
    if (pos < h.oldStart) kept.push({ start: pos, end: h.oldStart });
    errors += Math.max(h.oldEnd - h.oldStart, h.newEnd - h.newStart);
    pos = h.oldEnd;
  }
  kept.push({ start: pos, end });
  return { start: mapStart(map, start), end: mapEnd(map, end), errors, kept };
}
