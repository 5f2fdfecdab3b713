import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { close, closeSync, fstat, fstatSync, open, openSync, read, readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { AtomicJSONFile, removeTempFiles, syncDir, TEMP_PREFIX } from './atomic-json-file.js';
import { moveToQuarantine } from './quarantine.js';
import { latestRevision, type CatalogEntry, type DocumentRecord, type Revision } from '../domain/types.js';
import { documentFileSchema, isDocumentId } from '../domain/schema.js';
import { Catalog, type FileStamp } from './catalog.js';
import { LruCache } from './lru.js';
import { HistoryCodec, MAX_HISTORY_BYTES, type StoredDocument } from './history-codec.js';
import { SearchIndex, matchedTerms, snippetOf } from './search-index.js';
import { SearchIndexSaver, restoreSearchIndex, searchIndexPath, type SearchIndexReport } from './search-index-file.js';
import { checkListQuery, pageSize, sortValue } from './list-query.js';
import { CursorSigner } from './cursor.js';
import {
  InvalidQueryError, SORT_KEYS,
  type DocumentSummary, type ListQuery, type Page, type SearchHit, type SortKey,
} from './repository.js';
import type { Corpus, TrashRecord } from './corpus.js';
import { FileStateBackend } from './state.js';
import { Trash } from './trash.js';
import { StatementIndexFile, statementIndexPath } from './index-files.js';

export interface StartupProblem {
  /** The damaged file, as it was named under `documents/`. */
  file: string;
  /** Why it was refused: invalid JSON, schema mismatch (with the field), or a bad file name. */
  reason: string;
  /** Where it is now, under `<dataDir>/quarantine/`; `null` when opened read-only (left in place, skipped). */
  movedTo: string | null;
}

/** A document with this id exists already (thrown by `restore`). */
export class DocumentIdTaken extends Error {
  constructor(readonly id: string) {
    super(`a document with id "${id}" exists already`);
  }
}

/** Makes the adapter of one document file; tests pass one to hold or fail writes. */
export type AdapterFactory = (filename: string) => Adapter<DocumentRecord>;

/** A list order is sorted in runs of this many ids, merged in slices of about SORT_SLICE_MS. */
const SORT_RUN = 2048;
const SORT_SLICE_MS = 8;

/** Default size of the cache of whole documents, in bytes (`DOC_CACHE_MB`). */
export const DEFAULT_CACHE_BYTES = 128 * 1024 * 1024;

/** The cache budget from `DOC_CACHE_MB` (whole megabytes, 1 to 65536); unset means the default; a bad value throws. */
export function docCacheBytes(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_CACHE_BYTES;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65536) {
    throw new Error(`DOC_CACHE_MB must be a whole number of megabytes from 1 to 65536, not ${JSON.stringify(value)}`);
  }
  return Number(value) * 1024 * 1024;
}

export interface OpenOptions {
  /** For exports next to a running server: touches nothing, refuses writes. */
  readOnly?: boolean;
  /** Replaces the durable file adapter (tests only). */
  adapter?: AdapterFactory;
  /** Budget of the cache of whole documents, in (estimated) bytes. */
  cacheBytes?: number;
  /** Limit on a document's stored revision history, in bytes (see history-codec.ts). */
  maxHistoryBytes?: number;
  /** Key of the page cursors' HMAC; random per open by default. */
  cursorKey?: Buffer;
  /** `eager` (default for a writable store) builds the search index in the background at open; `lazy` at the first search. */
  searchIndex?: 'eager' | 'lazy';
  /** Where the start reports a rebuilt catalogue; `console.warn` by default. */
  log?: (message: string) => void;
}

/** What open found: how much of the catalogue could be trusted. */
export interface CatalogReport {
  /** Why catalog.json was not used, or `null` when it was. */
  problem: string | null;
  /** Document files read at start because the catalogue did not know them as they are. */
  reread: number;
  /** Catalogue rows dropped because their file is gone. */
  dropped: number;
}

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

/** A document with a write queued or running; the others live in the cache or only on disk. */
interface Entry {
  db: Low<DocumentRecord>;
  /** What the file holds as far as we know; `null` until a new document's first write succeeds. */
  saved: DocumentRecord | null;
  /** Changes in memory (`db.data`) that no write has started on yet, oldest first. */
  queue: Change[];
  writing: boolean;
  /** Called once the entry has no write left. */
  idle: Array<() => void>;
}

/**
 * One lowdb file per document under `<dataDir>/documents/`, with a compact catalogue of every
 * document in memory (catalog.ts), a cache of whole documents bounded by bytes (LRU), and a
 * search index; a document not in the cache is read from its file when needed.
 *
 * Updates run a synchronous mutator on a copy, so a mutator that throws changes nothing, then
 * swap the copy in and queue it. One write per document runs at a time; the changes queued while
 * it runs go to disk together in the next one. When a write fails, its changes are rejected and
 * undone: memory goes back to the last saved document and the changes queued behind are applied
 * to it again (one whose mutator now throws is rejected with that error), so a failed change is
 * never shown nor written later. Older revisions are stored compressed (history-codec.ts), and a
 * change that would take a document's history over the limit is refused before anything is written.
 */
