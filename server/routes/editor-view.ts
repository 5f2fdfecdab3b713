import { latestRevision, SOURCINGS, type DocumentRecord, type Label, type LabelTypeDef } from '../domain/types.js';
import { assignLanes, segmentText, splitIntoParts, type PartLimits } from '../domain/segments.js';
import { historyLines } from '../domain/history.js';
import { typeName } from '../domain/label-types.js';
import { GOLD, laneOrder, layerOf, parseLayerFilter } from '../domain/layers.js';
import { roleAtLeast } from '../auth/roles.js';
import type { Request } from 'express';
import '../auth/types.js';
import type { Suggestion } from '../domain/suggestions.js';

/**
 * The editor draws a long text in parts so a page stays small (README, "Limits"): a part holds at
 * most 30,000 characters of text and 300 labels starting in it, which keeps the page under about
 * 1.5 MB of HTML however long the document is. Orphaned labels and suggestions are listed up to the
 * same 300 per page.
 */
export const EDITOR_PART_LIMITS: PartLimits = { maxChars: 30_000, maxLabels: 300 };

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

/** How a layer is named on the page: "gold layer", "alice's layer". */
export const layerTitle = (layer: string) => (layer === GOLD ? 'gold layer' : `${layer}’s layer`);

/** What a screen reader says for a label: type, layer (when lanes are shown), speaker, state and the first words. */
function announce(l: Label, types: LabelTypeDef[], withLayer: boolean): string {
  const state = l.anchor.state === 'fuzzy' ? ', needs review' : l.anchor.state === 'orphaned' ? ', orphaned: its words are gone' : '';
  const words = l.quote.exact.length > 80 ? `${l.quote.exact.slice(0, 79)}…` : l.quote.exact;
  return `${typeName(types, l.type)}${withLayer ? `, ${layerTitle(layerOf(l))}` : ''}${l.speaker ? `, speaker ${l.speaker}` : ''}${state}: “${words}”`;
}

/**
 * Editors and admins see every layer in lanes: `chosen` are the layers the filter keeps (`null`:
 * all). Annotators get no lanes (under blind labelling they see only their own layer anyway).
 */
export interface LaneOptions {
  chosen: string[] | null;
}

/** The lanes of a request: editors and admins get them, filtered by `?layers=`; others none. */
export function lanesFor(req: Request): LaneOptions | null {
  return req.user && roleAtLeast(req.user.role, 'editor') ? { chosen: parseLayerFilter(req.query.layers) } : null;
}

/** The words each label had before the latest revision moved it, from the revision events. */
function oldWords(doc: DocumentRecord, ids: Set<string>): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = doc.events.length - 1; i >= 0 && out.size < ids.size; i--) {
    const e = doc.events[i];
    if (e.kind !== 'revision.created') continue;
    const after = e.after as { needsReview?: { id: string; oldExact?: string }[] } | undefined;
    for (const o of after?.needsReview ?? []) if (ids.has(o.id) && !out.has(o.id) && o.oldExact !== undefined) out.set(o.id, o.oldExact);
  }
  return out;
}

