import pg from 'pg';
import { startCluster, freePort, type TestCluster } from '../helpers/postgres-cluster.js';
import { InvalidCursorError, InvalidQueryError, MAX_PAGE_SIZE } from '../../server/store/repository.js';
import { HistoryTooLargeError } from '../../server/store/history-codec.js';
import { migrate, readMigrations, SchemaTooNewError } from '../../server/store/postgres/migrate.js';
import { DatabaseUnusableError, openPool } from '../../server/store/postgres/pool.js';
import { StorageUnavailableError } from '../../server/store/postgres/errors.js';
import { openPostgresStore, type PostgresStore } from '../../server/store/postgres/index.js';
import { labelOn, nextChange, pgDoc, server, sql } from './pg-helpers.js';
import { repositoryContract } from './repository-contract.js';

let cluster: TestCluster;
let dbCount = 0;
/** A fresh database on the test cluster for each test that needs one. */
const freshDatabase = () => cluster.createDatabase(`pg_repo_${++dbCount}`);

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());

// The same contract as the lowdb store, unchanged: each test gets a fresh database; `reopen` is a
// restart (a new pool and repository on the same database).
repositoryContract('PostgreSQL', async ({ maxHistoryBytes }) => {
  const url = freshDatabase();
  const stores: PostgresStore[] = [];
  const open = async () => {
    const store = await openPostgresStore(url, { maxHistoryBytes, log: () => {} });
    stores.push(store);
    return store.documents;
  };
  const repo = await open();
  return {
    repo,
    reopen: open,
    damageStatementIndex: async (bytes) => {
      const client = await sql(url);
      try {
        await client.query('UPDATE statement_index_snapshot SET content = $1', [bytes]);
      } finally {
        await client.end();
      }
    },
    cleanup: async () => {
      for (const s of stores) await s.close();
    },
  };
});