export class DocumentStore implements Corpus {
  /** Documents with a write queued or running: their `db.data` is the newest state. */
  private readonly active = new Map<string, Entry>();
  /** Changes per document in this process, to notice a change made while a file was being read. */
  private readonly versions = new Map<string, number>();
  private readonly reading = new Map<string, Promise<DocumentRecord | null>>();
  private readonly cache: LruCache<DocumentRecord>;
  private readonly codec: HistoryCodec;
  private readonly cursors: CursorSigner;
  private readonly index = new SearchIndex();
  private indexBuild: Promise<void> | null = null;
  /** Writes the search index to `<dataDir>/index/search.bin` after changes (writable stores, once built). */
  private searchSaver: SearchIndexSaver | null = null;
  /** Whether the stored search index was used at its first build, and what was indexed again. */
  readonly searchIndexReport: SearchIndexReport = { loaded: false, problem: null, reindexed: 0, dropped: 0 };
  /**
   * Ids in each list order asked for (`sort:order`), kept in order as documents change (a change
   * moves its id: two binary searches and a splice), so the corpus is sorted once per order and
   * process, not after every change.
   */
  private readonly sorted = new Map<string, string[]>();
  /** Orders being sorted in slices; the ids changed meanwhile are put in place when it ends. */
  private readonly sorting = new Map<string, { done: Promise<string[]>; touched: Set<string> }>();
  private sorts = 0;
  private readonly listeners = new Set<(id: string) => void>();
  private catalog!: Catalog;
  private pendingCompaction: NodeJS.Timeout | null = null;
  private listed: { generation: number; entries: CatalogEntry[] } | null = null;
  private changes = 0;
  private checks = 0;
  /** Document files moved to quarantine at open. */
  readonly problems: StartupProblem[] = [];
  /** Temporary files (from writes cut short by a crash) deleted at open. */
  readonly removedTempFiles: string[] = [];
  readonly catalogReport: CatalogReport = { problem: null, reread: 0, dropped: 0 };
  /** users.json, team.json, project.json, speakers.json, answers.json: files beside `documents/`. */
  readonly states: FileStateBackend;
  /** `<dataDir>/trash/`: document files moved there by `moveToTrash`, with their records. */
  readonly trash: Trash;
  readonly statementIndex: StatementIndexFile;

