import type { DocumentRecord } from '../domain/types.js';

/** How a document stands for a reviewer: no labels yet, labelled, or with labels to check. */
export const DOCUMENT_STATUSES = ['unlabelled', 'labelled', 'needs-review'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** What the catalogue keeps of one document in memory: enough to list, sort and filter it. */
export interface DocumentSummary {
  id: string;
  title: string;
  outlet?: string;
  /** ISO date, `YYYY-MM-DD`. */
  publishedAt?: string;
  url?: string;
  rev: number;
  labelCount: number;
  /** Labels whose anchor is `fuzzy` or `orphaned`. */
  reviewCount: number;
  status: DocumentStatus;
  /** Distinct speakers named on the document's labels. */
  speakers: string[];
}

export const SORT_KEYS = ['date', 'title', 'outlet', 'labels', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ListQuery {
  /** `date` (newest first unless `order` says otherwise), `title`, `outlet`, `labels` or `status`. */
  sort?: SortKey;
  order?: 'asc' | 'desc';
  outlet?: string;
  /** Inclusive ISO dates, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  status?: DocumentStatus;
  /**
   * Only these documents (the ones assigned to an annotator, say); `name` says which set it is, so
   * a cursor of one set is refused for another.
   */
  only?: { name: string; ids: ReadonlySet<string> };
  /** An opaque cursor from an earlier page's `next`; it must come with the same sort and filters. */
  cursor?: string;
  /** Page size, 1..MAX_PAGE_SIZE. */
  limit?: number;
}

export interface Page<T> {
  items: T[];
  /** Documents matching the filters (all pages). */
  total: number;
  /** The cursor of the next page, `null` on the last one. */
  next: string | null;
}

export interface SearchHit {
  summary: DocumentSummary;
  score: number;
  /** A few words of the text around the first match, plain text. */
  snippet: string;
}

/** Largest page a list or search answers. */
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 50;

/** A cursor that was tampered with, has expired, or belongs to another query: a 400. */
export class InvalidCursorError extends Error {
  readonly status = 400;
  readonly code = 'invalid_cursor';
}

/** A list or search query that cannot be answered as asked (bad sort key, page size): a 400. */
export class InvalidQueryError extends Error {
  readonly status = 400;
  readonly code = 'invalid_query';
}

/**
 * The one storage seam: every route, service and CLI reads and writes documents through it, and
 * every backend (lowdb files, PostgreSQL) passes tests/store/repository-contract.ts.
 * Documents returned are copies: changing one changes nothing stored.
 */
export interface DocumentRepository {
  /** One page of summaries, sorted and filtered; throws InvalidCursorError / InvalidQueryError. */
  listPage(query?: ListQuery): Promise<Page<DocumentSummary>>;
  /** The whole document, or `null` when there is none with that id. */
  getDocument(id: string): Promise<DocumentRecord | null>;
  /** Stores a new document; throws if the id is taken or unsafe, or the history is over the limit. */
  create(doc: DocumentRecord): Promise<void>;
  /**
   * Applies `mutate` to a copy and persists it (resolves once on disk); `null` when there is no
   * such document. A mutator that throws, or a result over a limit, changes nothing.
   */
  update<T>(id: string, mutate: (draft: DocumentRecord) => T): Promise<{ result: T; doc: DocumentRecord } | null>;
  /** Removes a document (and every index entry of it); returns it as it was, `null` when there was none. */
  delete(id: string): Promise<DocumentRecord | null>;
  /** Full-text search over titles, outlets and texts, best first, paginated. */
  search(q: string, options?: { cursor?: string; limit?: number }): Promise<Page<SearchHit>>;
  /** Ids of the documents whose `meta.url` is exactly `url`. */
  findByUrl(url: string): Promise<string[]>;
  /** Speakers used across the corpus with the number of documents naming each, most used first. */
  speakerCounts(): Promise<Array<{ speaker: string; documents: number }>>;
  /** Goes up on every change to any document: a cheap key for corpus-wide caches. */
  readonly generation: number;
  /** Calls `listener` after every change with the id changed (the change feed); returns an unsubscribe. */
  onChange(listener: (id: string) => void): () => void;
}
