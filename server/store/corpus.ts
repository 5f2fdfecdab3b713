import type { DocumentRecord } from '../domain/types.js';
import type { DocumentRepository, DocumentSummary } from './repository.js';
import type { StateBackend } from './state.js';
import type { StoredStatementIndex } from './index-files.js';

/** The small record kept with a deleted document in the trash. */
export interface TrashRecord {
  id: string;
  title: string;
  deletedAt: string;
  deletedBy: string;
}

/** Deleted documents, kept TRASH_DAYS (server/store/trash.ts) before they are deleted for good. */
export interface TrashBin {
  has(id: string): Promise<boolean>;
  /** What the trash holds, most recently deleted first. */
  list(): Promise<TrashRecord[]>;
  /** Deletes one document from the trash for good; false when it was not there. */
  remove(id: string): Promise<boolean>;
  /** Deletes for good every document deleted more than TRASH_DAYS before `now`; returns their ids. */
  purge(now?: Date): Promise<string[]>;
  /** Empties the trash; returns the ids deleted for good. */
  empty(): Promise<string[]>;
}

/**
 * Everything the app reads and writes, behind one object: the documents (the DocumentRepository
 * seam, async), the compact catalogue of their summaries (in memory, synchronous), the trash, and
 * the small states (users, team, label types, speakers, answers). Implemented by the lowdb data
 * folder (DocumentStore) and by PostgreSQL (server/store/postgres/); routes, services and the CLI
 * know only this interface. On a shared database, `refresh()` runs before each request so a change
 * made through another app server is seen by the next request here.
 */
export interface Corpus extends DocumentRepository {
  /** The catalogue's summary of one document, or `null` (in memory; no document read). */
  summary(id: string): DocumentSummary | null;
  /** Every document's summary (in memory, a fresh array; no document read). */
  summaries(): DocumentSummary[];
  has(id: string): boolean;
  /** Number of documents. */
  readonly count: number;
  /** Users, team, project, speakers and answers live here. */
  readonly states: StateBackend;
  readonly trash: TrashBin;
  /**
   * Moves a document to the trash with `record` (who, when) in one step: it leaves the catalogue,
   * caches and indexes. `null` when there is no such document.
   */
  moveToTrash(id: string, record: TrashRecord): Promise<DocumentRecord | null>;
  /**
   * Brings a document back from the trash with everything it had; throws DocumentIdTaken when a
   * document with its id exists again, an Error when it is not in the trash.
   */
  restoreFromTrash(id: string): Promise<DocumentRecord>;
  /** Catches up with changes made by other processes (documents and states); a no-op for a data folder. */
  refresh(): Promise<void>;
  /** Where the statement index of /compare is kept between runs (a file in the data folder, a row in PostgreSQL). */
  readonly statementIndex: StatementIndexStorage;
}

/** Keeps the statement index's snapshot (server/store/index-files.ts) between runs. */
export interface StatementIndexStorage {
  /** The stored snapshot, or `null` when there is none or it is damaged (reported with `warn`, never trusted). */
  read(warn?: (message: string) => void): Promise<StoredStatementIndex | null>;
  /**
   * Replaces the snapshot atomically. Encoding runs in slices; between two, `pace` is awaited when
   * given (else the event loop gets one turn): the writer may hold a background write back there.
   */
  write(data: StoredStatementIndex, pace?: () => Promise<void>): Promise<void>;
}