  private constructor(
    readonly dataDir: string,
    private readonly readOnly: boolean,
    private readonly adapterFor: AdapterFactory,
    private readonly options: OpenOptions,
  ) {
    this.cache = new LruCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES, estimateBytes);
    this.codec = new HistoryCodec(options.maxHistoryBytes ?? MAX_HISTORY_BYTES);
    this.cursors = new CursorSigner(options.cursorKey);
    this.states = new FileStateBackend(dataDir);
    this.trash = new Trash(dataDir);
    this.statementIndex = new StatementIndexFile(statementIndexPath(dataDir));
  }

  get documentsDir(): string {
    return join(this.dataDir, 'documents');
  }

  /**
   * Opens the store: deletes leftover temporary files, reads the catalogue and checks it against
   * the document files (a file whose size or modification time differs from what the catalogue
   * recorded is read again; a damaged or missing catalogue is rebuilt from the files), and moves
   * the files that are not valid JSON or do not match the schema to `<dataDir>/quarantine/`.
   * Only one writable store may be open on a data folder at a time (see lock.ts).
   */
  static async open(dataDir: string, options: OpenOptions = {}): Promise<DocumentStore> {
    const readOnly = options.readOnly ?? false;
    const store = new DocumentStore(dataDir, readOnly, options.adapter ?? ((file) => new StoredDocumentFile(file, store.codec)), options);
    if (!readOnly) await mkdir(store.documentsDir, { recursive: true });
    await store.load();
    // Started a moment later, so the rest of the start (and the first requests) do not queue behind it.
    if (!readOnly && options.searchIndex !== 'lazy') {
      setTimeout(() => void store.buildSearchIndex(), 1000).unref();
      // The list's default orders, sorted in slices, so the first page of each is not the one to wait.
      setTimeout(() => void store.warmListOrders(), 1500).unref();
    }
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
    const { catalog, problem, logLines } = await Catalog.read(this.dataDir, !this.readOnly);
    this.catalog = catalog;
    const files = names.filter((n) => n.endsWith('.json') && !n.startsWith(TEMP_PREFIX));
    if (problem && files.length) {
      this.catalogReport.problem = problem;
      (this.options.log ?? console.warn)(`${problem}: rebuilding it from the ${files.length} document files`);
    }
    const present: string[] = [];
    for (const name of files) {
      const id = name.slice(0, -'.json'.length);
      const file = join(this.documentsDir, name);
      if (!isDocumentId(id)) {
        await this.quarantine(name, `file name ${id}.json is not a valid document id`);
        continue;
      }
      const stat = statSync(file, { throwIfNoEntry: false });
      if (!stat) continue;
      const known = catalog.stampOf(id);
      if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) {
        present.push(id);
        continue;
      }
      this.catalogReport.reread++;
      const checked = await this.readChecked(id);
      if (typeof checked === 'string') {
        catalog.delete(id);
        await this.quarantine(name, checked);
        continue;
      }
      catalog.setFromFile(checked, { size: stat.size, mtimeMs: stat.mtimeMs });
      present.push(id);
    }
    const kept = new Set(present);
    for (const id of [...catalog.ids()]) {
      if (kept.has(id)) continue;
      catalog.delete(id);
      this.catalogReport.dropped++;
    }
    catalog.reorder(present);
    const { reread, dropped } = this.catalogReport;
    if (!this.readOnly && (reread || dropped || problem || logLines)) {
      // Written a moment after the start rather than during it, so a start refused for another
      // reason (a damaged project.json) leaves the data folder exactly as it was.
      const timer = setTimeout(() => {
        catalog.compact().catch((err: NodeJS.ErrnoException) => {
          // ENOENT: the data folder was removed meanwhile (tests); the next start checks the files anyway.
          if (err.code !== 'ENOENT') (this.options.log ?? console.warn)(`the catalogue could not be written (${err.message})`);
        });
      }, 1000);
      timer.unref();
      this.pendingCompaction = timer;
    }
  }

  /** The document in the file of `id`, or why it cannot be used. IO errors other than a missing file are rethrown. */
  private async readChecked(id: string): Promise<DocumentRecord | string> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(this.fileOf(id), 'utf8'));
    } catch (err) {
      // Only a parse failure is damage; an IO error (permissions, EIO) stops the start instead.
      if (err instanceof SyntaxError) return `not valid JSON: ${err.message}`;
      throw err;
    }
    return this.check(id, raw);
  }

  private check(id: string, raw: unknown): DocumentRecord | string {
    let doc: DocumentRecord;
    try {
      doc = this.codec.decode(raw as StoredDocument);
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof TypeError) return `does not match the document schema: ${err.message}`;
      throw err;
    }
    return this.validate(id, doc, false);
  }

  /**
   * The decoded document, or why it cannot be used. `trusted` (the file is the one this store
   * wrote or checked, see `trusts`) skips the schema check, which costs about 0.1 s at 20,000
   * labels; the id is always checked.
   */
  private validate(id: string, doc: DocumentRecord, trusted: boolean): DocumentRecord | string {
    if (!trusted) {
      this.checks++;
      const parsed = documentFileSchema.safeParse(doc);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return `does not match the document schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`;
      }
    }
    if (doc?.id !== id) return `its id "${doc?.id}" does not match its file name`;
    return doc;
  }

  /**
   * Whether the file of `id`, as `stamp` describes it, is the very file the catalogue recorded after
   * this store's last write of it (or after the check at start): same size and modification time.
   * A file changed behind the store's back has another stamp and is checked in full.
   */
  private trusts(id: string, stamp: FileStamp): boolean {
    const known = this.catalog.stampOf(id);
    return known !== null && known.size === stamp.size && known.mtimeMs === stamp.mtimeMs;
  }

  private async quarantine(name: string, reason: string): Promise<void> {
    const file = join(this.documentsDir, name);
    const movedTo = this.readOnly ? null : await moveToQuarantine(this.dataDir, file);
    this.problems.push({ file, reason, movedTo });
  }

  private fileOf(id: string): string {
    return join(this.documentsDir, `${id}.json`);
  }

  // ---- Reads -------------------------------------------------------------------------------

  /** The newest state of a document (shared, not a copy), reading its file when it is not in memory. */
  private async current(id: string): Promise<DocumentRecord | null> {
    for (;;) {
      if (!this.catalog.has(id)) return null;
      const entry = this.active.get(id);
      if (entry) return entry.db.data;
      const cached = this.cache.get(id);
      if (cached) return cached;
      const version = this.versions.get(id) ?? 0;
      // One read per document at a time, shared: callers resume in the order they asked, so
      // updates of a document that was not in memory still apply in the order they were made.
      let reading = this.reading.get(id);
      if (!reading) {
        reading = this.readFromDisk(id).finally(() => this.reading.delete(id));
        this.reading.set(id, reading);
      }
      const doc = await reading;
      // A change made while the file was being read wins; read again.
      if (this.active.has(id) || (this.versions.get(id) ?? 0) !== version) continue;
      if (!doc) return null;
      this.cache.set(id, doc);
      return doc;
    }
  }

  /**
   * Reads the file of `id`: the JSON is parsed on this thread, the older revisions' compressed texts
   * are decompressed on the thread pool, and the schema is checked only when the file is not the one
   * this store last wrote (`trusts`). A damaged file throws.
   */
  private async readFromDisk(id: string): Promise<DocumentRecord | null> {
    const file = await readWithStamp(this.fileOf(id));
    if (!file) return null;
    const { text, stamp } = file;
    let doc: DocumentRecord;
    try {
      doc = await this.codec.decodeAsync(JSON.parse(text) as StoredDocument);
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof TypeError) throw damaged(id, `does not match the document schema: ${err.message}`);
      throw err;
    }
    const checked = this.validate(id, doc, this.trusts(id, stamp));
    if (typeof checked === 'string') throw damaged(id, checked);
    return checked;
  }

  /** The newest state, synchronously (deprecated readers): a document not in memory is read with readFileSync. */
  private currentSync(id: string): DocumentRecord | null {
    if (!this.catalog.has(id)) return null;
    const entry = this.active.get(id);
    if (entry) return entry.db.data;
    const cached = this.cache.get(id);
    if (cached) return cached;
    let fd: number;
    try {
      fd = openSync(this.fileOf(id), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let text: string;
    let stamp: FileStamp;
    try {
      const s = fstatSync(fd);
      stamp = { size: s.size, mtimeMs: s.mtimeMs };
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
    const raw = JSON.parse(text) as StoredDocument;
    let doc: DocumentRecord;
    try {
      doc = this.codec.decode(raw);
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof TypeError) throw damaged(id, `does not match the document schema: ${err.message}`);
      throw err;
    }
    const checked = this.validate(id, doc, this.trusts(id, stamp));
    if (typeof checked === 'string') throw damaged(id, checked);
    this.cache.set(id, checked);
    return checked;
  }

  async getDocument(id: string): Promise<DocumentRecord | null> {
    const doc = await this.current(id);
    return doc ? cloneDocument(doc) : null;
  }

  /** The catalogue's summary of one document, or `null`. */
  summary(id: string): DocumentSummary | null {
    return this.catalog.get(id) ?? null;
  }

  /** Every document's summary, from the catalogue (no document is read). */
  summaries(): DocumentSummary[] {
    return this.catalog.summaries();
  }

  /** Only this process writes a data folder (lock.ts): nothing to catch up with. */
  async refresh(): Promise<void> {}

  /** Moves the document file to the trash and writes its record beside it. */
  async moveToTrash(id: string, record: TrashRecord): Promise<DocumentRecord | null> {
    const moved = await this.delete(id, this.trash.documentFile(id));
    if (moved) await this.trash.writeRecord(record);
    return moved;
  }

  /** Moves the document file back from the trash (checked like a file at start) and forgets its record. */
  async restoreFromTrash(id: string): Promise<DocumentRecord> {
    if (!(await this.trash.has(id))) throw new Error(`no document with id "${id}" in the trash`);
    const doc = await this.restore(this.trash.documentFile(id));
    await this.trash.forgetRecord(id);
    return doc;
  }

  /** Number of documents. */
  get count(): number {
    return this.catalog.size;
  }

  /**
   * @deprecated Use `listPage` (paginated, sorted, filtered). Every document's catalogue entry;
   * `searchText` holds only the title and outlet now (texts are searched through `search`).
   */
  list(): CatalogEntry[] {
    // Built once per generation: at 100,000 documents building it costs tens of milliseconds.
    if (this.listed?.generation !== this.changes) {
      const entries = this.catalog.summaries().map((s) => ({
        id: s.id, title: s.title, outlet: s.outlet, publishedAt: s.publishedAt, rev: s.rev, labelCount: s.labelCount,
        speakers: s.speakers, searchText: `${s.title}\n${s.outlet ?? ''}`.toLowerCase(),
      }));
      this.listed = { generation: this.changes, entries };
    }
    return this.listed.entries.map((e) => ({ ...e }));
  }

  has(id: string): boolean {
    return this.catalog.has(id);
  }

  /** @deprecated Use `getDocument` (async; this one may block on a file read). A copy of the document, or `null`. */
  get(id: string): DocumentRecord | null {
    const doc = this.currentSync(id);
    return doc ? cloneDocument(doc) : null;
  }

  /**
   * Goes up by one on every change to any document (created, updated, deleted): a cheap key for
   * caches computed over the whole corpus, such as the statement matching of the compare view.
   */
  get generation(): number {
    return this.changes;
  }

  onChange(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async listPage(query: ListQuery = {}): Promise<Page<DocumentSummary>> {
    const { sort, order, limit, key } = checkListQuery(query);
    const after = query.cursor ? (this.cursors.open(query.cursor, key) as [string | number, string]) : null;
    if (after !== null && (!Array.isArray(after) || after.length !== 2 || typeof after[1] !== 'string')) {
      throw new InvalidQueryError('the cursor does not hold a position');
    }
    const dir = order === 'desc' ? -1 : 1;
    const cmp = (a: [string | number, string], b: [string | number, string]) => dir * compareValues(a[0], b[0]) || compareValues(a[1], b[1]);
    const sorted = await this.sortedIds(sort, order);
    const filtered = query.outlet !== undefined || query.from !== undefined || query.to !== undefined || query.status !== undefined || query.only !== undefined;
    const matching = !filtered ? sorted : sorted.filter((id) => {
      const s = this.catalog.get(id);
      if (!s) return false;
      if (query.outlet !== undefined && s.outlet !== query.outlet) return false;
      if (query.from !== undefined && (s.publishedAt === undefined || s.publishedAt < query.from)) return false;
      if (query.to !== undefined && (s.publishedAt === undefined || s.publishedAt > query.to)) return false;
      if (query.status !== undefined && s.status !== query.status) return false;
      if (query.only !== undefined && !query.only.ids.has(id)) return false;
      return true;
    });
    let start = 0;
    if (after) {
      let lo = 0;
      let hi = matching.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cmp([sortValue(this.catalog.get(matching[mid])!, sort), matching[mid]], after) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const items = matching.slice(start, start + limit).map((id) => this.catalog.get(id)!);
    const last = items[items.length - 1];
    const next = last && start + limit < matching.length ? this.cursors.sign(key, [sortValue(last, sort), last.id]) : null;
    return { items: items.map((s) => structuredClone(s)), total: matching.length, next };
  }

  /** Ids in the order of `sort` (ties by id), sorted in slices the first time, then kept in order (see `sorted`). */
  private sortedIds(sort: SortKey, order: 'asc' | 'desc'): Promise<string[]> {
    const cacheKey = `${sort}:${order}`;
    const ids = this.sorted.get(cacheKey);
    if (ids) return Promise.resolve(ids);
    let building = this.sorting.get(cacheKey);
    if (!building) {
      const touched = new Set<string>();
      building = { touched, done: this.sortInSlices(sort, order, touched).finally(() => this.sorting.delete(cacheKey)) };
      this.sorting.set(cacheKey, building);
    }
    return building.done;
  }

  /** Sorts the default order of every sort key, one after the other (at open, in the background). */
  private async warmListOrders(): Promise<void> {
    for (const sort of SORT_KEYS) {
      await this.sortedIds(sort, sort === 'date' || sort === 'labels' ? 'desc' : 'asc').catch(() => undefined);
    }
  }

  /** How many times a list order was sorted over the whole catalogue since the store was opened. */
  get listSorts(): number {
    return this.sorts;
  }

  /**
   * Sorts the catalogue by `sort` in runs of SORT_RUN ids, merged pairwise, giving the event loop a
   * turn every few milliseconds (about 0.3 s of sorting at 100,000 titles would otherwise block
   * every other request). The ids in `touched` (changed meanwhile) are put in place at the end.
   */
  private async sortInSlices(sort: SortKey, order: 'asc' | 'desc', touched: Set<string>): Promise<string[]> {
    this.sorts++;
    type Keyed = readonly [string | number, string];
    const dir = order === 'desc' ? -1 : 1;
    const cmp = (a: Keyed, b: Keyed) => dir * compareValues(a[0], b[0]) || compareValues(a[1], b[1]);
    let since = performance.now();
    const turn = async () => {
      if (performance.now() - since < SORT_SLICE_MS) return;
      await new Promise((r) => setImmediate(r));
      since = performance.now();
    };
    const keyed: Keyed[] = [];
    const all = this.catalog.summaries();
    for (let i = 0; i < all.length; i++) {
      keyed.push([sortValue(all[i], sort), all[i].id]);
      if ((i & 4095) === 4095) await turn();
    }
    // At least one turn between the catalogue read and the end, whatever the size: changes made
    // meanwhile always take the same path (`touched`).
    await new Promise((r) => setImmediate(r));
    since = performance.now();
    let runs: Keyed[][] = [];
    for (let i = 0; i < keyed.length; i += SORT_RUN) {
      runs.push(keyed.slice(i, i + SORT_RUN).sort(cmp));
      await turn();
    }
    while (runs.length > 1) {
      const merged: Keyed[][] = [];
      for (let r = 0; r < runs.length; r += 2) {
        const a = runs[r];
        const b = runs[r + 1];
        if (!b) {
          merged.push(a);
          continue;
        }
        const out: Keyed[] = new Array(a.length + b.length);
        let x = 0;
        let y = 0;
        for (let k = 0; k < out.length; k++) {
          out[k] = y >= b.length || (x < a.length && cmp(a[x], b[y]) <= 0) ? a[x++] : b[y++];
          if ((k & 4095) === 4095) await turn();
        }
        merged.push(out);
      }
      runs = merged;
    }
    // Nothing is awaited from here on: the order is made current, then kept so by `resort`. The
    // ids changed meanwhile (`touched`) leave the sorted run and come back by their summaries now,
    // sorted among themselves and merged in (one pass, not a splice of the whole order each).
    let sorted = runs[0] ?? [];
    if (touched.size) {
      const kept = sorted.filter((k) => !touched.has(k[1]));
      const back: Keyed[] = [];
      for (const id of touched) {
        const now = this.catalog.get(id);
        if (now) back.push([sortValue(now, sort), id]);
      }
      back.sort(cmp);
      sorted = new Array<Keyed>(kept.length + back.length);
      for (let k = 0, x = 0, y = 0; k < sorted.length; k++) sorted[k] = y >= back.length || (x < kept.length && cmp(kept[x], back[y]) <= 0) ? kept[x++] : back[y++];
    }
    const ids = sorted.map((k) => k[1]);
    this.sorted.set(`${sort}:${order}`, ids);
    return ids;
  }

  /**
   * Where `(value, id)` goes in `ids` (sorted by `sort` in direction `dir`, ties by id): the first
   * position whose entry is not before it. `skip` (the id being moved) is valued `skipValue`, not
   * by the catalogue, which already holds its new summary.
   */
  private placeOf(ids: string[], sort: SortKey, dir: number, value: string | number, id: string, skip: { id: string; value: string | number } | null): number {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = ids[mid];
      const v = skip && other === skip.id ? skip.value : sortValue(this.catalog.get(other)!, sort);
      if ((dir * compareValues(v, value) || compareValues(other, id)) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Moves `id` in every list order kept: out of its place by `before` (its summary before the change;
   * `undefined`: it was not listed), into its place by `after` (`undefined`: it is gone). An order
   * that does not hold `id` where `before` says is dropped (sorted again when next asked).
   */
  private resort(id: string, before: DocumentSummary | undefined, after: DocumentSummary | undefined): void {
    for (const building of this.sorting.values()) building.touched.add(id);
    for (const [cacheKey, ids] of this.sorted) {
      const [sort, order] = cacheKey.split(':') as [SortKey, 'asc' | 'desc'];
      const dir = order === 'desc' ? -1 : 1;
      const was = before === undefined ? undefined : sortValue(before, sort);
      const now = after === undefined ? undefined : sortValue(after, sort);
      if (was !== undefined && was === now) continue;
      if (was !== undefined) {
        const at = this.placeOf(ids, sort, dir, was, id, { id, value: was });
        if (ids[at] !== id) {
          this.sorted.delete(cacheKey);
          continue;
        }
        ids.splice(at, 1);
      }
      if (now !== undefined) ids.splice(this.placeOf(ids, sort, dir, now, id, null), 0, id);
    }
  }

  async search(q: string, options: { cursor?: string; limit?: number } = {}): Promise<Page<SearchHit>> {
    const query = q.trim().slice(0, 200);
    const limit = pageSize(options.limit, 20);
    if (query === '') return { items: [], total: 0, next: null };
    this.buildSearchIndex();
    await this.indexBuild;
    const key = JSON.stringify(['search', query]);
    const offset = options.cursor ? this.cursors.open(options.cursor, key) : 0;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw new InvalidQueryError('the cursor does not hold a position');
    // Only the best offset + limit are ranked (not every match sorted).
    // Matches not in the catalogue are left out (not counted). The index holds only catalogued
    // documents once built (reconciled at start; a delete leaves the index before the catalogue), so
    // with as many documents as the catalogue it holds the same ones and the check, a catalogue
    // lookup per match (about a third of a two-common-word search at 100,000 documents), is skipped.
    const accept = this.index.size === this.catalog.size ? undefined : (id: string) => this.catalog.has(id);
    const { total, hits: page } = this.index.searchPage(query, { offset, limit, accept });
    // The page's documents read together (most are on disk, not in the cache, in a large corpus).
    const docs = await Promise.all(page.map((h) => this.current(h.id)));
    const items: SearchHit[] = [];
    for (const [i, h] of page.entries()) {
      const doc = docs[i];
      const summary = this.catalog.get(h.id);
      if (!doc || !summary) continue;
      const text = latestRevision(doc).text;
      items.push({ summary: structuredClone(summary), score: h.score, snippet: snippetOf(text, matchedTerms(query, { title: doc.meta.title, outlet: doc.meta.outlet, text })) });
    }
    const next = offset + limit < total ? this.cursors.sign(key, offset + limit) : null;
    return { items, total, next };
  }

  /**
   * Starts the search index (once): from `<dataDir>/index/search.bin` when it is usable, checked
   * against the catalogue, then indexing the documents it does not hold as they are (all of them
   * without a usable file), in chunks that let other requests run between them.
   */
  buildSearchIndex(): Promise<void> {
    this.indexBuild ??= (async () => {
      const restored = await restoreSearchIndex(this.index, searchIndexPath(this.dataDir), this.catalog, this.options.log ?? console.warn, { readOnly: this.readOnly });
      const ids = restored.reindex;
      Object.assign(this.searchIndexReport, restored.report, { reindexed: ids.length });
      for (let i = 0; i < ids.length; i += 64) {
        const chunk = ids.slice(i, i + 64);
        const versions = chunk.map((id) => this.versions.get(id) ?? 0);
        const docs = await Promise.all(chunk.map((id) => this.peekForIndex(id)));
        let since = performance.now();
        for (const [j, doc] of docs.entries()) {
          // A document changed meanwhile was indexed by that change.
          if (doc && (this.versions.get(chunk[j]) ?? 0) === versions[j] && this.catalog.has(chunk[j])) this.index.put(doc);
          // A turn of the event loop every few milliseconds, so requests wait at most one document.
          if (performance.now() - since > 8) {
            await new Promise((r) => setImmediate(r));
            since = performance.now();
          }
        }
        await new Promise((r) => setImmediate(r));
      }
      if (!this.readOnly) {
        this.searchSaver = new SearchIndexSaver(searchIndexPath(this.dataDir), this.index, (id) => this.catalog.stampOf(id), this.options.log ?? console.warn);
        if (ids.length || restored.report.dropped || !restored.report.loaded) this.searchSaver.touch();
      }
    })();
    return this.indexBuild;
  }

  /** How many times a document was (re-)indexed for search since the store was opened. */
  get searchIndexedDocuments(): number {
    return this.index.indexedDocuments;
  }

  /** How many document files were checked against the schema since the store was opened (at start and on reads of files it did not write). */
  get schemaChecks(): number {
    return this.checks;
  }

  /** How many revision texts were compressed since the store was opened. */
  get compressedRevisions(): number {
    return this.codec.compressions;
  }

  /** Whether the search index holds every document (the first build is done). */
  get searchIndexSize(): number {
    return this.index.size;
  }

  /**
   * The document to index: from memory, else its file decoded without the schema check (it was
   * checked when catalogued). Only the latest revision is indexed, and it is never compressed: the
   * older compressed ones are not decoded. A file with no compressed revision is the whole document
   * once parsed: when it is the file the store last wrote (`trusts`) and nothing changed meanwhile,
   * it goes into the cache, so the first request for it after the start does not parse it again.
   */
  private async peekForIndex(id: string): Promise<DocumentRecord | null> {
    const inMemory = this.active.get(id)?.db.data ?? this.cache.get(id);
    if (inMemory) return inMemory;
    try {
      const version = this.versions.get(id) ?? 0;
      const file = await readWithStamp(this.fileOf(id));
      if (!file) return null;
      const stored = JSON.parse(file.text) as StoredDocument;
      if (stored.revisions.some((r) => typeof r.textGz === 'string')) {
        return this.codec.decode({ ...stored, revisions: stored.revisions.slice(-1) });
      }
      const doc = this.codec.decode(stored);
      const unchanged = !this.active.has(id) && (this.versions.get(id) ?? 0) === version && this.catalog.has(id);
      if (unchanged && doc.id === id && this.trusts(id, file.stamp) && !this.cache.get(id)) this.cache.set(id, doc);
      return doc;
    } catch {
      return null;
    }
  }

  async findByUrl(url: string): Promise<string[]> {
    // Through the catalogue's URL index: no scan of the corpus.
    return this.catalog.idsWithUrl(url);
  }

  async speakerCounts(): Promise<Array<{ speaker: string; documents: number }>> {
    const counts = new Map<string, number>();
    for (const s of this.catalog.summaries()) for (const sp of s.speakers) counts.set(sp, (counts.get(sp) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([speaker, documents]) => ({ speaker, documents }));
  }

  // ---- Writes ------------------------------------------------------------------------------

  /** Stores a new document; throws if the id is taken or not a safe id, or its history is over the limit. */
  async create(doc: DocumentRecord): Promise<void> {
    this.assertWritable();
    assertSafeId(doc.id);
    if (this.catalog.has(doc.id)) throw new Error(`document ${doc.id} already exists`);
    await this.codec.prepare(doc);
    if (this.catalog.has(doc.id)) throw new Error(`document ${doc.id} already exists`);
    this.codec.check(doc);
    const entry: Entry = { db: new Low(this.adapterFor(this.fileOf(doc.id)), doc), saved: null, queue: [], writing: false, idle: [] };
    this.active.set(doc.id, entry);
    this.changed(doc.id, doc);
    await this.save(doc.id, entry, null, undefined);
  }

  /**
   * Applies `mutate` to a copy of the document and persists it; resolves once it is on disk.
   * Returns what `mutate` returns, or `null` when there is no such document. If an earlier write
   * fails meanwhile, `mutate` runs again on the document as saved, and its second result counts.
   * A result whose history is over the limit throws HistoryTooLargeError and changes nothing.
   */
  async update<T>(id: string, mutate: (draft: DocumentRecord) => T): Promise<{ result: T; doc: DocumentRecord } | null> {
    this.assertWritable();
    let entry = this.active.get(id);
    if (!entry) {
      const current = await this.current(id);
      if (!current) return null;
      entry = this.active.get(id) ?? this.activate(id, current);
    }
    let draft: DocumentRecord;
    let result: T;
    for (let attempt = 1; ; attempt++) {
      const base = entry.db.data;
      const version = this.versions.get(id) ?? 0;
      try {
        draft = cloneDocument(base);
        result = mutate(draft);
        settleDraft(draft);
        // A revision that just became older is compressed on the thread pool; when the document
        // changed meanwhile, the change is made again on the newest state (the mutator runs again,
        // as after a failed write), else the draft stands.
        if (attempt <= 2 && this.codec.needsPreparing(draft)) {
          this.release(id, entry);
          await this.codec.prepare(draft);
          const again = this.active.get(id) ?? (await this.current(id).then((current) => current && (this.active.get(id) ?? this.activate(id, current))));
          if (!again) return null;
          entry = again;
          // Every change in memory bumps the version: the same version is the same document (maybe read again from its file).
          if ((this.versions.get(id) ?? 0) !== version) continue;
        }
        this.codec.check(draft);
      } catch (err) {
        this.release(id, entry);
        throw err;
      }
      break;
    }
    entry.db.data = draft;
    this.changed(id, draft);
    const change = await this.save(id, entry, mutate, result);
    return { result: change.result as T, doc: cloneDocument(change.doc) };
  }

  /**
   * Removes a document: its file is deleted, or moved to `moveTo` when given (the trash), and it
   * leaves the catalogue, cache and index. Returns the document as it was, `null` when there was none.
   */
  async delete(id: string, moveTo?: string): Promise<DocumentRecord | null> {
    this.assertWritable();
    for (let entry = this.active.get(id); entry; entry = this.active.get(id)) {
      const e = entry;
      await new Promise<void>((resolve) => e.idle.push(resolve));
    }
    const doc = await this.current(id);
    if (!doc) return null;
    if (moveTo) {
      await mkdir(dirname(moveTo), { recursive: true });
      await rename(this.fileOf(id), moveTo);
      await syncDir(dirname(moveTo));
    } else {
      await unlink(this.fileOf(id));
    }
    await syncDir(this.documentsDir);
    this.cache.delete(id);
    this.index.remove(id);
    // Out of the catalogue (in memory at once; the log line written after) before the list orders
    // and the listeners hear of it: a listener asking the catalogue must find the document gone.
    const before = this.catalog.get(id);
    const logged = this.catalog.removed(id);
    this.resort(id, before, undefined);
    this.bump(id);
    await logged;
    return cloneDocument(doc);
  }

  /**
   * Brings back a document file moved out by `delete` (the trash): checked like a file at start,
   * then moved into `documents/`. Throws DocumentIdTaken when a document with its id exists.
   */
  async restore(file: string): Promise<DocumentRecord> {
    this.assertWritable();
    const raw = JSON.parse(await readFile(file, 'utf8')) as { id?: unknown };
    const id = String(raw?.id ?? '');
    assertSafeId(id);
    const checked = this.check(id, raw);
    if (typeof checked === 'string') throw new Error(`${file} cannot be restored: it ${checked}`);
    if (this.catalog.has(id)) throw new DocumentIdTaken(id);
    await rename(file, this.fileOf(id));
    await syncDir(this.documentsDir);
    await syncDir(dirname(file));
    this.changed(id, checked);
    this.cache.set(id, checked);
    await this.catalog.written(checked, this.fileOf(id));
    return cloneDocument(checked);
  }

  /** Waits for every queued write and folds the catalogue log into catalog.json. */
  async close(): Promise<void> {
    if (this.pendingCompaction) clearTimeout(this.pendingCompaction);
    for (const [, entry] of this.active) await new Promise<void>((resolve) => entry.idle.push(resolve));
    await this.catalog.flush();
    if (!this.readOnly) await this.catalog.compact();
    await this.searchSaver?.close();
    await this.statementIndex.close(); // a background write still encoding is given up (index-files.ts)
  }

  private activate(id: string, current: DocumentRecord): Entry {
    const entry: Entry = { db: new Low(this.adapterFor(this.fileOf(id)), current), saved: current, queue: [], writing: false, idle: [] };
    this.active.set(id, entry);
    return entry;
  }

  /** An entry with nothing left to write goes back to the cache. */
  private release(id: string, entry: Entry): void {
    if (entry.writing || entry.queue.length || this.active.get(id) !== entry) return;
    this.active.delete(id);
    if (entry.saved) this.cache.set(id, entry.saved);
    for (const resolve of entry.idle.splice(0)) resolve();
  }

  /** The document is now `doc` in memory: catalogue, index, caches and listeners follow. */
  private changed(id: string, doc: DocumentRecord): void {
    const before = this.catalog.get(id);
    this.catalog.set(doc);
    this.resort(id, before, this.catalog.get(id)!);
    if (this.indexBuild) this.index.put(doc);
    this.bump(id);
  }

  private bump(id: string): void {
    this.changes++;
    this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
    for (const listener of this.listeners) listener(id);
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
        await this.catalog.written(data, this.fileOf(id));
        for (const change of batch) change.resolve();
      } catch (err) {
        for (const change of batch) change.reject(err);
        this.rollBack(id, entry, err);
      }
    }
    entry.writing = false;
    this.release(id, entry);
  }

  /** After a failed write: back to the saved document, with the changes still queued applied again. */
  private rollBack(id: string, entry: Entry, err: unknown): void {
    if (entry.saved === null) {
      // The document itself was never written: it is gone, and so is every change queued on it.
      for (const change of entry.queue) change.reject(err);
      entry.queue = [];
      this.active.delete(id);
      const before = this.catalog.get(id);
      this.catalog.delete(id);
      this.index.remove(id);
      this.resort(id, before, undefined);
      this.bump(id);
      for (const resolve of entry.idle.splice(0)) resolve();
      return;
    }
    let data = entry.saved;
    entry.queue = entry.queue.filter((change) => {
      const draft = cloneDocument(data);
      try {
        change.result = change.mutate!(draft);
        settleDraft(draft);
      } catch (refusal) {
        change.reject(refusal);
        return false;
      }
      change.doc = data = draft;
      return true;
    });
    entry.db.data = data;
    this.changed(id, data);
  }

  private assertWritable(): void {
    if (this.readOnly) throw new Error(`the document store over ${this.dataDir} was opened read-only`);
  }
}

/**
 * The lowdb adapter of one document file: durable writes (AtomicJSONFile) of the document with
 * its older revisions compressed; reads give the document back with every text plain.
 */
class StoredDocumentFile implements Adapter<DocumentRecord> {
  private readonly file: AtomicJSONFile<StoredDocument>;

  constructor(
    filename: string,
    private readonly codec: HistoryCodec,
  ) {
    // Sliced: a multi-megabyte document file is serialised between other requests (the store never
    // changes a document object in place, so the data written is the one given).
    this.file = new AtomicJSONFile<StoredDocument>(filename, { sliced: true });
  }

  async read(): Promise<DocumentRecord | null> {
    const stored = await this.file.read();
    return stored === null ? null : this.codec.decode(stored);
  }

  write(doc: DocumentRecord): Promise<void> {
    return this.file.write(this.codec.encode(doc));
  }
}

/**
 * A copy of a document that costs its latest revision and metadata, not its history nor its labels
 * and events until they are read: an older revision is copied shallowly (its text, an immutable
 * string, is shared) and the labels it kept, the document's labels and its events are copied only
 * when something reads or replaces them (a getter that copies once). So changing anything through
 * a copy never reaches the stored document (whose objects are never changed in place: a change is
 * made on a copy and swapped in), and a copy whose labels nobody reads (a revision's answer, the
 * name forms of its text) is cheap however many labels, events and revisions the document has.
 */
export function cloneDocument(doc: DocumentRecord): DocumentRecord {
  const out: Record<string, unknown> = {};
  const last = doc.revisions.length - 1;
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'revisions') out[key] = doc.revisions.map((r, i) => (i === last ? copyRevision(r) : lazyRevision(r)));
    else if ((key === 'labels' || key === 'events') && Array.isArray(value)) copyWhenRead(out, key, value);
    else out[key] = copyData(value);
  }
  return out as unknown as DocumentRecord;
}

/** Makes `out[key]` a copy of `origin` made the first time it is read (or replaced without a copy when set first). */
function copyWhenRead(out: Record<string, unknown>, key: string, origin: unknown): void {
  const settle = (value: unknown) => Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  Object.defineProperty(out, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = copyData(origin);
      settle(value);
      return value;
    },
    set(value: unknown) {
      settle(value);
    },
  });
}