describe('PgDocumentRepository on one server', () => {
  let a: PostgresStore;
  beforeEach(async () => {
    a = await server(freshDatabase(), 'server-a');
  });
  afterEach(() => a.close());

  it('when a document is created, then it reads back equal, and a second create with its id is refused', async () => {
    const doc = pgDoc('doc-1', 'The minister said "taxes will rise" on Monday. 🎉 Ünïcode stays.', { outlet: 'Daily', publishedAt: '2024-05-06', url: 'https://x.test/1' });
    await a.documents.create(doc);
    expect(await a.documents.getDocument('doc-1')).toEqual(doc);
    await expect(a.documents.create(pgDoc('doc-1'))).rejects.toThrow('document doc-1 already exists');
    expect(await a.documents.getDocument('missing')).toBeNull();
    expect(await a.documents.findByUrl('https://x.test/1')).toEqual(['doc-1']);
  });

  it('when an unsafe id is given, then create refuses it and stores nothing', async () => {
    await expect(a.documents.create(pgDoc('../etc'))).rejects.toThrow('unsafe document id');
    expect((await a.documents.listPage()).total).toBe(0);
  });

  it('when a mutator throws, then update rejects with its error and the document is as it was', async () => {
    const doc = pgDoc('doc-1');
    await a.documents.create(doc);
    await expect(
      a.documents.update('doc-1', (d) => {
        d.labels.push(labelOn(d, 'half'));
        throw new Error('refused by the domain');
      }),
    ).rejects.toThrow('refused by the domain');
    expect(await a.documents.getDocument('doc-1')).toEqual(doc);
    expect(await a.documents.update('missing', () => 1)).toBeNull();
  });

  it('when a change would take the history over the limit, then it is refused with 413 and nothing changes', async () => {
    const small = await openPostgresStore(a.pool.options.connectionString!, { maxHistoryBytes: 100, log: () => {} });
    try {
      await small.documents.create(pgDoc('doc-1', 'short'));
      const err = await small.documents.update('doc-1', (d) => d.revisions.push({ ...d.revisions[0], rev: 2, text: 'x'.repeat(200) })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HistoryTooLargeError);
      expect((await small.documents.getDocument('doc-1'))!.revisions).toHaveLength(1);
    } finally {
      await small.close();
    }
  });

  it('when a document is returned, then changing it changes nothing stored', async () => {
    await a.documents.create(pgDoc('doc-1'));
    const got = (await a.documents.getDocument('doc-1'))!;
    got.meta.title = 'scribbled';
    const updated = (await a.documents.update('doc-1', () => 'ok'))!;
    updated.doc.meta.title = 'scribbled again';
    expect((await a.documents.getDocument('doc-1'))!.meta.title).toBe('Title doc-1');
  });

  it('when documents are listed page by page, then every page is sorted, filtered and the pages join without gaps', async () => {
    const dates = ['2024-01-03', '2024-01-01', undefined, '2024-01-02', '2024-01-02'];
    for (const [i, date] of dates.entries()) {
      await a.documents.create(pgDoc(`doc-${i}`, `Text ${i}`, { title: `Title ${'edcba'[i]}`, outlet: i % 2 ? 'Odd' : 'Even', ...(date ? { publishedAt: date } : {}) }));
    }
    const first = await a.documents.listPage({ limit: 2 });
    expect(first.items.map((s) => s.id)).toEqual(['doc-0', 'doc-3']);
    expect(first.total).toBe(5);
    const second = await a.documents.listPage({ limit: 2, cursor: first.next! });
    expect(second.items.map((s) => s.id)).toEqual(['doc-4', 'doc-1']);
    const third = await a.documents.listPage({ limit: 2, cursor: second.next! });
    expect(third.items.map((s) => s.id)).toEqual(['doc-2']);
    expect(third.next).toBeNull();
    expect((await a.documents.listPage({ sort: 'title' })).items.map((s) => s.title)).toEqual(['Title a', 'Title b', 'Title c', 'Title d', 'Title e']);
    const odd = await a.documents.listPage({ outlet: 'Odd', from: '2024-01-02' });
    expect(odd.items.map((s) => s.id)).toEqual(['doc-3']);
    expect(odd.total).toBe(1);
  });

  it('when a cursor is tampered with or used for another sort, or a query is bad, then a 400 error says so', async () => {
    for (let i = 0; i < 3; i++) await a.documents.create(pgDoc(`doc-${i}`));
    const { next } = await a.documents.listPage({ limit: 1 });
    const [body, mac] = next!.split('.');
    await expect(a.documents.listPage({ limit: 1, cursor: `${body}.${mac.slice(0, -2)}AA` })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(a.documents.listPage({ limit: 1, sort: 'title', cursor: next! })).rejects.toThrow('belongs to another sort');
    await expect(a.documents.listPage({ limit: MAX_PAGE_SIZE + 1 })).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(a.documents.listPage({ sort: 'size' as never })).rejects.toThrow('unknown sort key "size"');
  });

  it('when texts are searched, then every word must match (prefix from 3 letters), titles rank first, and the snippet is plain text around the match', async () => {
    await a.documents.create(pgDoc('in-text', `${'Filler words here. '.repeat(30)}The finance minister promised lower taxes. ${'More filler. '.repeat(30)}`, { title: 'Budget day' }));
    await a.documents.create(pgDoc('in-title', 'Nothing about money here.', { title: 'Minister on taxes' }));
    await a.documents.create(pgDoc('one-word', 'The minister spoke.', { title: 'Speech' }));
    const hits = await a.documents.search('minis taxes');
    expect(hits.items.map((h) => h.summary.id)).toEqual(['in-title', 'in-text']);
    expect(hits.total).toBe(2);
    const snippet = hits.items[1].snippet;
    expect(snippet).toContain('finance minister promised lower taxes');
    expect(snippet.length).toBeLessThan(400);
    expect(snippet).not.toMatch(/<|>/);
    const paged = await a.documents.search('minister', { limit: 2 });
    const rest = await a.documents.search('minister', { limit: 2, cursor: paged.next! });
    expect([...paged.items, ...rest.items].map((h) => h.summary.id).sort()).toEqual(['in-text', 'in-title', 'one-word']);
    expect((await a.documents.search('  ?! ')).items).toEqual([]);
  });

  it('when labels name speakers, then speakerCounts counts documents per speaker, most used first', async () => {
    for (const [id, speakers] of [['d1', ['Ann', 'Bob']], ['d2', ['Bob']], ['d3', []]] as const) {
      const doc = pgDoc(id);
      doc.labels = speakers.map((s, i) => ({ ...labelOn(doc, `${id}-${i}`), speaker: s }));
      await a.documents.create(doc);
    }
    expect(await a.documents.speakerCounts()).toEqual([{ speaker: 'Bob', documents: 2 }, { speaker: 'Ann', documents: 1 }]);
  });

  it('when a document is deleted, then it is gone from reads, lists, search and URL lookup, and delete answers it once', async () => {
    const doc = pgDoc('doc-1', 'Unique words zebra.', { url: 'https://x.test/z' });
    await a.documents.create(doc);
    expect(await a.documents.delete('doc-1')).toEqual(doc);
    expect(await a.documents.delete('doc-1')).toBeNull();
    expect(await a.documents.getDocument('doc-1')).toBeNull();
    expect((await a.documents.listPage()).total).toBe(0);
    expect((await a.documents.search('zebra')).total).toBe(0);
    expect(await a.documents.findByUrl('https://x.test/z')).toEqual([]);
  });
});

describe('a database past 2^31 changes', () => {
  it('when the change feed numbers pass 2^31, then documents are still created, updated and read by another server, their versions exact', async () => {
    const url = freshDatabase();
    const a = await server(url, 'server-a');
    const b = await server(url, 'server-b');
    const client = await sql(url);
    try {
      // As after three billion changes in the database's life.
      await client.query("SELECT setval(pg_get_serial_sequence('document_changes', 'seq'), 3000000000)");
      const doc = pgDoc('doc-1', 'Words of the first document.');
      await a.documents.create(doc);
      expect((await client.query("SELECT version::text AS v FROM documents WHERE id = 'doc-1'")).rows).toEqual([{ v: '3000000001' }]);
      expect(await b.documents.getDocument('doc-1')).toEqual(doc);
      await a.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'label-1')));
      expect((await client.query("SELECT version::text AS v FROM documents WHERE id = 'doc-1'")).rows).toEqual([{ v: '3000000002' }]);
      // b's cached copy (version 3000000001) is stale: it reads the new record.
      expect((await b.documents.getDocument('doc-1'))!.labels.map((l) => l.id)).toEqual(['label-1']);
      await b.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'label-2', 5)));
      expect((await a.documents.getDocument('doc-1'))!.labels.map((l) => l.id)).toEqual(['label-1', 'label-2']);
      expect((await client.query("SELECT version::text AS v FROM documents WHERE id = 'doc-1'")).rows).toEqual([{ v: '3000000003' }]);
    } finally {
      await client.end();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('two app servers on one database', () => {
  let url: string;
  let a: PostgresStore;
  let b: PostgresStore;
  beforeEach(async () => {
    url = freshDatabase();
    a = await server(url, 'server-a');
    b = await server(url, 'server-b');
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('when server A changes a document that B has cached, then B reads the change on its next request and hears of it through the change feed', async () => {
    await a.documents.create(pgDoc('doc-1'));
    expect((await b.documents.getDocument('doc-1'))!.labels).toEqual([]); // now cached in B
    const heard = nextChange(b, (id) => id === 'doc-1');
    const before = b.documents.generation;
    await a.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'from-a')));
    // Read at once, without waiting for the notification: the version check sees the new row.
    expect((await b.documents.getDocument('doc-1'))!.labels.map((l) => l.id)).toEqual(['from-a']);
    expect(await heard).toBe('doc-1');
    expect(b.documents.generation).toBeGreaterThan(before);
    expect((await b.documents.listPage()).items[0].labelCount).toBe(1);
  });

  it('when a server loses its change-feed connection, then it reconnects, bumps its generation, hears the changes made meanwhile and later ones', async () => {
    let back!: () => void;
    const reconnected = new Promise<void>((resolve) => (back = resolve));
    const logs: string[] = [];
    const c = await openPostgresStore(url, { applicationName: 'server-c', log: (m) => (logs.push(m), m.includes('is back') && back()) });
    try {
      await a.documents.create(pgDoc('doc-1'));
      const before = c.documents.generation;
      const client = await sql(url);
      try {
        const { rows } = await client.query("SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = 'server-c change feed'");
        expect(rows).toEqual([{ killed: true }]);
      } finally {
        await client.end();
      }
      // Made while C has no feed (it reconnects after a second): C hears of it by replay once back.
      const missed = nextChange(c, (id) => id === 'doc-1');
      await a.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'while-down')));
      await reconnected;
      expect(await missed).toBe('doc-1');
      expect(logs[0]).toMatch(/^the PostgreSQL change feed was lost .*; reconnecting, cached documents are dropped meanwhile$/);
      expect(c.documents.generation).toBeGreaterThan(before);
      const heard = nextChange(c, (id) => id === 'doc-1');
      await a.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'after-reconnect')));
      expect(await heard).toBe('doc-1');
    } finally {
      await c.close();
    }
  });

  it('when a page cursor comes from server A, then server B continues the listing with it (one signing key in the database)', async () => {
    for (let i = 0; i < 3; i++) await a.documents.create(pgDoc(`doc-${i}`));
    const first = await a.documents.listPage({ sort: 'title', limit: 2 });
    const second = await b.documents.listPage({ sort: 'title', limit: 2, cursor: first.next! });
    expect(second.items.map((s) => s.id)).toEqual(['doc-2']);
  });

  it('when both servers append 50 labels each to one document at once, then all 100 are kept exactly once with their 100 events', async () => {
    await a.documents.create(pgDoc('doc-1'));
    const append = (store: PostgresStore, name: string) => (i: number) =>
      store.documents.update('doc-1', (d) => {
        d.labels.push(labelOn(d, `${name}-${i}`));
        d.events.push({ at: `${NOW_PLUS(i)}`, actor: name, kind: 'label.created', labelId: `${name}-${i}` });
        return `${name}-${i}`;
      });
    const writes = [...Array(50).keys()].flatMap((i) => [append(a, 'a')(i), append(b, 'b')(i)]);
    const acknowledged = (await Promise.all(writes)).map((r) => r!.result);
    expect(acknowledged).toHaveLength(100);
    const stored = (await b.documents.getDocument('doc-1'))!;
    expect(stored.labels.map((l) => l.id).sort()).toEqual([...acknowledged].sort());
    expect(new Set(stored.labels.map((l) => l.id)).size).toBe(100);
    expect(stored.events.filter((e) => e.kind === 'label.created').map((e) => e.labelId)).toEqual(stored.labels.map((l) => l.id));
    const client = await sql(url);
    try {
      const { rows } = await client.query("SELECT version::int AS version, (SELECT count(*)::int FROM document_changes WHERE id = 'doc-1') AS changes FROM documents WHERE id = 'doc-1'");
      expect(rows[0]).toEqual({ version: 101, changes: 101 });
    } finally {
      await client.end();
    }
  });

  it('when the connection is killed in the middle of an update, then it rejects with a 503 StorageUnavailableError, nothing is half-written, and the next update works', async () => {
    const doc = pgDoc('doc-1');
    await a.documents.create(doc);
    const holder = await sql(url);
    try {
      // Hold the change-feed table so that A's update stops after writing the document row, before COMMIT.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE document_changes IN EXCLUSIVE MODE');
      const update = a.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'lost'))).catch((e: unknown) => e);
      const pid = await waitingBackend(holder, 'server-a');
      // It waits on the change feed's insert, having written the document row (it holds a transaction id).
      const { rows: written } = await holder.query('SELECT query, backend_xid IS NOT NULL AS wrote FROM pg_stat_activity WHERE pid = $1', [pid]);
      expect(written[0].query).toContain('INSERT INTO document_changes');
      expect(written[0].wrote).toBe(true);
      await holder.query('SELECT pg_terminate_backend($1)', [pid]);
      const err = await update;
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect((err as StorageUnavailableError).status).toBe(503);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    expect(await b.documents.getDocument('doc-1')).toEqual(doc);
    const client = await sql(url);
    try {
      const { rows } = await client.query("SELECT version::int AS version, (SELECT count(*)::int FROM document_changes WHERE id = 'doc-1') AS changes FROM documents WHERE id = 'doc-1'");
      expect(rows[0]).toEqual({ version: 1, changes: 1 });
    } finally {
      await client.end();
    }
    await a.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'after')));
    expect((await b.documents.getDocument('doc-1'))!.labels.map((l) => l.id)).toEqual(['after']);
  });

  it('when the connection is killed in the middle of a create, then nothing of the document is stored', async () => {
    const holder = await sql(url);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE document_changes IN EXCLUSIVE MODE');
      const create = a.documents.create(pgDoc('doc-2')).catch((e: unknown) => e);
      await holder.query('SELECT pg_terminate_backend($1)', [await waitingBackend(holder, 'server-a')]);
      expect(await create).toBeInstanceOf(StorageUnavailableError);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    expect(await b.documents.getDocument('doc-2')).toBeNull();
    expect((await b.documents.listPage()).total).toBe(0);
  });
});

