import type { CorpusDocument, Rendering, StatementCluster } from './types.js';
import { tokenize } from './tokens.js';
import { quotedRanges } from './quotes.js';
import { sentences, type TextRange } from './sentences.js';
import { nameKey } from './names.js';

/** Most passages (statements no other rendering shares) a search lists. */
export const MAX_PASSAGES = 100;

/** A quotation or sentence holding the searched words, not part of any matched statement. UTF-16 offsets into revision `rev`. */
export interface PassageHit extends Pick<Rendering, 'documentId' | 'title' | 'outlet' | 'publishedAt' | 'rev' | 'start' | 'end' | 'text' | 'quoted' | 'label'> {
  /** Which appearance of `text` in the document this is, from 1 (what the editor's "label these words" form asks for). */
  occurrence: number;
}

export interface SearchResult {
  statements: StatementCluster[];
  passages: PassageHit[];
}

/** Whether `hay` holds the words of `needle` in a row (normalised words, see tokens.ts). */
function containsRun(hay: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

const words = (text: string) => tokenize(text).map((t) => t.norm);

/** The normalised words of a query; empty when it holds no word (only punctuation or spaces). */
export function queryWords(q: string): string[] {
  return words(q);
}

/**
 * Statements and passages matching `q`: the words of the statement in a row (typography, case
 * and contractions ignored, see tokens.ts), or a speaker or an outlet whose name contains `q`.
 * Statements are searched first (all of them, repeats inside one document included); then
 * quotations and sentences of every document that hold the words but belong to no statement
 * found, a quotation rather than the sentence around it. Labelled spans whose speaker matches
 * come as passages too.
 */
export function searchStatements(docs: CorpusDocument[], clusters: StatementCluster[], q: string): SearchResult {
  const needle = words(q);
  const key = nameKey(q);
  const renderingMatches = (r: Rendering) => needle.length > 0 && containsRun(r.words.length ? r.words : words(r.text), needle);
  const statements = clusters.filter(
    (c) => c.renderings.some(renderingMatches) || c.speakers.some((s) => nameKey(s).includes(key)) || c.outlets.some((o) => nameKey(o).includes(key)),
  );
  const covered = new Map<string, TextRange[]>();
  for (const c of statements) for (const r of c.renderings) covered.set(r.documentId, [...(covered.get(r.documentId) ?? []), { start: r.start, end: r.end }]);

  const passages: PassageHit[] = [];
  for (const d of docs) {
    if (passages.length >= MAX_PASSAGES) break;
    const taken = [...(covered.get(d.id) ?? [])];
    const overlaps = (r: TextRange) => taken.some((t) => t.start < r.end && r.start < t.end);
    const add = (r: TextRange, quoted: boolean) => {
      const text = d.text.slice(r.start, r.end);
      const label = d.labels.find((l) => l.anchor.state !== 'orphaned' && l.start <= r.start && l.end >= r.end) ?? d.labels.find((l) => l.anchor.state !== 'orphaned' && l.start >= r.start && l.end <= r.end);
      taken.push(r);
      passages.push({
        documentId: d.id,
        title: d.title,
        ...(d.outlet ? { outlet: d.outlet } : {}),
        ...(d.publishedAt ? { publishedAt: d.publishedAt } : {}),
        rev: d.rev,
        start: r.start,
        end: r.end,
        text,
        quoted,
        label: label ? { id: label.id, type: label.type, start: label.start, end: label.end, ...(label.speaker ? { speaker: label.speaker } : {}), ...(label.cue ? { cue: label.cue } : {}), ...(label.sourcing ? { sourcing: label.sourcing } : {}) } : null,
        occurrence: occurrenceOf(d.text, text, r.start),
      });
    };
    if (needle.length > 0) {
      for (const r of quotedRanges(d.text)) if (!overlaps(r) && containsRun(words(d.text.slice(r.start, r.end)), needle)) add(r, true);
      for (const r of sentences(d.text)) if (!overlaps(r) && containsRun(words(d.text.slice(r.start, r.end)), needle)) add(r, false);
    }
    for (const l of d.labels) {
      if (l.anchor.state === 'orphaned' || !l.speaker || !nameKey(l.speaker).includes(key)) continue;
      const r = { start: l.start, end: l.end };
      if (!overlaps(r)) add(r, false);
    }
  }
  return { statements, passages: passages.slice(0, MAX_PASSAGES) };
}

/** Which appearance of `exact` (from 1) starts at `start` in `text`. */
export function occurrenceOf(text: string, exact: string, start: number): number {
  let n = 0;
  for (let at = text.indexOf(exact); at !== -1 && at <= start; at = text.indexOf(exact, at + 1)) n++;
  return Math.max(1, n);
}
