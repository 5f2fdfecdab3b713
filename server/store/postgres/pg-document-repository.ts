import pg from 'pg';
import { latestRevision, type DocumentRecord } from '../../domain/types.js';
import { documentFileSchema, isDocumentId } from '../../domain/schema.js';
import { summarize } from '../catalog.js';
import { cloneDocument, DEFAULT_CACHE_BYTES, DocumentIdTaken } from '../document-store.js';
import type { Corpus, StatementIndexStorage, TrashRecord } from '../corpus.js';
import type { StateBackend } from '../state.js';
import { CursorSigner } from '../cursor.js';
import { HistoryCodec, MAX_HISTORY_BYTES } from '../history-codec.js';
import { LruCache } from '../lru.js';
import {
  DOCUMENT_STATUSES, InvalidQueryError,
  type DocumentSummary, type ListQuery, type Page, type SearchHit,
} from '../repository.js';
import { storageError } from './errors.js';
import { inTransaction } from './transaction.js';
import { checkListQuery, NUMERIC_SORT, pageSize, SORT_SQL, sortValue } from './list-query.js';
import { readMigrations, schemaVersion } from './migrate.js';
import { PgStatementIndex } from './pg-statement-index.js';
import { PgTrash } from './pg-trash.js';

/** The NOTIFY channel of the change feed; the payload is `<seq>:<document id>`. */
export const CHANGES_CHANNEL = 'framewise_document_changes';

/** Characters of a text that go into its search vector (a tsvector holds at most 1 MB). */
export const SEARCH_TEXT_CHARS = 400_000;

export interface PgRepositoryOptions {
  /** Budget of the cache of whole documents, in (estimated) bytes. */
  cacheBytes?: number;
  /** Limit on a document's stored revision history, in bytes (see history-codec.ts). */
  maxHistoryBytes?: number;
  /** Where lost and regained change-feed connections are reported; `console.warn` by default. */
  log?: (message: string) => void;
  /** The small states (users, team, label types, speakers, answers); PgStateBackend on the same database in production. */
  states: StateBackend;
  /**
   * Whether to LISTEN to the change feed (default true). Without it, changes made by other
   * processes are seen only through `refresh()` (tools that run alone, such as migrate-store; tests).
   */
  listen?: boolean;
}

/** Any number: the transaction-level advisory lock every change takes just before its change-feed row. */
const CHANGE_FEED_LOCK = 7_301_018;

/** Change-feed rows read per query when catching up. */
const CATCH_UP_ROWS = 5000;

interface CachedDocument {
  version: number;
  doc: DocumentRecord;
}

interface SummaryRow {
  id: string;
  title: string;
  outlet: string | null;
  published_at: string | null;
  url: string | null;
  rev: number;
  label_count: number;
  review_count: number;
  status: string;
  speakers: string[];
}

const SUMMARY_COLUMNS = 'id, title, outlet, published_at, url, rev, label_count, review_count, status, speakers';

/**
 * The documents in PostgreSQL, for several app servers on one database: the `Corpus` of a shared
 * database. Every document is one row (the whole record as JSON, and the summary the list sorts
 * on); an update is one transaction that locks the row (`SELECT … FOR UPDATE`), so updates from any
 * number of processes to one document run one after another, each on the result of the previous
 * one, and resolve only after COMMIT. A lost connection rejects with StorageUnavailableError (503)
 * and the transaction rolls back.
 *
 * Each change writes a `document_changes` row in its transaction, under a transaction-level
 * advisory lock held to COMMIT, so changes become visible in the order of their sequence numbers
 * (a query sees every change up to the highest it sees; a rolled-back change leaves a gap that is
 * never filled). That makes catching up exact: `refresh()` reads the changes after the last one
 * applied here, in one query, and applies them (summaries reloaded, cached copies dropped,
 * generation and onChange listeners) before the request runs. The NOTIFY sent at COMMIT only
 * triggers the same catch-up sooner. Reads of a whole document check the cached copy's version
 * against the row on every call anyway.
 *
 * The catalogue of summaries is in memory (loaded at open with one query), so `summary`,
 * `summaries`, `has` and `count` are synchronous, as in the data folder's DocumentStore.
 */
