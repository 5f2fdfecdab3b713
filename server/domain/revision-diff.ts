import type { DocumentRecord, Label } from './types.js';
import { latestRevision } from './types.js';
import { computeChangeMap } from './reanchor/bounded-diff.js';
import type { DiffPrecision, Hunk } from './reanchor/types.js';
import { assignLanes, segmentText } from './segments.js';

/**
 * What changed between two revisions of a document, for display and for the diff API: the text,
 * word by word (the same bounded diff that re-anchoring uses), and the labels. Offsets are UTF-16
 * code units into the `from` text (`oldStart`) and the `to` text (`newStart`).
 */

export interface DiffPart {
  op: 'equal' | 'delete' | 'insert';
  text: string;
  oldStart: number;
  newStart: number;
}

export interface TextDiff {
  precision: DiffPrecision;
  hunks: Hunk[];
  parts: DiffPart[];
}

/** The labels as they stood on revision `rev`: its snapshot, or the current labels for the latest; `null` for an unknown rev. */
export function labelsAtRevision(doc: DocumentRecord, rev: number): Label[] | null {
  const revision = doc.revisions[rev - 1];
  if (!revision || revision.rev !== rev) return null;
  if (rev === latestRevision(doc).rev) return doc.labels;
  return revision.labels ?? [];
}

/** Word-level diff of two texts as parts in reading order: equal text, then deleted and inserted text of each hunk. */
export function textDiff(oldText: string, newText: string): TextDiff {
  const map = computeChangeMap(oldText, newText);
  const parts: DiffPart[] = [];
  let oldPos = 0;
  let newPos = 0;
  for (const h of map.hunks) {
    if (h.oldStart > oldPos) parts.push({ op: 'equal', text: oldText.slice(oldPos, h.oldStart), oldStart: oldPos, newStart: newPos });
    if (h.oldEnd > h.oldStart) parts.push({ op: 'delete', text: oldText.slice(h.oldStart, h.oldEnd), oldStart: h.oldStart, newStart: h.newStart });
    if (h.newEnd > h.newStart) parts.push({ op: 'insert', text: newText.slice(h.newStart, h.newEnd), oldStart: h.oldEnd, newStart: h.newStart });
    oldPos = h.oldEnd;
    newPos = h.newEnd;
  }
  if (oldPos < oldText.length) parts.push({ op: 'equal', text: oldText.slice(oldPos), oldStart: oldPos, newStart: newPos });
  return { precision: map.precision, hunks: map.hunks, parts };
}

export type LabelChangeKind = 'added' | 'removed' | 'moved' | 'retyped' | 'text-changed' | 'orphaned' | 're-found' | 'attributes-changed';

export interface LabelSide {
  type: string;
  start: number;
  end: number;
  /** The labelled text on that revision (the old text for an orphaned label). */
  exact: string;
  state: Label['anchor']['state'];
}

export interface LabelChange {
  id: string;
  kinds: LabelChangeKind[];
  from: LabelSide | null;
  to: LabelSide | null;
}

/**
 * How the labels differ between two revisions, matched by label id, in the order of the `to`
 * labels then the removed ones. Labels identical on both sides are left out.
 */
export function labelChanges(fromLabels: Label[], toLabels: Label[]): LabelChange[] {
  const before = new Map(fromLabels.map((l) => [l.id, l]));
  const after = new Map(toLabels.map((l) => [l.id, l]));
  const out: LabelChange[] = [];
  for (const to of toLabels) {
    const from = before.get(to.id);
    const kinds = from ? kindsOf(from, to) : (['added'] as LabelChangeKind[]);
    if (kinds.length) out.push({ id: to.id, kinds, from: from ? sideOf(from) : null, to: sideOf(to) });
  }
  for (const from of fromLabels) {
    if (!after.has(from.id)) out.push({ id: from.id, kinds: ['removed'], from: sideOf(from), to: null });
  }
  return out;
}

function kindsOf(from: Label, to: Label): LabelChangeKind[] {
  const kinds: LabelChangeKind[] = [];
  const wasOrphan = from.anchor.state === 'orphaned';
  const isOrphan = to.anchor.state === 'orphaned';
  if (!wasOrphan && isOrphan) kinds.push('orphaned');
  if (wasOrphan && !isOrphan) kinds.push('re-found');
  if (!wasOrphan && !isOrphan) {
    if (from.quote.exact !== to.quote.exact) kinds.push('text-changed');
    if (from.start !== to.start || from.end !== to.end) kinds.push('moved');
  }
  if (from.type !== to.type) kinds.push('retyped');
  if ((['speaker', 'cue', 'sourcing', 'note'] as const).some((k) => from[k] !== to[k])) kinds.push('attributes-changed');
  return kinds;
}

function sideOf(l: Label): LabelSide {
  return { type: l.type, start: l.start, end: l.end, exact: l.quote.exact, state: l.anchor.state };
}

/** One drawn run of text: its labels (outermost first, with lanes) and whether the diff marks it. */
export interface DrawnSegment {
  start: number;
  end: number;
  text: string;
  marked: boolean;
  layers: { id: string; type: string; lane: number; needsReview: boolean }[];
}

/**
 * One side of a side-by-side diff: the text cut into paragraphs and segments at every label and
 * marked-range boundary, so the view can draw the labels as the editor does and highlight the
 * deleted (or inserted) words. Orphaned labels have no span and are not drawn.
 */
export function drawSide(text: string, labels: Label[], marks: { start: number; end: number }[]): { start: number; end: number; segments: DrawnSegment[] }[] {
  const anchored = labels.filter((l) => l.anchor.state !== 'orphaned' && l.end > l.start);
  const lanes = assignLanes(anchored);
  const byId = new Map(anchored.map((l) => [l.id, l]));
  const markSpans = marks.filter((m) => m.end > m.start).map((m, i) => ({ id: `\u0000mark${i}`, start: m.start, end: m.end }));
  return segmentText(text, [...anchored, ...markSpans]).map((p) => ({
    start: p.start,
    end: p.end,
    segments: p.segments.map((s) => ({
      start: s.start,
      end: s.end,
      text: s.text,
      marked: s.spanIds.some((id) => id.startsWith('\u0000mark')),
      layers: s.spanIds
        .filter((id) => byId.has(id))
        .map((id) => ({ id, type: byId.get(id)!.type, lane: lanes.get(id)!, needsReview: byId.get(id)!.anchor.state === 'fuzzy' }))
        .sort((a, b) => b.lane - a.lane),
    })),
  }));
}