/** The revision each lazy copy was made from, while its labels are not copied yet. */
const lazyOrigin = new WeakMap<Revision, Revision>();

function copyRevision(r: Revision): Revision {
  return copyData(r);
}

/**
 * A deep copy of plain data as JSON files hold it (objects, arrays, strings, numbers, booleans,
 * null): an object is copied with a spread (V8's fast path for cloning a literal's shape), then
 * its object values replaced by their copies; about ten times faster than structuredClone on
 * 20,000 labels, which a save and every read copy. An own `__proto__` key stays a plain property.
 */
function copyData<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyData) as T;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in out) {
    const inner = out[key];
    if (typeof inner !== 'object' || inner === null) continue;
    if (key === '__proto__') Object.defineProperty(out, key, { value: copyData(inner), writable: true, enumerable: true, configurable: true });
    else out[key] = copyData(inner);
  }
  return out as T;
}

function lazyRevision(r: Revision): Revision {
  const origin = lazyOrigin.get(r) ?? r;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(origin)) {
    if (key !== 'labels') out[key] = copyData(value);
  }
  const settle = (labels: unknown) => {
    Object.defineProperty(out, 'labels', { value: labels, writable: true, enumerable: true, configurable: true });
    lazyOrigin.delete(copy);
  };
  Object.defineProperty(out, 'labels', {
    enumerable: origin.labels !== undefined,
    configurable: true,
    get() {
      const labels = copyData(origin.labels);
      settle(labels);
      return labels;
    },
    set(labels: unknown) {
      settle(labels);
    },
  });
  const copy = out as unknown as Revision;
  lazyOrigin.set(copy, origin);
  return copy;
}

