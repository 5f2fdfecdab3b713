import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { AtomicJSONFile, removeTempFiles, TEMP_PREFIX } from './atomic-json-file.js';
import { moveToQuarantine } from './quarantine.js';
import type { CatalogEntry, DocumentRecord } from '../domain/types.js';
import { catalogEntry } from '../domain/documents.js';
import { documentFileSchema, isDocumentId } from '../domain/schema.js';

export interface StartupProblem {
  /** The damaged file, as it was named under `documents/`. */
  file: string;
  /** Why it was refused: invalid JSON, schema mismatch (with the field), or a bad file name. */
  reason: string;
  /** Where it is now, under `<dataDir>/quarantine/`; `null` when opened read-only (left in place, skipped). */
  movedTo: string | null;
}

/** Makes the adapter of one document file; tests pass one to hold or fail writes. */
export type AdapterFactory = (filename: string) => Adapter<DocumentRecord>;

/** A change already in memory that waits for its write: an update, or the creation itself. */
interface Change {
  /** Applies the change again after an earlier write failed; `null` for a creation. */
  mutate: ((draft: DocumentRecord) => unknown) | null;
  result: unknown;
  /** The document just after this change. */
  doc: DocumentRecord;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Entry {
  db: Low<DocumentRecord>;
  /** What the file holds as far as we know; `null` until a new document's first write succeeds. */
  saved: DocumentRecord | null;
  /** Changes in memory (`db.data`) that no write has started on yet, oldest first. */
  queue: Change[];
  writing: boolean;
}

/**
 * One lowdb file per document under `<dataDir>/documents/`, one `Low` instance per file.
 * Updates run a synchronous mutator on a copy, so a mutator that throws changes nothing, then
 * swap the copy in and queue it. One write per document runs at a time; the changes queued while
 * it runs go to disk together in the next one. When a write fails, its changes are rejected and
 * undone: memory goes back to the last saved document and the changes queued behind are applied
 * to it again (one whose mutator now throws is rejected with that error), so a failed change is
 * never shown nor written later. The catalogue is rebuilt from the files at open.
 */
export class DocumentStore {
  private readonly docs = new Map<string, Entry>();
  private readonly catalog = new Map<string, CatalogEntry>();
  private changes = 0;
  /** Document files moved to quarantine at open. */
  readonly problems: StartupProblem[] = [];
  /** Temporary files (from writes cut short by a crash) deleted at open. */
  readonly removedTempFiles: string[] = [];

  private constructor(
    readonly dataDir: string,
    private readonly readOnly: boolean,
    private readonly adapterFor: AdapterFactory,
  ) {}

  get documentsDir(): string {
    return join(this.dataDir, 'documents');
  }

  /**
   * Opens the store: deletes leftover temporary files, loads every document file, and moves the
   * ones that are not valid JSON or do not match the schema to `<dataDir>/quarantine/`.
   * Only one writable store may be open on a data folder at a time (see lock.ts). `readOnly`
   * (for exports next to a running server) touches nothing: temporary and damaged files are
   * skipped, and create/update throw. `adapter` replaces the durable file adapter (tests only).
   */
  static async open(dataDir: string, options: { readOnly?: boolean; adapter?: AdapterFactory } = {}): Promise<DocumentStore> {
    const store = new DocumentStore(dataDir, options.readOnly ?? false, options.adapter ?? ((file) => new AtomicJSONFile(file)));
    if (!store.readOnly) await mkdir(store.documentsDir, { recursive: true });
    await store.load();
    return store;
  }