/** Everything the editor templates need, computed here so the views stay free of logic. */
export function editorView(doc: DocumentRecord, types: LabelTypeDef[], user: string, speakers: string[], suggestions: Suggestion[] = [], partNumber = 1, lanes: LaneOptions | null = null) {
  const latest = latestRevision(doc);
  const order = laneOrder(doc.labels);
  const keep = lanes?.chosen ? new Set(lanes.chosen) : null;
  const labels = doc.labels.filter((l) => !keep || keep.has(layerOf(l))).sort((a, b) => a.start - b.start || b.end - a.end);
  const anchored = labels.filter((l) => l.anchor.state !== 'orphaned');
  const orphanedAll = labels.filter((l) => l.anchor.state === 'orphaned');
  const parts = splitIntoParts(latest.text, anchored.map((l) => l.start), EDITOR_PART_LIMITS);
  const partIndex = Math.min(Math.max(1, Math.floor(partNumber) || 1), parts.length) - 1;
  const win = parts[partIndex];
  const inWindow = (s: { start: number; end: number }) => s.end > win.start && s.start < win.end;
  const shown = anchored.filter(inWindow);
  const underlines = assignLanes(shown);
  const byId = new Map<string, Label>(shown.map((l) => [l.id, l]));
  const shownSuggestions = suggestions.filter(inWindow).slice(0, EDITOR_PART_LIMITS.maxLabels);
  const suggestionSpans = shownSuggestions.map((sg) => ({ id: `sugg:${sg.id}`, start: sg.start, end: sg.end }));
  const paragraphs = segmentText(latest.text, [...shown, ...suggestionSpans], win).map((p) => ({
    ...p,
    segments: p.segments.map((s) => ({
      ...s,
      suggestions: s.spanIds.filter((id) => id.startsWith('sugg:')).map((id) => id.slice('sugg:'.length)),
      layers: s.spanIds
        .filter((id) => byId.has(id))
        .map((id) => ({ id, type: byId.get(id)!.type, layer: layerOf(byId.get(id)!), lane: Math.min(underlines.get(id)!, 5), needsReview: byId.get(id)!.anchor.state === 'fuzzy' }))
        .sort((a, b) => b.lane - a.lane),
    })),
  }));
  const orphaned = orphanedAll.slice(0, EDITOR_PART_LIMITS.maxLabels);
  const fuzzy = shown.filter((l) => l.anchor.state === 'fuzzy');
  const filterQuery = lanes?.chosen ? `layers=${lanes.chosen.map(encodeURIComponent).join(',')}` : '';
  const partHref = (n: number) => {
    const q = [n > 1 ? `part=${n}` : '', filterQuery].filter(Boolean).join('&');
    return `/documents/${encodeURIComponent(doc.id)}${q ? `?${q}` : ''}`;
  };
  const listed = [...shown, ...orphaned];
  const layerView = lanes
    ? {
        /** Every layer of the document, with its label count and whether the filter shows it. */
        layers: order.map((name) => ({ name, title: layerTitle(name), count: doc.labels.filter((l) => layerOf(l) === name).length, shown: !keep || keep.has(name) })),
        filtered: keep !== null,
        /** Unknown names in the filter: said on the page, never an error. */
        unknown: (lanes.chosen ?? []).filter((n) => !order.includes(n)),
        /** The listed labels by lane: gold, then each annotator; lanes with nothing listed are left out. */
        groups: order.map((name) => ({ layer: name, title: layerTitle(name), labels: listed.filter((l) => layerOf(l) === name) })).filter((g) => g.labels.length > 0),
        allLabels: doc.labels.length,
      }
    : null;
  return {
    title: doc.meta.title,
    mainClass: 'wide',
    skipTo: { href: '#article-text', text: 'Skip to the text' },
    doc,
    rev: latest.rev,
    user,
    types,
    typeName: (id: string) => typeName(types, id),
    aOrAn: article,
    announce: (l: Label) => announce(l, types, lanes !== null),
    layerOf,
    /** Lanes and the layer filter (editors and admins), else null. */
    layerView,
    sourcings: SOURCINGS,
    speakers,
    /** Labels drawn in this part, in text order, then the orphans: the j/k order. */
    labels: shown,
    /** Every label of the document, orphans included: the one count shown everywhere. */
    totalLabels: labels.length,
    needsReview: anchored.filter((l) => l.anchor.state === 'fuzzy').length,
    orphaned,
    orphanedTotal: orphanedAll.length,
    oldWords: oldWords(doc, new Set(fuzzy.map((l) => l.id))),
    history: historyLines(doc.events, types, 50),
    paragraphs,
    suggestions: shownSuggestions,
    suggestionsTotal: suggestions.length,
    part: { number: partIndex + 1, count: parts.length, start: win.start, end: win.end, length: latest.text.length, prev: partIndex > 0 ? partHref(partIndex) : null, next: partIndex + 1 < parts.length ? partHref(partIndex + 2) : null },
  };
}