/**
 * The stored form of a draft: each older revision that is still an untouched lazy copy, equal to
 * the revision it came from, is that revision again (so the stored document shares its history
 * objects and remembers their compressed form, see history-codec.ts).
 */
function settleDraft(draft: DocumentRecord): DocumentRecord {
  draft.revisions = draft.revisions.map((r) => {
    const origin = lazyOrigin.get(r);
    if (!origin) return r;
    const was = origin as unknown as Record<string, unknown>;
    const now = r as unknown as Record<string, unknown>;
    const keys = Object.keys(origin);
    const same = Object.keys(r).length === keys.length && keys.every((k) =>
      k === 'labels' || Object.is(now[k], was[k]) || (typeof was[k] === 'object' && JSON.stringify(now[k]) === JSON.stringify(was[k])));
    return same ? origin : r;
  });
  return draft;
}

/** Rough bytes a document takes in memory: its texts (UTF-16) and about 400 bytes per label or event. */
function estimateBytes(doc: DocumentRecord): number {
  let n = 1024;
  for (const r of doc.revisions) n += r.text.length * 2 + (r.labels?.length ?? 0) * 400;
  return n + (doc.labels.length + doc.events.length) * 400;
}

/** A file's text with the stamp of the very file read (a rename over it meanwhile leaves the one opened); `null` when it is missing. */
export async function readWithStamp(filename: string): Promise<{ text: string; stamp: FileStamp } | null> {
  let fd: number;
  try {
    fd = await openFd(filename, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const s = await fstatFd(fd);
    // One read of the size the stat gave, plus a byte to notice a file that grew since (then it is
    // read on to its end). Plain descriptors, not a FileHandle: a FileHandle's readFile stats again
    // and reads until an empty read, and its promises cost about three times as much a small file
    // (an export of 100,000 documents reads 100,000 of them).
    let buffer = Buffer.allocUnsafe(s.size + 1);
    let length = await readFdAt(fd, buffer, 0);
    while (length === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
      length += await readFdAt(fd, buffer, length);
    }
    return { stamp: { size: s.size, mtimeMs: s.mtimeMs }, text: buffer.toString('utf8', 0, length) };
  } finally {
    await closeFd(fd);
  }
}

const openFd = promisify(open);
const fstatFd = promisify(fstat);
const closeFd = promisify(close);

/** Reads into `buffer` from `at` (the same position in the file) to its end or the file's; the bytes read. */
function readFdAt(fd: number, buffer: Buffer, at: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, at, buffer.length - at, at, (err, n) => (err ? reject(err) : resolve(n))));
}

/** A document file that changed on disk into something the store cannot use. */
function damaged(id: string, reason: string): Error {
  return new Error(`the file of document ${id} changed on disk and ${reason}`);
}

function compareValues(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertSafeId(id: string): void {
  if (!isDocumentId(id)) throw new Error(`unsafe document id ${JSON.stringify(id)}`);
}