describe('migrations', () => {
  it('when migrate runs again, or two servers migrate a fresh database at once, then the schema is applied exactly once', async () => {
    const url = freshDatabase();
    const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
    try {
      const all = readMigrations();
      const latest = all.length;
      const results = await Promise.all(pools.map((p) => migrate(p)));
      expect(results.map((r) => r.applied).sort()).toEqual([[], all.map((m) => m.version)]);
      const again = await migrate(pools[0]);
      expect(again).toEqual({ from: latest, to: latest, applied: [] });
      const { rows } = await pools[0].query('SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows).toEqual(all.map((m) => ({ version: m.version, name: m.name })));
      expect(rows.slice(0, 3)).toEqual([{ version: 1, name: 'init' }, { version: 2, name: 'states' }, { version: 3, name: 'trash_and_index' }]);
      const keys = await pools[0].query("SELECT count(*)::int AS n FROM settings WHERE key = 'cursor_key'");
      expect(keys.rows[0].n).toBe(1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('when the database schema is newer than the code, then start refuses with both versions in the message and changes nothing', async () => {
    const url = freshDatabase();
    const client = await sql(url);
    try {
      const first = await server(url, 'old');
      await first.documents.create(pgDoc('doc-1'));
      await first.close();
      const newest = readMigrations().length;
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future')", [newest + 1]);
      const err = await openPostgresStore(url, { log: () => {} }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SchemaTooNewError);
      expect((err as Error).message).toContain(`the database schema is at version ${newest + 1}, newer than this Framewise knows (version ${newest})`);
      const { rows } = await client.query('SELECT count(*)::int AS n FROM documents');
      expect(rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('when a migration fails, then it is rolled back whole and the error names it', async () => {
    const url = freshDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      const broken = [...readMigrations(), { version: readMigrations().length + 1, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT no_such_function();' }];
      await expect(migrate(pool, broken)).rejects.toThrow(`migration ${broken.length}_broken.sql failed and was rolled back`);
      const { rows } = await pool.query("SELECT to_regclass('half_done')::text AS t, (SELECT max(version) FROM schema_migrations) AS v");
      expect(rows[0]).toEqual({ t: null, v: broken.length - 1 });
    } finally {
      await pool.end();
    }
  });
});

describe('a DATABASE_URL that cannot be used', () => {
  it('when it is not a PostgreSQL URL, then start refuses and says how to write one', async () => {
    await expect(openPool('mysql://root@localhost/framewise')).rejects.toThrow('DATABASE_URL must start with postgres:// or postgresql://, not mysql://');
    await expect(openPool('not a url')).rejects.toThrow('DATABASE_URL is not a URL');
    await expect(openPool('postgres://localhost:5432')).rejects.toThrow('DATABASE_URL names no database');
  });

  it('when nothing listens at its host and port, then start refuses naming the address, without the password', async () => {
    const port = await freePort();
    const err = await openPool(`postgres://framewise:s3cret@127.0.0.1:${port}/framewise`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseUnusableError);
    expect((err as Error).message).toBe(`cannot reach PostgreSQL at framewise@127.0.0.1:${port}/framewise: connection refused (is the server running and listening on that host and port?)`);
  });

  it('when its database does not exist, then start refuses naming it', async () => {
    await expect(openPool(cluster.url.replace(/\/postgres$/, '/no_such_db'))).rejects.toThrow(/has no such database: database "no_such_db" does not exist/);
  });

  it('when the database is read-only, then start refuses saying so', async () => {
    const url = freshDatabase();
    const client = await sql(cluster.url);
    try {
      await client.query(`ALTER DATABASE pg_repo_${dbCount} SET default_transaction_read_only = on`);
    } finally {
      await client.end();
    }
    await expect(openPostgresStore(url, { log: () => {} })).rejects.toThrow(/is read-only \(default_transaction_read_only is on\); Framewise needs to write to it/);
  });
});

const NOW_PLUS = (i: number) => new Date(Date.UTC(2026, 0, 2, 3, 4, i)).toISOString();

/** The pid of the backend of `app` that waits on a lock (polls pg_stat_activity until there is one). */
async function waitingBackend(client: pg.Client, app: string): Promise<number> {
  for (;;) {
    // pg_stat_activity is read once per transaction unless the snapshot is dropped.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [app]);
    if (rows.length) return rows[0].pid as number;
    await new Promise((r) => setTimeout(r, 20));
  }
}
