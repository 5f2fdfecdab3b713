import type { Label } from './types.js';
import { GOLD, layerOf } from './layers.js';

/**
 * Adjudication: the annotators' labels of one document aligned. A candidate is one (start, end,
 * type) that at least one annotator labelled; labels of several annotators with the same span and
 * type are merged into one candidate. Offsets are UTF-16 code units into the latest text.
 */
export interface Candidate {
  /** `start:end:type`, stable while the labels do not move. */
  key: string;
  start: number;
  end: number;
  type: string;
  exact: string;
  /** Every annotator label behind this candidate (one per annotator at most is usual). */
  labels: { labelId: string; annotator: string; speaker?: string; cue?: string; sourcing?: string }[];
  /** All annotators of the document labelled exactly this (and there are at least two). */
  agreed: boolean;
  /** A gold label with this span and type exists. */
  inGold: boolean;
  rejected: boolean;
}

/** Overlapping candidates, shown together: a region with one agreed candidate is agreement, anything else a disagreement. */
export interface Region {
  start: number;
  end: number;
  candidates: Candidate[];
  disagreement: boolean;
}

/** Aligns `labels` (every layer of one document); `rejected` holds candidate keys an editor rejected. */
export function alignCandidates(labels: Label[], rejected: ReadonlySet<string> = new Set()): { annotators: string[]; regions: Region[] } {
  const live = labels.filter((l) => l.anchor.state !== 'orphaned');
  const gold = new Set(live.filter((l) => layerOf(l) === GOLD).map((l) => `${l.start}:${l.end}:${l.type}`));
  const annotatorLabels = live.filter((l) => layerOf(l) !== GOLD);
  const annotators = [...new Set(annotatorLabels.map(layerOf))].sort();
  const byKey = new Map<string, Candidate>();
  for (const l of annotatorLabels) {
    const key = `${l.start}:${l.end}:${l.type}`;
    let c = byKey.get(key);
    if (!c) {
      c = { key, start: l.start, end: l.end, type: l.type, exact: l.quote.exact, labels: [], agreed: false, inGold: gold.has(key), rejected: rejected.has(key) };
      byKey.set(key, c);
    }
    c.labels.push({ labelId: l.id, annotator: layerOf(l), ...(l.speaker ? { speaker: l.speaker } : {}), ...(l.cue ? { cue: l.cue } : {}), ...(l.sourcing ? { sourcing: l.sourcing } : {}) });
  }
  const candidates = [...byKey.values()].sort((a, b) => a.start - b.start || a.end - b.end || a.type.localeCompare(b.type));
  for (const c of candidates) {
    const who = new Set(c.labels.map((x) => x.annotator));
    c.agreed = annotators.length >= 2 && annotators.every((a) => who.has(a));
    c.labels.sort((x, y) => x.annotator.localeCompare(y.annotator));
  }
  const regions: Region[] = [];
  for (const c of candidates) {
    const last = regions[regions.length - 1];
    if (last && c.start < last.end) {
      last.candidates.push(c);
      last.end = Math.max(last.end, c.end);
    } else regions.push({ start: c.start, end: c.end, candidates: [c], disagreement: false });
  }
  for (const r of regions) r.disagreement = !(r.candidates.length === 1 && r.candidates[0].agreed);
  return { annotators, regions };
}

/** Candidates every annotator agrees on and not yet in gold nor rejected: what "accept all agreed" takes. */
export function agreedCandidates(regions: Region[]): Candidate[] {
  return regions.flatMap((r) => r.candidates).filter((c) => c.agreed && !c.inGold && !c.rejected);
}
