import type { Label } from '../types.js';
import type { CorpusDocument, Rendering, RenderingLabel, StatementCluster } from './types.js';
import type { Region } from './group-regions.js';
import { enclosingSentences, sentences, type TextRange } from './sentences.js';
import { isInsideQuote, quotedRanges } from './quotes.js';
import { pickReference } from './reference.js';
import { wordDiff } from './word-diff.js';
import { tokenize } from './tokens.js';
import { hashHex64 } from './hash.js';
import { ownString } from './compact-document.js';

/** Sentences and quotations of a document, computed once per document that has a rendering. */
export interface DocumentLayout {
  sentences: TextRange[];
  quotes: TextRange[];
  /** The document's labels sorted by start, built on first need when it has many (see bestLabel). */
  labelsByStart?: LabelsByStart;
}

/** Labels of one document sorted by start (UTF-16), with their place in the document's list and the longest span. */
export interface LabelsByStart {
  labels: Label[];
  order: Int32Array;
  longest: number;
}

/** Past this many labels, a document's labels are looked up by position instead of scanned for every rendering. */
export const LABELS_SCANNED = 64;

export function layoutOf(text: string): DocumentLayout {
  return { sentences: sentences(text), quotes: quotedRanges(text) };
}

/** A label covers a rendering when they overlap by at least half of the shorter of the two. */
const LABEL_OVERLAP = 0.5;

/** One statement, ready to show: its renderings with context, labels, the reference and the diffs. */
export function buildCluster(docs: CorpusDocument[], regions: Region[], layout: (doc: number) => DocumentLayout): StatementCluster {
  const base = regions.map((r) => {
    const doc = docs[r.doc];
    const layoutOfDoc = layout(r.doc);
    const { sentences: all, quotes } = layoutOfDoc;
    const context = enclosingSentences(all, r.start, r.end);
    const label = doc.labels.length > LABELS_SCANNED ? bestLabelBySpan((layoutOfDoc.labelsByStart ??= labelsByStart(doc.labels)), r.start, r.end) : bestLabel(doc.labels, r.start, r.end);
    return {
      doc,
      start: r.start,
      end: r.end,
      // Own copies: a slice would keep the document's whole text alive with the statement (compact-document.ts).
      text: ownString(doc.text.slice(r.start, r.end)),
      context: { ...context, text: ownString(doc.text.slice(context.start, context.end)) },
      quoted: isInsideQuote(quotes, r.start, r.end),
      label,
    };
  });
  const ref = pickReference(
    base.map((b) => ({ text: b.text, quoted: b.quoted, directQuote: b.label?.type === 'direct-quote', publishedAt: b.doc.publishedAt })),
  );
  const renderings: Rendering[] = base.map((b, i) => {
    const diff = wordDiff(base[ref].text, b.text);
    return {
      documentId: b.doc.id,
      title: b.doc.title,
      ...(b.doc.outlet ? { outlet: b.doc.outlet } : {}),
      ...(b.doc.publishedAt ? { publishedAt: b.doc.publishedAt } : {}),
      rev: b.doc.rev,
      start: b.start,
      end: b.end,
      text: b.text,
      context: b.context,
      quoted: b.quoted,
      label: b.label,
      isReference: i === ref,
      kind: diff.kind,
      similarity: diff.similarity,
      diff: diff.parts,
      words: tokenize(b.text).map((t) => t.norm),
    };
  });
  return summarize(renderings);
}

function summarize(renderings: Rendering[]): StatementCluster {
  const speakerCounts = new Map<string, number>();
  for (const r of renderings) {
    const s = r.label?.speaker?.trim();
    if (s) speakerCounts.set(s, (speakerCounts.get(s) ?? 0) + 1);
  }
  const dates = renderings.map((r) => r.publishedAt).filter((d): d is string => !!d).sort();
  const identity = renderings.map((r) => `${r.documentId}\u0000${r.words.join(' ')}`).sort().join('\u0001');
  return {
    id: `s${hashHex64(identity).slice(0, 12)}`,
    renderings,
    documentCount: new Set(renderings.map((r) => r.documentId)).size,
    labelledCount: renderings.filter((r) => r.label).length,
    speakers: [...speakerCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s]) => s),
    outlets: [...new Set(renderings.map((r) => r.outlet).filter((o): o is string => !!o))].sort(),
    types: [...new Set(renderings.map((r) => r.label?.type).filter((t): t is string => !!t))].sort(),
    ...(dates.length ? { firstDate: dates[0], lastDate: dates[dates.length - 1] } : {}),
  };
}

export function labelsByStart(labels: Label[]): LabelsByStart {
  return labelsInOrder(labels, labelOrder(labels));
}

/** Places of `labels` in the list, sorted by start, then place (labelsByStart's order). */
export function labelOrder(labels: ReadonlyArray<Pick<Label, 'start'>>): Int32Array {
  return Int32Array.from(labels.keys()).sort((a, b) => labels[a].start - labels[b].start || a - b);
}

/**
 * `labelsByStart` from an order computed already (on the worker thread, with the document's
 * contribution: sorting 20,000 labels held the event loop 100-150 ms on a loaded machine).
 */
export function labelsInOrder(labels: Label[], order: Int32Array): LabelsByStart {
  let longest = 0;
  for (const l of labels) longest = Math.max(longest, l.end - l.start);
  return { labels: Array.from(order, (i) => labels[i]), order, longest };
}

/** `bestLabel` over labels sorted by start: only those that can overlap [start, end) are looked at; the same label is chosen (the first in the document's list among the best fits). */
export function bestLabelBySpan(ix: LabelsByStart, start: number, end: number): RenderingLabel | null {
  let lo = 0;
  let hi = ix.labels.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ix.labels[mid].start <= start - ix.longest) lo = mid + 1;
    else hi = mid;
  }
  let best: Label | null = null;
  let bestOrder = 0;
  let bestFit = 0;
  for (let i = lo; i < ix.labels.length && ix.labels[i].start < end; i++) {
    const l = ix.labels[i];
    if (l.anchor.state === 'orphaned') continue;
    const overlap = Math.min(l.end, end) - Math.max(l.start, start);
    if (overlap <= 0) continue;
    const share = overlap / Math.min(l.end - l.start, end - start);
    const fit = overlap / (Math.max(l.end, end) - Math.min(l.start, start));
    if (share >= LABEL_OVERLAP && (!best || fit > bestFit || (fit === bestFit && ix.order[i] < bestOrder))) {
      best = l;
      bestFit = fit;
      bestOrder = ix.order[i];
    }
  }
  return best ? renderingLabel(best) : null;
}

/** The label that best covers [start, end) (UTF-16), or `null` when none covers it enough. */
export function bestLabel(labels: Label[], start: number, end: number): RenderingLabel | null {
  let best: Label | null = null;
  let bestShare = 0;
  for (const l of labels) {
    if (l.anchor.state === 'orphaned') continue;
    const overlap = Math.min(l.end, end) - Math.max(l.start, start);
    if (overlap <= 0) continue;
    const share = overlap / Math.min(l.end - l.start, end - start);
    const fit = overlap / (Math.max(l.end, end) - Math.min(l.start, start));
    if (share >= LABEL_OVERLAP && (!best || fit > bestShare)) {
      best = l;
      bestShare = fit;
    }
  }
  return best ? renderingLabel(best) : null;
}

function renderingLabel(best: Label): RenderingLabel {
  const { id, type, start: ls, end: le, speaker, cue, sourcing } = best;
  return { id, type, start: ls, end: le, ...(speaker ? { speaker } : {}), ...(cue ? { cue } : {}), ...(sourcing ? { sourcing } : {}) };
}
