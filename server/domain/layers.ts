import type { DocumentRecord, Label } from './types.js';

/**
 * Layers: every label belongs to one. `gold` is the adjudicated layer; any other layer is an
 * annotator's, named by their username. Labels stored before layers existed belong to their
 * annotator's layer.
 */
export const GOLD = 'gold';

/** The layer a label belongs to. */
export function layerOf(label: Pick<Label, 'annotator'> & { layer?: string }): string {
  return label.layer ?? label.annotator;
}

/** `gold`, `annotator:NAME` or `all`, as the `layer=` export parameter gives it; absent means the default. */
export type LayerChoice = { kind: 'gold' } | { kind: 'annotator'; name: string } | { kind: 'all' };

/** Parses `layer=`; null when the value is not one of the three forms. */
export function parseLayerChoice(value: string): LayerChoice | null {
  if (value === 'gold') return { kind: 'gold' };
  if (value === 'all') return { kind: 'all' };
  const m = /^annotator:(.+)$/.exec(value);
  return m ? { kind: 'annotator', name: m[1] } : null;
}

export function hasGold(doc: Pick<DocumentRecord, 'labels'>): boolean {
  return doc.labels.some((l) => layerOf(l) === GOLD);
}

/**
 * The labels an export of `doc` keeps. Default (no choice): the gold layer where the document has
 * one, else every layer (each label names its annotator). `gold` on a document without gold gives
 * no labels.
 */
export function labelsOfLayer(doc: Pick<DocumentRecord, 'labels'>, choice: LayerChoice | null): Label[] {
  const kind = choice?.kind ?? (hasGold(doc) ? 'gold' : 'all');
  if (kind === 'all') return doc.labels;
  if (kind === 'gold') return doc.labels.filter((l) => layerOf(l) === GOLD);
  const name = (choice as { name: string }).name;
  return doc.labels.filter((l) => layerOf(l) === name);
}

/** The document with only the labels of the chosen layer (a copy). */
export function withLayer(doc: DocumentRecord, choice: LayerChoice | null): DocumentRecord {
  return { ...doc, labels: labelsOfLayer(doc, choice) };
}

/**
 * The labels statistics (outlets, speakers) count for one document: the gold layer where there is
 * one, else ONE annotator's labels (the annotator with most labels; ties go to the first name in
 * alphabetical order), never the sum of several annotators' labels of the same claims.
 */
export function statisticsLabels(doc: Pick<DocumentRecord, 'labels'>): Label[] {
  if (hasGold(doc)) return doc.labels.filter((l) => layerOf(l) === GOLD);
  const counts = new Map<string, number>();
  for (const l of doc.labels) counts.set(layerOf(l), (counts.get(layerOf(l)) ?? 0) + 1);
  let best: string | null = null;
  for (const [name, n] of counts) {
    const bestN = best === null ? -1 : counts.get(best)!;
    if (n > bestN || (n === bestN && name < best!)) best = name;
  }
  return best === null ? [] : doc.labels.filter((l) => layerOf(l) === best);
}

/** Annotator layers present on a document (not gold), by name. */
export function annotatorLayers(doc: Pick<DocumentRecord, 'labels'>): string[] {
  return [...new Set(doc.labels.map(layerOf).filter((n) => n !== GOLD))].sort();
}
