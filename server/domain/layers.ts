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

/** Event kinds that tell about labels or suggestions: under blind labelling, kept only when they are the viewer's own. */
const LABEL_WORK = /^(label|suggestion|adjudication)\./;

/**
 * `doc` as the owner of `layer` sees it under blind labelling: their labels only (current ones and
 * superseded revisions' snapshots), the history of their own labels and rejections only, each
 * revision's re-anchoring report cut to their labels (counts recomputed), and only the suggestions
 * they rejected themselves hidden. Document and revision events stay. A copy; `doc` is unchanged.
 */
export function onlyLayer(doc: DocumentRecord, layer: string): DocumentRecord {
  const mine = (l: Pick<Label, 'annotator'> & { layer?: string }) => layerOf(l) === layer;
  const ids = new Set<string>();
  for (const l of doc.labels) if (mine(l)) ids.add(l.id);
  for (const r of doc.revisions) for (const l of r.labels ?? []) if (mine(l)) ids.add(l.id);
  for (const e of doc.events) if (e.labelId && e.actor === layer && e.kind.startsWith('label.')) ids.add(e.labelId);
  const events = doc.events
    .filter((e) => !LABEL_WORK.test(e.kind) || (e.kind === 'label.reanchored' ? ids.has(e.labelId ?? '') : e.actor === layer && (!e.labelId || ids.has(e.labelId))))
    .map((e) => (e.kind === 'revision.created' && e.after ? { ...e, after: reportOf(doc, e.rev ?? 0, e.after as RevisionReport, ids) } : e));
  const rejected = new Set(doc.rejectedSuggestions ?? []);
  const ownRejections = events.filter((e) => e.kind === 'suggestion.rejected').map((e) => e.after as { type: string; exact: string }).map((s) => `${s.type}|${s.exact}`);
  return {
    ...doc,
    labels: doc.labels.filter(mine).map(asTyped),
    revisions: doc.revisions.map((r) => (r.labels ? { ...r, labels: r.labels.filter(mine).map(asTyped) } : r)),
    events,
    ...(doc.rejectedSuggestions ? { rejectedSuggestions: [...new Set(ownRejections.filter((k) => rejected.has(k)))] } : {}),
  };
}

/**
 * A label with the speaker as its annotator typed it: the speaker entity it was matched to may have
 * been named by another annotator's label (entities are shared), so its name and id are left out.
 */
function asTyped(label: Label): Label {
  const { speakerId: _id, speakerAs, ...rest } = label as Label & { speakerId?: string; speakerAs?: string };
  return speakerAs ? { ...rest, speaker: speakerAs } : (rest as Label);
}

/** What a `revision.created` event keeps of its re-anchoring report (services/revisions.ts). */
interface RevisionReport {
  counts?: Record<string, number>;
  needsReview?: { id: string }[];
  orphaned?: { id: string }[];
  [key: string]: unknown;
}

/** A revision's report about the labels in `ids` only: lists filtered, counts recomputed from their events. */
function reportOf(doc: DocumentRecord, rev: number, report: RevisionReport, ids: Set<string>): RevisionReport {
  const before = (doc.revisions[rev - 2]?.labels ?? []).filter((l) => ids.has(l.id));
  const counts: Record<string, number> = Object.fromEntries(Object.keys(report.counts ?? {}).map((k) => [k, 0]));
  const changed = doc.events.filter((e) => e.kind === 'label.reanchored' && e.rev === rev && ids.has(e.labelId ?? ''));
  for (const e of changed) {
    const state = (e.after as { anchor?: { state?: string } } | undefined)?.anchor?.state ?? 'orphaned';
    counts[state] = (counts[state] ?? 0) + 1;
  }
  counts.exact = Math.max(0, before.length - changed.length);
  return {
    ...report,
    counts,
    ...(report.needsReview ? { needsReview: report.needsReview.filter((o) => ids.has(o.id)) } : {}),
    ...(report.orphaned ? { orphaned: report.orphaned.filter((o) => ids.has(o.id)) } : {}),
  };
}

/** Most layer names a `?layers=` filter takes; more are ignored. */
export const MAX_LAYER_FILTER = 100;

/**
 * The editor's layer filter, `?layers=gold,alice` or the form's repeated `layers=`: the names to
 * show, in the order given, without repeats; `null` (show every layer) when absent or empty.
 */
export function parseLayerFilter(value: unknown): string[] | null {
  const raw = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const names = [...new Set(raw.flatMap((v) => v.split(',')).map((n) => n.trim()).filter((n) => n !== '' && n.length <= 100))].slice(0, MAX_LAYER_FILTER);
  return names.length ? names : null;
}

/** The layers of a document in lane order: gold first, then each annotator by name. */
export function laneOrder(labels: Pick<Label, 'annotator' | 'layer'>[]): string[] {
  const names = [...new Set(labels.map(layerOf))];
  return [...(names.includes(GOLD) ? [GOLD] : []), ...names.filter((n) => n !== GOLD).sort((a, b) => a.localeCompare(b))];
}
