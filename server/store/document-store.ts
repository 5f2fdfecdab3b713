import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
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

/**
 * One lowdb file per document under `<dataDir>/documents/`, one `Low` instance per file.
 * Updates run a synchronous mutator on a copy, so a mutator that throws changes nothing, then
 * swap the copy in and write it; the JS event loop serialises mutators per document and the
 * adapter serialises the writes. The catalogue is rebuilt from the files at open.
 */
export class DocumentStore {
  private readonly dbs = new Map<string, Low<DocumentRecord>>();
  private readonly catalog = new Map<string, CatalogEntry>();
  private changes = 0;
  /** Document files moved to quarantine at open. */
  readonly problems: StartupProblem[] = [];
  /** Temporary files (from writes cut short by a crash) deleted at open. */
  readonly removedTempFiles: string[] = [];

  private constructor(
    readonly dataDir: string,
    private readonly readOnly: boolean,
  ) {}

  get documentsDir(): string {
    return join(this.dataDir, 'documents');
  }

  /**
   * Opens the store: deletes leftover temporary files, loads every document file, and moves the
   * ones that are not valid JSON or do not match the schema to `<dataDir>/quarantine/`.
   * Only one writable store may be open on a data folder at a time (see lock.ts). `readOnly`
   * (for exports next to a running server) touches nothing: temporary and damaged files are
   * skipped, and create/update throw.
   */
  static async open(dataDir: string, options: { readOnly?: boolean } = {}): Promise<DocumentStore> {
    const store = new DocumentStore(dataDir, options.readOnly ?? false);
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
      const db = new Low<DocumentRecord>(new AtomicJSONFile(join(this.documentsDir, name)), null as never);
      const reason = await readAndCheck(db, id);
      if (reason) {
        await this.quarantine(name, reason);
        continue;
      }
      this.dbs.set(id, db);
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
    return this.dbs.has(id);
  }

  /** A copy of the document, or `null` when there is none with that id. */
  get(id: string): DocumentRecord | null {
    const db = this.dbs.get(id);
    return db ? structuredClone(db.data) : null;
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
    if (this.dbs.has(doc.id)) throw new Error(`document ${doc.id} already exists`);
    const db = new Low<DocumentRecord>(new AtomicJSONFile(join(this.documentsDir, `${doc.id}.json`)), doc);
    this.dbs.set(doc.id, db);
    this.catalog.set(doc.id, catalogEntry(doc));
    this.changes++;
    try {
      await db.write();
    } catch (err) {
      this.dbs.delete(doc.id);
      this.catalog.delete(doc.id);
      throw err;
    }
  }

  /**
   * Applies `mutate` to a copy of the document and persists it; resolves once it is on disk.
   * Returns what `mutate` returns, or `null` when there is no such document.
   */
  async update<T>(id: string, mutate: (draft: DocumentRecord) => T): Promise<{ result: T; doc: DocumentRecord } | null> {
    this.assertWritable();
    const db = this.dbs.get(id);
    if (!db) return null;
    const draft = structuredClone(db.data);
    const result = mutate(draft);
    db.data = draft;
    this.catalog.set(id, catalogEntry(draft));
    this.changes++;
    await db.write();
    return { result, doc: structuredClone(draft) };
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