  private async load(): Promise<void> {
    if (!this.readOnly) this.removedTempFiles.push(...(await removeTempFiles(this.documentsDir)));
    const names = (
      await readdir(this.documentsDir).catch((err: NodeJS.ErrnoException) => {
        if (this.readOnly && err.code === 'ENOENT') return [] as string[];
        throw err;
      })
    ).sort();
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith(TEMP_PREFIX)) continue;
      const id = name.slice(0, -'.json'.length);
      const db = new Low<DocumentRecord>(this.adapterFor(join(this.documentsDir, name)), null as never);
      const reason = await readAndCheck(db, id);
      if (reason) {
        await this.quarantine(name, reason);
        continue;
      }
      this.docs.set(id, { db, saved: db.data, queue: [], writing: false });
      this.catalog.set(id, catalogEntry(db.data));
    }
  }

  private async quarantine(name: string, reason: string): Promise<void> {
    const file = join(this.documentsDir, name);
    const movedTo = this.readOnly ? null : await moveToQuarantine(this.dataDir, file);
    this.problems.push({ file, reason, movedTo });
  }

  list(): CatalogEntry[] {
    return [...this.catalog.values()];
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** A copy of the document, or `null` when there is none with that id. */
  get(id: string): DocumentRecord | null {
    const entry = this.docs.get(id);
    return entry ? structuredClone(entry.db.data) : null;
  }

  /**
   * Goes up by one on every change to any document (created or updated): a cheap key for caches
   * computed over the whole corpus, such as the statement matching of the compare view.
   */
  get generation(): number {
    return this.changes;
  }

  /** Stores a new document; throws if the id is taken or not a safe id. */
  async create(doc: DocumentRecord): Promise<void> {
    this.assertWritable();
    assertSafeId(doc.id);
    if (this.docs.has(doc.id)) throw new Error(`document ${doc.id} already exists`);
    const entry: Entry = { db: new Low(this.adapterFor(join(this.documentsDir, `${doc.id}.json`)), doc), saved: null, queue: [], writing: false };
    this.docs.set(doc.id, entry);
    this.catalog.set(doc.id, catalogEntry(doc));
    this.changes++;
    await this.save(doc.id, entry, null, undefined);
  }

  /**
   * Applies `mutate` to a copy of the document and persists it; resolves once it is on disk.
   * Returns what `mutate` returns, or `null` when there is no such document. If an earlier write
   * fails meanwhile, `mutate` runs again on the document as saved, and its second result counts.
   */
  async update<T>(id: string, mutate: (draft: DocumentRecord) => T): Promise<{ result: T; doc: DocumentRecord } | null> {
    this.assertWritable();
    const entry = this.docs.get(id);
    if (!entry) return null;
    const draft = structuredClone(entry.db.data);
    const result = mutate(draft);
    entry.db.data = draft;
    this.catalog.set(id, catalogEntry(draft));
    this.changes++;
    const change = await this.save(id, entry, mutate, result);
    return { result: change.result as T, doc: structuredClone(change.doc) };
  }

  /** Queues the change now in `entry.db.data`; resolves with it once it is on disk. */
  private save(id: string, entry: Entry, mutate: Change['mutate'], result: unknown): Promise<Change> {
    return new Promise<Change>((resolve, reject) => {
      const change: Change = { mutate, result, doc: entry.db.data, resolve: () => resolve(change), reject };
      entry.queue.push(change);
      if (!entry.writing) void this.drain(id, entry);
    });
  }

  private async drain(id: string, entry: Entry): Promise<void> {
    entry.writing = true;
    while (entry.queue.length) {
      const batch = entry.queue.splice(0);
      const data = entry.db.data;
      try {
        await entry.db.adapter.write(data);
        entry.saved = data;
        for (const change of batch) change.resolve();
      } catch (err) {
        for (const change of batch) change.reject(err);
        this.rollBack(id, entry, err);
      }
    }
    entry.writing = false;
  }

  /** After a failed write: back to the saved document, with the changes still queued applied again. */
  private rollBack(id: string, entry: Entry, err: unknown): void {
    this.changes++;
    if (entry.saved === null) {
      // The document itself was never written: it is gone, and so is every change queued on it.
      for (const change of entry.queue) change.reject(err);
      entry.queue = [];
      this.docs.delete(id);
      this.catalog.delete(id);
      return;
    }
    let data = entry.saved;
    entry.queue = entry.queue.filter((change) => {
      const draft = structuredClone(data);
      try {
        change.result = change.mutate!(draft);
      } catch (refusal) {
        change.reject(refusal);
        return false;
      }
      change.doc = data = draft;
      return true;
    });
    entry.db.data = data;
    this.catalog.set(id, catalogEntry(data));
  }

  /**
   * Takes a document out of the store and moves its file to `to` (the trash): from this call on it
   * is gone from `list`/`get`/`has` and no change can be queued on it; writes already queued finish
   * first, then the file is renamed. Resolves with the document as moved, or `null` when there is no
   * such document. If the move fails the document is back in the store, unchanged.
   */
  async delete(id: string, to: string): Promise<DocumentRecord | null> {
    this.assertWritable();
    const entry = this.docs.get(id);
    if (!entry) return null;
    this.docs.delete(id);
    this.catalog.delete(id);
    this.changes++;
    try {
      // Wait for every queued write (a no-op change resolves only after the ones queued before it).
      if (entry.writing || entry.queue.length) await this.save(id, entry, () => undefined, undefined);
      await mkdir(dirname(to), { recursive: true });
      await rename(join(this.documentsDir, `${id}.json`), to);
    } catch (err) {
      this.docs.set(id, entry);
      this.catalog.set(id, catalogEntry(entry.db.data));
      this.changes++;
      throw err;
    }
    return structuredClone(entry.db.data);
  }

  /**
   * Puts a document file moved out by `delete` back (restore from the trash): the file must match
   * the document schema and its id must not be taken (throws `DocumentIdTaken` otherwise, and
   * nothing moves). Resolves with the document as restored.
   */
  async restore(from: string): Promise<DocumentRecord> {
    this.assertWritable();
    const doc: unknown = JSON.parse(await readFile(from, 'utf8'));
    const parsed = documentFileSchema.safeParse(doc);
    if (!parsed.success) throw new Error(`${from} does not match the document schema: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    const record = doc as DocumentRecord;
    assertSafeId(record.id);
    if (this.docs.has(record.id)) throw new DocumentIdTaken(record.id);
    const file = join(this.documentsDir, `${record.id}.json`);
    // Reserved before the rename, so a document created meanwhile cannot take the id.
    const entry: Entry = { db: new Low(this.adapterFor(file), record), saved: record, queue: [], writing: false };
    this.docs.set(record.id, entry);
    this.catalog.set(record.id, catalogEntry(record));
    this.changes++;
    try {
      await rename(from, file);
    } catch (err) {
      this.docs.delete(record.id);
      this.catalog.delete(record.id);
      this.changes++;
      throw err;
    }
    return structuredClone(record);
  }

  private assertWritable(): void {
    if (this.readOnly) throw new Error(`the document store over ${this.dataDir} was opened read-only`);
  }
}

async function readAndCheck(db: Low<DocumentRecord>, id: string): Promise<string | null> {
  try {
    await db.read();
  } catch (err) {
    // Only a parse failure is damage; an IO error (permissions, EIO) stops the start instead.
    if (err instanceof SyntaxError) return `not valid JSON: ${err.message}`;
    throw err;
  }
  if (!isDocumentId(id)) return `file name ${id}.json is not a valid document id`;
  const parsed = documentFileSchema.safeParse(db.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `does not match the document schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`;
  }
  if (db.data.id !== id) return `its id "${db.data.id}" does not match its file name`;
  return null;
}

function assertSafeId(id: string): void {
  if (!isDocumentId(id)) throw new Error(`unsafe document id ${JSON.stringify(id)}`);
}

/** A restore refused because a document with the same id exists (the id was reused meanwhile). */
export class DocumentIdTaken extends Error {
  constructor(readonly id: string) {
    super(`a document with id ${id} exists already`);
  }
}
