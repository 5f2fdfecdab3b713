import pg from 'pg';
import { latestRevision, type DocumentRecord } from '../../domain/types.js';
import { isDocumentId } from '../../domain/schema.js';
import { summarize } from '../catalog.js';
import { cloneDocument, DEFAULT_CACHE_BYTES } from '../document-store.js';
import { CursorSigner } from '../cursor.js';
import { HistoryCodec, MAX_HISTORY_BYTES } from '../history-codec.js';
import { LruCache } from '../lru.js';
import {
  DOCUMENT_STATUSES, InvalidQueryError,
  type DocumentRepository, type DocumentSummary, type ListQuery, type Page, type SearchHit,
} from '../repository.js';
import { isConnectionLoss, StorageUnavailableError, storageError } from './errors.js';
import { checkListQuery, NUMERIC_SORT, pageSize, SORT_SQL, sortValue } from './list-query.js';
import { readMigrations, schemaVersion } from './migrate.js';

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
}

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
 * The documents in PostgreSQL, for several app servers on one database. Every document is one row
 * (the whole record as JSON, and the summary the list sorts on); an update is one transaction that
 * locks the row (`SELECT … FOR UPDATE`), so updates from any number of processes to one document
 * run one after another, each on the result of the previous one, and resolve only after COMMIT.
 * A lost connection rejects with StorageUnavailableError (503) and the transaction rolls back.
 *
 * Each change writes a `document_changes` row and a NOTIFY in its transaction; every repository
 * LISTENs, so a change made by another process drops the cached copy here, bumps `generation` and
 * reaches `onChange` listeners. Reads do not depend on the notification arriving: `getDocument`
 * checks the cached copy's version against the row on every call.
 */
export class PgDocumentRepository implements DocumentRepository {
  private readonly cache: LruCache<CachedDocument>;
  private readonly codec: HistoryCodec;
  private readonly listeners = new Set<(id: string) => void>();
  /** Change-feed rows written by this process and already applied, waiting for their own NOTIFY. */
  private readonly ownChanges = new Set<string>();
  /** Notifications that arrived before this process saw its own COMMIT finish (newest last, bounded). */
  private readonly early = new Set<string>();
  private changes = 0;
  /** The highest change-feed sequence number seen here, to replay what was missed while the feed was down. */
  private lastSeq = 0;
  /** The last write queued per document in this process: writes to one document start in call order. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private feed: pg.Client | null = null;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly log: (message: string) => void;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly cursors: CursorSigner,
    options: PgRepositoryOptions,
  ) {
    this.cache = new LruCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES, (c) => estimateBytes(c.doc));
    this.codec = new HistoryCodec(options.maxHistoryBytes ?? MAX_HISTORY_BYTES);
    this.log = options.log ?? ((m) => console.warn(m));
  }

  /**
   * A repository over a pool whose database is migrated to this code's schema version (see
   * migrate.ts; an older schema throws, naming both versions). Starts listening to the change feed.
   */
  static async open(pool: pg.Pool, options: PgRepositoryOptions = {}): Promise<PgDocumentRepository> {
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
    await repo.listen();
    const latest = await pool.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM document_changes');
    repo.seen(latest.rows[0].seq);
    return repo;
  }