export class PgDocumentRepository implements Corpus {
  private readonly cache: LruCache<CachedDocument>;
  private readonly codec: HistoryCodec;
  private readonly listeners = new Set<(id: string) => void>();
  /** Document id → its summary, as of the changes applied here. */
  private readonly catalogue = new Map<string, DocumentSummary>();
  /** Document id → the sequence number of the change its catalogue entry reflects (absent: as loaded at open). */
  private readonly seqOf = new Map<string, number>();
  /** Changes made by this process, applied at their COMMIT, that catching up has not passed yet. */
  private readonly ownApplied = new Set<number>();
  private changes = 0;
  /** Every change with a sequence number up to this one is applied here. */
  private applied = 0;
  /** The catch-up query running, and the one queued to start after it (see `catchUp`). */
  private pulling: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** The last write queued per document in this process: writes to one document start in call order. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private feed: pg.Client | null = null;
  /** False until the catalogue is loaded; a notification heard meanwhile sets `heardWhileLoading`. */
  private loaded = false;
  private heardWhileLoading = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Feeds ended on purpose (see dropFeed). */
  private readonly dropped = new WeakSet<pg.Client>();
  private readonly log: (message: string) => void;
  readonly states: StateBackend;
  readonly trash: PgTrash;
  readonly statementIndex: StatementIndexStorage;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly cursors: CursorSigner,
    options: PgRepositoryOptions,
  ) {
    this.cache = new LruCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES, (c) => estimateBytes(c.doc));
    this.codec = new HistoryCodec(options.maxHistoryBytes ?? MAX_HISTORY_BYTES);
    this.log = options.log ?? ((m) => console.warn(m));
    this.states = options.states;
    this.trash = new PgTrash(pool);
    this.statementIndex = new PgStatementIndex(pool);
  }

  /**
   * A repository over a pool whose database is migrated to this code's schema version (see
   * migrate.ts; an older schema throws, naming both versions). Starts listening to the change
   * feed, then loads the catalogue.
   */
  static async open(pool: pg.Pool, options: PgRepositoryOptions): Promise<PgDocumentRepository> {
    const migrations = readMigrations();
    const expected = migrations[migrations.length - 1].version;
    const found = await schemaVersion(pool).catch((err: unknown) => {
      throw storageError(err, 'reading the schema version');
    });
    if (found !== expected) {
      throw new Error(`the database schema is at version ${found} but this Framewise needs version ${expected}; run the migrations first (they run at start, or through migrate())`);
    }
    const { rows } = await pool.query<{ value: string }>("SELECT value FROM settings WHERE key = 'cursor_key'");
    if (!rows.length) throw new Error('the settings table has no cursor_key row; the database was not set up by the Framewise migrations');
    const repo = new PgDocumentRepository(pool, new CursorSigner(Buffer.from(rows[0].value, 'hex')), options);
    // Listening first: a change committed while the catalogue loads is then heard, and caught up after.
    if (options.listen !== false) await repo.listen();
    try {
      await repo.load();
      repo.loaded = true;
      if (repo.heardWhileLoading) await repo.catchUp();
    } catch (err) {
      await repo.close();
      throw storageError(err, 'loading the catalogue');
    }
    return repo;
  }

  /** The catalogue and the last change it reflects, from one snapshot. */
  private async load(): Promise<void> {
    const { latest, rows } = await inTransaction(
      this.pool,
      'loading the catalogue',
      async (client) => ({
        latest: (await client.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM document_changes')).rows[0].seq,
        rows: (await client.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM documents ORDER BY id`)).rows,
      }),
      { begin: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' },
    );
    this.applied = Number(latest);
    for (const row of rows) this.catalogue.set(row.id, summaryOf(row));
  }

  /** Stops listening to the change feed. The pool stays open (it belongs to the caller). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const feed = this.feed;
    this.feed = null;
    await feed?.end().catch(() => undefined);
    await Promise.all([this.pulling, this.queued].map((p) => p?.catch(() => undefined)));
  }

  // ---- Catalogue ---------------------------------------------------------------------------

  summary(id: string): DocumentSummary | null {
    const s = this.catalogue.get(id);
    return s ? { ...s, speakers: [...s.speakers] } : null;
  }

  summaries(): DocumentSummary[] {
    return [...this.catalogue.values()].map((s) => ({ ...s, speakers: [...s.speakers] }));
  }

  has(id: string): boolean {
    return this.catalogue.has(id);
  }

  get count(): number {
    return this.catalogue.size;
  }

  /**
   * Catches up with every change committed before this call, through any app server (one query
   * when there is none), then with the states. Connection loss: StorageUnavailableError.
   */
  async refresh(): Promise<void> {
    await this.catchUp();
    await this.states.refresh();
  }

  // ---- Change feed -------------------------------------------------------------------------

  get generation(): number {
    return this.changes;
  }

  onChange(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A dedicated connection (not from the pool) that LISTENs; it reconnects when lost. Answers that
   * connection (now `this.feed`), or `null` when there is nothing to listen for (closed).
   */
  private async listen(): Promise<pg.Client | null> {
    if (this.closed || this.poolEnded()) return null;
    const feed = new pg.Client({ ...this.pool.options, application_name: `${this.pool.options.application_name ?? 'framewise'} change feed` });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost || this.closed || this.dropped.has(feed)) return;
      lost = true;
      this.feed = null;
      this.log(`the PostgreSQL change feed was lost${err ? ` (${err.message})` : ''}; reconnecting, cached documents are dropped meanwhile`);
      this.scheduleReconnect();
    };
    feed.on('error', onLost);
    feed.on('end', () => onLost());
    feed.on('notification', (n) => this.received(n.payload ?? ''));
    try {
      await feed.connect();
      await feed.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (err) {
      lost = true;
      await feed.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      // Closed while connecting: this feed is nobody's.
      lost = true;
      await feed.end().catch(() => undefined);
      return null;
    }
    this.feed = feed;
    return feed;
  }

  /**
   * Ends `feed` (the connection one reconnect attempt opened), quietly: its end is not a loss to
   * report or reconnect from. Never another attempt's feed; not awaited (an end that hangs must not
   * hold up the next attempt).
   */
  private dropFeed(feed: pg.Client): void {
    if (this.feed === feed) this.feed = null;
    this.dropped.add(feed);
    feed.end().catch(() => undefined);
  }

  /** The pool was ended (the store closed around us): nothing to reconnect for. */
  private poolEnded(): boolean {
    return (this.pool as { ended?: boolean }).ended === true;
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.closed || this.poolEnded()) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed) return;
      // Whatever is cached may be stale until caught up: forget it.
      this.cache.clear();
      this.changes++;
      let opened: pg.Client | null = null;
      this.listen()
        .then((feed) => {
          opened = feed;
          return this.catchUp();
        })
        .then(
          () => this.log('the PostgreSQL change feed is back'),
          (err: Error) => {
            // Listening but not caught up: this attempt's feed is let go before the next attempt
            // opens another. A feed lost meanwhile scheduled its own reconnect (which may be
            // listening already): that attempt is left alone.
            const current = opened === null || this.feed === opened;
            if (opened) this.dropFeed(opened);
            this.log(`the PostgreSQL change feed could not catch up (${err.message}); ${current ? 'trying again' : 'a newer connection is trying'}`);
            if (current) this.scheduleReconnect();
          },
        );
    }, 1000);
    this.reconnectTimer.unref();
  }

  /** A NOTIFY `<seq>:<id>`: a change to catch up with, unless it is applied already. */
  private received(payload: string): void {
    const seq = Number(payload.slice(0, payload.indexOf(':')));
    if (!this.loaded) {
      this.heardWhileLoading = true;
      return;
    }
    if (!Number.isSafeInteger(seq) || seq <= this.applied) return;
    this.catchUp().catch((err: Error) => this.log(`catching up with the PostgreSQL change feed failed (${err.message}); the next request tries again`));
  }

  /**
   * Applies every change committed before this call. Catch-ups run one at a time; a call made
   * while one runs joins the one queued after it (whose query starts after this call), never the
   * running one (whose snapshot may be older than the change the caller must see).
   */
  private catchUp(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.pulling) return this.startPull();
    const queued = this.pulling.catch(() => undefined).then(() => {
      this.queued = null;
      return this.startPull();
    });
    this.queued = queued;
    return queued;
  }

  private startPull(): Promise<void> {
    const pulling = this.pull().finally(() => {
      if (this.pulling === pulling) this.pulling = null;
    });
    this.pulling = pulling;
    return pulling;
  }

  /** Reads the changes after `applied` with the current summaries of their documents (one snapshot per query) and applies them. */
  private async pull(): Promise<void> {
    for (;;) {
      const { rows } = await this.read(
        'catching up with changes made by other servers',
        `SELECT c.seq::text AS seq, c.id AS changed, d.${SUMMARY_COLUMNS.split(', ').join(', d.')}
           FROM document_changes c LEFT JOIN documents d ON d.id = c.id
          WHERE c.seq > $1 ORDER BY c.seq LIMIT ${CATCH_UP_ROWS}`,
        [this.applied],
      );
      for (const row of rows as Array<Partial<SummaryRow> & { seq: string; changed: string }>) {
        const seq = Number(row.seq);
        if (seq <= this.applied) continue;
        const id = row.changed;
        if (seq >= (this.seqOf.get(id) ?? 0)) {
          // The row is the document as of this query, which is at or after this change.
          this.seqOf.set(id, seq);
          if (row.id === null || row.id === undefined) this.catalogue.delete(id);
          else this.catalogue.set(id, summaryOf(row as SummaryRow));
        }
        this.applied = seq;
        if (this.ownApplied.delete(seq)) continue; // applied at its COMMIT here
        this.cache.delete(id);
        this.announce(id);
      }
      if (rows.length < CATCH_UP_ROWS) return;
    }
  }

  /** Document `id` changed (here or elsewhere): bump the generation, tell listeners. */
  private announce(id: string): void {
    this.changes++;
    for (const listener of this.listeners) listener(id);
  }

  // ---- Reads -------------------------------------------------------------------------------

  async getDocument(id: string): Promise<DocumentRecord | null> {
    const cached = this.cache.get(id);
    const { rows } = await this.read('reading a document', 'SELECT version, CASE WHEN version = $2 THEN NULL ELSE record END AS record FROM documents WHERE id = $1', [
      id,
      cached?.version ?? -1,
    ]);
    if (!rows.length) {
      this.cache.delete(id);
      return null;
    }
    const row = rows[0] as { version: string; record: DocumentRecord | null };
    if (row.record === null && cached) return cloneDocument(cached.doc);
    const doc = row.record!;
    this.cache.set(id, { version: Number(row.version), doc });
    return cloneDocument(doc);
  }

  async listPage(query: ListQuery = {}): Promise<Page<DocumentSummary>> {
    const q = checkListQuery(query);
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => `$${params.push(v)}`;
    if (q.outlet !== undefined) where.push(`outlet = ${param(q.outlet)}`);
    if (q.from !== undefined) where.push(`published_at >= ${param(q.from)}`);
    if (q.to !== undefined) where.push(`published_at <= ${param(q.to)}`);
    if (q.status !== undefined) where.push(`status = ${param(q.status)}`);
    if (q.only !== undefined) where.push(`id = ANY(${param(q.only)}::text[])`);
    const filters = [...where];
    const countParams = [...params];
    const expr = SORT_SQL[q.sort];
    if (query.cursor) {
      const after = this.cursors.open(query.cursor, q.key) as [string | number, string];
      const valueType = NUMERIC_SORT[q.sort] ? 'number' : 'string';
      if (!Array.isArray(after) || after.length !== 2 || typeof after[0] !== valueType || typeof after[1] !== 'string') {
        throw new InvalidQueryError('the cursor does not hold a position');
      }
      const v = `${param(after[0])}::${NUMERIC_SORT[q.sort] ? 'integer' : 'text'}`;
      const id = param(after[1]);
      where.push(`(${expr} ${q.order === 'desc' ? '<' : '>'} ${v} OR (${expr} = ${v} AND id > ${id}))`);
    }
    const whereSql = (w: string[]) => (w.length ? `WHERE ${w.join(' AND ')}` : '');
    const [page, count] = await Promise.all([
      this.read('listing documents', `SELECT ${SUMMARY_COLUMNS} FROM documents ${whereSql(where)} ORDER BY ${expr} ${q.order.toUpperCase()}, id ASC LIMIT ${q.limit + 1}`, params),
      this.read('counting documents', `SELECT count(*)::integer AS n FROM documents ${whereSql(filters)}`, countParams),
    ]);
    const items = (page.rows as SummaryRow[]).slice(0, q.limit).map(summaryOf);
    const last = items[items.length - 1];
    const next = last && page.rows.length > q.limit ? this.cursors.sign(q.key, [sortValue(last, q.sort), last.id]) : null;
    return { items, total: (count.rows[0] as { n: number }).n, next };
  }

  async search(q: string, options: { cursor?: string; limit?: number } = {}): Promise<Page<SearchHit>> {
    const query = q.trim().slice(0, 200);
    const limit = pageSize(options.limit, 20);
    const tsquery = toTsQuery(query);
    if (tsquery === null) return { items: [], total: 0, next: null };
    const key = JSON.stringify(['search', query]);
    const offset = options.cursor ? this.cursors.open(options.cursor, key) : 0;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw new InvalidQueryError('the cursor does not hold a position');
    const [page, count] = await Promise.all([
      this.read(
        'searching',
        `SELECT ${SUMMARY_COLUMNS}, ts_rank(search, q) AS score,
                ts_headline('simple', body, q, 'StartSel="", StopSel="", MaxFragments=2, MaxWords=20, MinWords=5, ShortWord=0, FragmentDelimiter=" … "') AS snippet
           FROM documents, to_tsquery('simple', $1) AS q
          WHERE search @@ q
          ORDER BY score DESC, id ASC OFFSET $2 LIMIT $3`,
        [tsquery, offset, limit],
      ),
      this.read('searching', "SELECT count(*)::integer AS n FROM documents WHERE search @@ to_tsquery('simple', $1)", [tsquery]),
    ]);
    const total = (count.rows[0] as { n: number }).n;
    const items = (page.rows as Array<SummaryRow & { score: number; snippet: string }>).map((r) => ({
      summary: summaryOf(r),
      score: r.score,
      snippet: r.snippet.replace(/\s+/g, ' ').trim(),
    }));
    return { items, total, next: offset + limit < total ? this.cursors.sign(key, offset + limit) : null };
  }

  async findByUrl(url: string): Promise<string[]> {
    const { rows } = await this.read('finding a document by URL', 'SELECT id FROM documents WHERE url = $1 ORDER BY id', [url]);
    return rows.map((r) => (r as { id: string }).id);
  }

  async speakerCounts(): Promise<Array<{ speaker: string; documents: number }>> {
    const { rows } = await this.read(
      'counting speakers',
      'SELECT s COLLATE "C" AS speaker, count(*)::integer AS documents FROM documents, unnest(speakers) AS s GROUP BY 1 ORDER BY 2 DESC, 1 ASC',
      [],
    );
    return rows as Array<{ speaker: string; documents: number }>;
  }

  // ---- Writes ------------------------------------------------------------------------------

  async create(doc: DocumentRecord): Promise<void> {
    if (!isDocumentId(doc.id)) throw new Error(`unsafe document id ${JSON.stringify(doc.id)}`);
    this.codec.check(doc);
    const saved = cloneDocument(doc);
    const seq = await inTransaction(this.pool, 'creating a document', async (c) => {
      const row = rowOf(saved);
      const inserted = await c.query(
        `INSERT INTO documents (id, version, record, title, title_key, outlet, outlet_key, published_at, url, rev, label_count, review_count, status, status_rank, speakers, body, search)
         VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, ${SEARCH_VECTOR})
         ON CONFLICT (id) DO NOTHING`,
        row,
      );
      if (inserted.rowCount === 0) throw new Error(`document ${doc.id} already exists`);
      return newLife(c, doc.id);
    });
    this.committed(seq, doc.id, { version: Number(seq), doc: saved });
  }

  async update<T>(id: string, mutate: (draft: DocumentRecord) => T): Promise<{ result: T; doc: DocumentRecord } | null> {
    return this.inTurn(id, () => this.updateNow(id, mutate));
  }

  /**
   * Runs `write` once the writes to `id` queued before it in this process are done. The row lock
   * alone would serialise them too, but not in the order they were asked for, and each waiting
   * write would hold a pooled connection meanwhile.
   */
  private inTurn<T>(id: string, write: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(id) ?? Promise.resolve()).then(write, write);
    const settled = run.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return run;
  }

  private async updateNow<T>(id: string, mutate: (draft: DocumentRecord) => T): Promise<{ result: T; doc: DocumentRecord } | null> {
    const done = await inTransaction(this.pool, 'saving a document', async (c) => {
      const cached = this.cache.get(id);
      const { rows } = await c.query('SELECT version, CASE WHEN version = $2 THEN NULL ELSE record END AS record FROM documents WHERE id = $1 FOR UPDATE', [
        id,
        cached?.version ?? -1,
      ]);
      if (!rows.length) return null;
      const row = rows[0] as { version: string; record: DocumentRecord | null };
      const draft = row.record === null && cached ? cloneDocument(cached.doc) : row.record!;
      const result = mutate(draft);
      if (draft.id !== id) throw new Error(`a change may not alter a document's id (${id} became ${JSON.stringify(draft.id)})`);
      this.codec.check(draft);
      const version = Number(row.version) + 1;
      await c.query(
        `UPDATE documents SET version = $16, record = $2, title = $3, title_key = $4, outlet = $5, outlet_key = $6, published_at = $7, url = $8,
                rev = $9, label_count = $10, review_count = $11, status = $12, status_rank = $13, speakers = $14, body = $15, search = ${SEARCH_VECTOR}
          WHERE id = $1`,
        [...rowOf(draft), version],
      );
      const seq = await recordChange(c, id, 'update');
      return { result, doc: draft, version, seq };
    });
    if (!done) return null;
    this.committed(done.seq, id, { version: done.version, doc: done.doc });
    return { result: done.result, doc: cloneDocument(done.doc) };
  }

  async delete(id: string): Promise<DocumentRecord | null> {
    return this.inTurn(id, () => this.deleteNow(id));
  }

  private async deleteNow(id: string): Promise<DocumentRecord | null> {
    const done = await inTransaction(this.pool, 'deleting a document', async (c) => {
      const { rows } = await c.query('DELETE FROM documents WHERE id = $1 RETURNING record', [id]);
      if (!rows.length) return null;
      return { doc: (rows[0] as { record: DocumentRecord }).record, seq: await recordChange(c, id, 'delete') };
    });
    if (!done) return null;
    this.committed(done.seq, id, null);
    return done.doc;
  }

  /** Moves the document row to the trash with `record`, in one transaction (with its change-feed row). */
  async moveToTrash(id: string, record: TrashRecord): Promise<DocumentRecord | null> {
    if (record.id !== id) throw new Error(`the trash record of ${JSON.stringify(record.id)} was given for document ${id}`);
    return this.inTurn(id, async () => {
      const done = await inTransaction(this.pool, 'moving a document to the trash', async (c) => {
        // The record moves inside the database, as stored: no round trip of the JSON through this process.
        const { rows } = await c.query(
          `WITH gone AS (DELETE FROM documents WHERE id = $1 RETURNING id, record)
           INSERT INTO trash (id, record, title, deleted_at, deleted_by) SELECT id, record, $2, $3, $4 FROM gone
           ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record, title = EXCLUDED.title, deleted_at = EXCLUDED.deleted_at, deleted_by = EXCLUDED.deleted_by
           RETURNING record`,
          [id, record.title, new Date(record.deletedAt), record.deletedBy],
        );
        if (!rows.length) return null;
        return { doc: (rows[0] as { record: DocumentRecord }).record, seq: await recordChange(c, id, 'delete') };
      });
      if (!done) return null;
      this.committed(done.seq, id, null);
      return done.doc;
    });
  }

  /**
   * Brings a document back from the trash in one transaction: DocumentIdTaken (nothing changes)
   * when a document with its id exists again, an Error when it is not in the trash.
   */
  async restoreFromTrash(id: string): Promise<DocumentRecord> {
    return this.inTurn(id, async () => {
      const done = await inTransaction(this.pool, 'restoring a document from the trash', async (c) => {
        const { rows } = await c.query('DELETE FROM trash WHERE id = $1 RETURNING record', [id]);
        if (!rows.length) throw new Error(`no document with id "${id}" in the trash`);
        const doc = (rows[0] as { record: DocumentRecord }).record;
        const parsed = documentFileSchema.safeParse(doc);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new Error(`the trashed document ${id} cannot be restored: it does not match the document schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
        }
        if (doc.id !== id) throw new Error(`the trashed document ${id} cannot be restored: it holds document ${JSON.stringify(doc.id)}`);
        const inserted = await c.query(
          `INSERT INTO documents (id, version, record, title, title_key, outlet, outlet_key, published_at, url, rev, label_count, review_count, status, status_rank, speakers, body, search)
           VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, ${SEARCH_VECTOR})
           ON CONFLICT (id) DO NOTHING`,
          rowOf(doc),
        );
        if (inserted.rowCount === 0) throw new DocumentIdTaken(id);
        return { doc, seq: await newLife(c, id) };
      });
      this.committed(done.seq, id, { version: Number(done.seq), doc: done.doc });
      return cloneDocument(done.doc);
    });
  }

  /**
   * After COMMIT: the change is applied here at once (catalogue, cache, generation, listeners),
   * unless a catch-up already passed it; the catch-up that reaches it later only notes it.
   */
  private committed(seqText: string, id: string, now: CachedDocument | null): void {
    const seq = Number(seqText);
    const fresh = seq > this.applied;
    if (seq >= (this.seqOf.get(id) ?? 0)) {
      this.seqOf.set(id, seq);
      if (now) this.catalogue.set(id, summarize(now.doc));
      else this.catalogue.delete(id);
    }
    if (fresh) {
      this.ownApplied.add(seq);
      this.cache.delete(id);
      this.announce(id);
      // Without a change feed nothing may catch up for a long while: keep the set small.
      if (this.ownApplied.size > 10_000) this.catchUp().catch(() => undefined);
    }
    if (now && seq >= (this.seqOf.get(id) ?? 0)) this.cache.set(id, now);
  }

  // ---- Connections -------------------------------------------------------------------------

  private async read(doing: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(sql, params);
    } catch (err) {
      throw storageError(err, doing);
    }
  }
}

/** `tsvector` of a row from its parameters $3 (title), $5 (outlet) and $15 (text). */
const SEARCH_VECTOR = `setweight(to_tsvector('simple', $3), 'A') || setweight(to_tsvector('simple', coalesce($5, '')), 'B') || setweight(to_tsvector('simple', left($15, ${SEARCH_TEXT_CHARS})), 'C')`;

/** Parameters $1..$15 of a document row. */
function rowOf(doc: DocumentRecord): unknown[] {
  const s = summarize(doc);
  return [
    doc.id, JSON.stringify(doc), s.title, s.title.toLowerCase(), s.outlet ?? null, (s.outlet ?? '').toLowerCase(), s.publishedAt ?? null,
    s.url ?? null, s.rev, s.labelCount, s.reviewCount, s.status, DOCUMENT_STATUSES.indexOf(s.status), s.speakers, latestRevision(doc).text,
  ];
}

/**
 * Appends to the change feed (NOTIFY goes out at COMMIT); answers the change's sequence number.
 * The advisory lock, held until COMMIT, makes changes commit in the order of their numbers (see
 * PgDocumentRepository). It is taken last, so only the end of each write transaction waits.
 */
async function recordChange(c: pg.PoolClient, id: string, kind: 'create' | 'update' | 'delete'): Promise<string> {
  await c.query('SELECT pg_advisory_xact_lock($1)', [CHANGE_FEED_LOCK]);
  const { rows } = await c.query(
    `WITH change AS (INSERT INTO document_changes (id, kind) VALUES ($1, $2) RETURNING seq)
     SELECT seq::text AS seq, pg_notify('${CHANGES_CHANNEL}', seq::text || ':' || $1) FROM change`,
    [id, kind],
  );
  return (rows[0] as { seq: string }).seq;
}

/**
 * The change-feed row of a document row just inserted (created, or restored from the trash), whose
 * version becomes that change's sequence number: higher than any version the id had in an earlier
 * life (each of those changes has a lower number, and a version grows by one per change), so a copy
 * of an earlier life cached by any server never passes the version check. Versions are bigint, as
 * the sequence (migration 004; node-postgres hands them over as strings, read with Number: exact
 * up to 2^53).
 */
async function newLife(c: pg.PoolClient, id: string): Promise<string> {
  const seq = await recordChange(c, id, 'create');
  await c.query('UPDATE documents SET version = $2 WHERE id = $1', [id, seq]);
  return seq;
}

function summaryOf(r: SummaryRow): DocumentSummary {
  return {
    id: r.id,
    title: r.title,
    ...(r.outlet !== null ? { outlet: r.outlet } : {}),
    ...(r.published_at !== null ? { publishedAt: r.published_at } : {}),
    ...(r.url !== null ? { url: r.url } : {}),
    rev: r.rev,
    labelCount: r.label_count,
    reviewCount: r.review_count,
    status: r.status as DocumentSummary['status'],
    speakers: r.speakers,
  };
}

/**
 * The search words as a tsquery: every word must match (AND), words of 3+ characters as a prefix,
 * like the lowdb store's minisearch index. `null` when the query has no word.
 */
export function toTsQuery(query: string): string | null {
  const words = (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 20);
  if (!words.length) return null;
  return words.map((w) => `'${w}'${w.length >= 3 ? ':*' : ''}`).join(' & ');
}

/** Rough bytes a document takes in memory (as the lowdb store counts them). */
function estimateBytes(doc: DocumentRecord): number {
  let n = 1024;
  for (const r of doc.revisions) n += r.text.length * 2 + (r.labels?.length ?? 0) * 400;
  return n + (doc.labels.length + doc.events.length) * 400;
}
