import type { AnchorState } from '../types.js';

/**
 * One edited region between two texts: old[oldStart, oldEnd) became new[newStart, newEnd).
 * Offsets are UTF-16 code units. A pure insertion has oldStart === oldEnd, a pure deletion
 * newStart === newEnd. Everything between two hunks is text carried over unchanged.
 */
export interface Hunk {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/**
 * How finely the two texts were compared:
 * - `identical`: no change at all;
 * - `words`: every edit is known to the word;
 * - `coarse`: some regions were too different to diff within the budget and count as replaced whole;
 * - `none`: the texts were too different to diff at all: everything counts as replaced.
 */
export type DiffPrecision = 'identical' | 'words' | 'coarse' | 'none';

/** The edits between two texts, sorted by position (both old and new offsets increase). */
export interface ChangeMap {
  oldLength: number;
  newLength: number;
  hunks: Hunk[];
  precision: DiffPrecision;
}

/** How re-anchoring placed one label (offsets are UTF-16 into the new text). */
export interface LabelOutcome {
  id: string;
  type: string;
  state: AnchorState;
  /** `diff`, `diff-whitespace`, `quote-exact`, `quote-approx`, `none` (orphaned), or the label's earlier method when it was already waiting for review. */
  method: string;
  score?: number;
  /** Where the label was, in the old revision's text. */
  oldStart: number;
  oldEnd: number;
  oldExact: string;
  /** Where it is now, in the new revision's text; `start === end` for an orphaned label. */
  start: number;
  end: number;
  exact: string;
}

export type StateCounts = Record<AnchorState, number>;

/** What happened to every label when a revision replaced another. */
export interface ReanchorReport {
  fromRev: number;
  toRev: number;
  precision: DiffPrecision;
  counts: StateCounts;
  /** Labels re-found by quote search, waiting for a reviewer (state `fuzzy`). */
  needsReview: LabelOutcome[];
  orphaned: LabelOutcome[];
  /** Every label, in the order of the document's label list. */
  labels: LabelOutcome[];
}