  /** Stops listening to the change feed. The pool stays open (it belongs to the caller). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const feed = this.feed;
    this.feed = null;
    await feed?.end().catch(() => undefined);
  }

  // ---- Change feed -------------------------------------------------------------------------

  get generation(): number {
    return this.changes;
  }

  onChange(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A dedicated connection (not from the pool) that LISTENs; it reconnects when lost. */
  private async listen(): Promise<void> {
    const feed = new pg.Client({ ...this.pool.options, application_name: `${this.pool.options.application_name ?? 'framewise'} change feed` });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost || this.closed) return;
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
    this.feed = feed;
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.closed) return;
      // Changes made while nobody listened cannot be told apart: forget every cached copy.
      this.cache.clear();
      this.ownChanges.clear();
      this.early.clear();
      this.changes++;
      this.listen()
        .then(() => this.replay())
        .then(
          () => this.log('the PostgreSQL change feed is back'),
          () => this.scheduleReconnect(),
        );
    }, 1000);
    this.reconnectTimer.unref();
  }

  /** Tells listeners of the changes recorded after the last one seen (those made while the feed was down). */
  private async replay(): Promise<void> {
    const { rows } = await this.pool.query<{ seq: string; id: string }>('SELECT seq::text AS seq, id FROM document_changes WHERE seq > $1 ORDER BY seq', [this.lastSeq]);
    for (const row of rows) {
      this.seen(row.seq);
      this.applied(row.id);
    }
  }

  private seen(seq: string): void {
    this.lastSeq = Math.max(this.lastSeq, Number(seq));
  }

  private received(payload: string): void {
    const at = payload.indexOf(':');
    if (at < 0) return;
    this.seen(payload.slice(0, at));
    if (this.ownChanges.delete(payload)) return;
    this.early.add(payload);
    if (this.early.size > 1000) this.early.delete(this.early.values().next().value!);
    this.applied(payload.slice(at + 1));
  }

  /** Document `id` changed (here or elsewhere): forget its cached copy, bump the generation, tell listeners. */
  private applied(id: string): void {
    this.cache.delete(id);
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
    const row = rows[0] as { version: number; record: DocumentRecord | null };
    if (row.record === null && cached) return cloneDocument(cached.doc);
    const doc = row.record!;
    this.cache.set(id, { version: row.version, doc });
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
    const seq = await this.transaction('creating a document', async (c) => {
      const row = rowOf(saved);
      const inserted = await c.query(
        `INSERT INTO documents (id, version, record, title, title_key, outlet, outlet_key, published_at, url, rev, label_count, review_count, status, status_rank, speakers, body, search)
         VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, ${SEARCH_VECTOR})
         ON CONFLICT (id) DO NOTHING`,
        row,
      );
      if (inserted.rowCount === 0) throw new Error(`document ${doc.id} already exists`);
      return recordChange(c, doc.id, 'create');
    });
    this.committed(seq, doc.id, { version: 1, doc: saved });
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
    const done = await this.transaction('saving a document', async (c) => {
      const cached = this.cache.get(id);
      const { rows } = await c.query('SELECT version, CASE WHEN version = $2 THEN NULL ELSE record END AS record FROM documents WHERE id = $1 FOR UPDATE', [
        id,
        cached?.version ?? -1,
      ]);
      if (!rows.length) return null;
      const row = rows[0] as { version: number; record: DocumentRecord | null };
      const draft = row.record === null && cached ? cloneDocument(cached.doc) : row.record!;
      const result = mutate(draft);
      if (draft.id !== id) throw new Error(`a change may not alter a document's id (${id} became ${JSON.stringify(draft.id)})`);
      this.codec.check(draft);
      const version = row.version + 1;
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
    const done = await this.transaction('deleting a document', async (c) => {
      const { rows } = await c.query('DELETE FROM documents WHERE id = $1 RETURNING record', [id]);
      if (!rows.length) return null;
      return { doc: (rows[0] as { record: DocumentRecord }).record, seq: await recordChange(c, id, 'delete') };
    });
    if (!done) return null;
    this.committed(done.seq, id, null);
    return done.doc;
  }

  /** After COMMIT: the cache holds what was written, and the change is applied here without waiting for its NOTIFY. */
  private committed(seq: string, id: string, now: CachedDocument | null): void {
    const payload = `${seq}:${id}`;
    this.seen(seq);
    // Its NOTIFY may have come first (it travels on another connection): then it was applied already.
    if (!this.early.delete(payload)) {
      this.ownChanges.add(payload);
      this.applied(id);
    }
    if (now) this.cache.set(id, now);
  }

  // ---- Connections -------------------------------------------------------------------------

  private async read(doing: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(sql, params);
    } catch (err) {
      throw storageError(err, doing);
    }
  }

  /**
   * Runs `work` in a transaction on one connection. Anything thrown rolls it back; a lost
   * connection becomes StorageUnavailableError (the server rolls back on its own) and the
   * connection is thrown away rather than returned to the pool.
   */
  private async transaction<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw storageError(err, doing);
    }
    // A connection that dies while checked out reports on its query; this keeps the event from crashing the process.
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    let committing = false;
    try {
      await client.query('BEGIN');
      const out = await work(client);
      committing = true;
      await client.query('COMMIT');
      return out;
    } catch (err) {
      if (isConnectionLoss(err)) {
        broken = err as Error;
        if (committing) {
          throw new StorageUnavailableError(`the database connection was lost while ${doing} was being committed (${(err as Error).message}); reload to see whether it was saved`, {
            cause: err,
          });
        }
      } else {
        await client.query('ROLLBACK').catch((e: Error) => {
          broken = e;
        });
      }
      throw storageError(err, doing);
    } finally {
      client.off('error', ignore);
      client.release(broken);
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

/** Appends to the change feed (NOTIFY goes out at COMMIT); answers the change's sequence number. */
async function recordChange(c: pg.PoolClient, id: string, kind: 'create' | 'update' | 'delete'): Promise<string> {
  const { rows } = await c.query(
    `WITH change AS (INSERT INTO document_changes (id, kind) VALUES ($1, $2) RETURNING seq)
     SELECT seq::text AS seq, pg_notify('${CHANGES_CHANNEL}', seq::text || ':' || $1) FROM change`,
    [id, kind],
  );
  return (rows[0] as { seq: string }).seq;
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
