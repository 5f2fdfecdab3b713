import MiniSearch from 'minisearch';
import { latestRevision, type DocumentRecord } from '../domain/types.js';

interface Indexed {
  id: string;
  title: string;
  outlet: string;
  text: string;
}

export interface IndexHit {
  id: string;
  score: number;
  /** The indexed terms that matched, lower-cased. */
  terms: string[];
}

/**
 * Characters of a document's latest text that are indexed (UTF-16 code units, from the start):
 * minisearch tokenises synchronously, about 0.15 s per million characters, so a longer text is
 * indexed only up to here and words found only beyond it are not found by the search.
 */
export const MAX_INDEXED_CHARS = 100_000;

/**
 * Full-text search over titles, outlets and latest texts, through minisearch. Only the inverted
 * index is kept in memory (no stored fields): a hit's text is read back from the store.
 * Every query word must match (AND), as a prefix for words of 3+ characters; titles weigh most.
 */
export class SearchIndex {
  private readonly mini = new MiniSearch<Indexed>({
    fields: ['title', 'outlet', 'text'],
    storeFields: [],
    searchOptions: { boost: { title: 3, outlet: 2 }, combineWith: 'AND', prefix: (term) => term.length >= 3 },
  });

  /** What each indexed document was indexed as: its latest revision, title and outlet. */
  private readonly indexedAs = new Map<string, string>();
  private added = 0;

  get size(): number {
    return this.mini.documentCount;
  }

  /** How many times a document was (re-)indexed since this index was made. */
  get indexedDocuments(): number {
    return this.added;
  }

  /**
   * Adds or replaces the document's entry; does nothing when its searchable fields (latest
   * revision, title, outlet) are what they were when it was last indexed, such as after a label save.
   */
  put(doc: DocumentRecord): void {
    const latest = latestRevision(doc);
    const as = JSON.stringify([latest.rev, latest.createdAt, latest.text.length, doc.meta.title, doc.meta.outlet ?? '']);
    if (this.indexedAs.get(doc.id) === as && this.mini.has(doc.id)) return;
    if (this.mini.has(doc.id)) this.mini.discard(doc.id);
    this.mini.add({ id: doc.id, title: doc.meta.title, outlet: doc.meta.outlet ?? '', text: latest.text.slice(0, MAX_INDEXED_CHARS) });
    this.indexedAs.set(doc.id, as);
    this.added++;
  }

  remove(id: string): void {
    this.indexedAs.delete(id);
    if (this.mini.has(id)) this.mini.discard(id);
  }

  /** Every matching id, best first (ties by id, so pages are stable). */
  search(q: string): IndexHit[] {
    return this.mini
      .search(q)
      .map((r) => ({ id: String(r.id), score: r.score, terms: r.terms }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/**
 * About `width` characters of `text` around the first occurrence of one of `terms` (lower-cased
 * words), cut at spaces, with `…` where text was left out; the start of the text when none occurs.
 * Characters here are UTF-16 code units.
 */
export function snippetOf(text: string, terms: string[], width = 160): string {
  const lower = text.toLowerCase();
  let at = -1;
  for (const t of terms) {
    const i = lower.indexOf(t);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  let start = Math.max(0, at < 0 ? 0 : at - Math.floor(width / 3));
  let end = Math.min(text.length, start + width);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < (at < 0 ? end : at)) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
