import { createServer, type Server, type Socket, connect } from 'node:net';
import type pg from 'pg';
import { startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { StorageUnavailableError } from '../../server/store/postgres/errors.js';
import { openPostgresStore, type PostgresStore } from '../../server/store/postgres/index.js';
import { DocumentIdTaken } from '../../server/store/document-store.js';
import type { TrashRecord } from '../../server/store/corpus.js';
import { labelOn, pgDoc, server, sql } from './pg-helpers.js';

let cluster: TestCluster;
let dbCount = 0;
const freshDatabase = () => cluster.createDatabase(`pg_corpus_${++dbCount}`);

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());

const trashed = (id: string): TrashRecord => ({ id, title: `Title ${id}`, deletedAt: '2026-01-05T00:00:00.000Z', deletedBy: 'editor-1' });

/** Rows of the documents, trash and change-feed tables, as a test client sees them. */
async function tables(url: string): Promise<{ documents: string[]; trash: string[]; changes: number }> {
  const client = await sql(url);
  try {
    const documents = await client.query('SELECT id FROM documents ORDER BY id');
    const trash = await client.query('SELECT id FROM trash ORDER BY id');
    const changes = await client.query('SELECT count(*)::int AS n FROM document_changes');
    return { documents: documents.rows.map((r) => r.id), trash: trash.rows.map((r) => r.id), changes: changes.rows[0].n };
  } finally {
    await client.end();
  }
}

describe('two app servers on one database: refresh() is the barrier', () => {
  let url: string;
  let a: PostgresStore;
  let b: PostgresStore;
  beforeEach(async () => {
    url = freshDatabase();
    a = await server(url, 'server-a');
    // B hears nothing through NOTIFY (its change feed is off): only refresh() can tell it of A's changes.
    b = await openPostgresStore(url, { applicationName: 'server-b', max: 4, log: () => {}, listen: false });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('when A creates, updates, trashes and restores a document, then B sees each change right after B.refresh(), and not before', async () => {
    const heard: string[] = [];
    b.documents.onChange((id) => heard.push(id));

    await a.documents.create(pgDoc('doc-1', 'Ann said yes.', { outlet: 'Wire' }));
    expect(b.documents.has('doc-1')).toBe(false);
    await b.documents.refresh();
    expect(b.documents.summary('doc-1')).toEqual(a.documents.summary('doc-1'));
    expect(b.documents.count).toBe(1);
    expect(heard).toEqual(['doc-1']);
    expect((await b.documents.getDocument('doc-1'))!.labels).toEqual([]); // now cached in B

    await a.documents.update('doc-1', (d) => void d.labels.push({ ...labelOn(d, 'from-a', 3), speaker: 'Ann' }));
    expect(b.documents.summary('doc-1')!.labelCount).toBe(0);
    const g = b.documents.generation;
    await b.documents.refresh();
    expect(b.documents.summary('doc-1')).toMatchObject({ labelCount: 1, status: 'labelled', speakers: ['Ann'] });
    expect(b.documents.generation).toBe(g + 1);
    expect((await b.documents.getDocument('doc-1'))!.labels.map((l) => l.id)).toEqual(['from-a']);

    await a.documents.moveToTrash('doc-1', trashed('doc-1'));
    expect(b.documents.has('doc-1')).toBe(true);
    await b.documents.refresh();
    expect(b.documents.has('doc-1')).toBe(false);
    expect(b.documents.count).toBe(0);
    expect(await b.documents.getDocument('doc-1')).toBeNull();
    expect(await b.documents.trash.list()).toEqual([trashed('doc-1')]);

    const back = await b.documents.restoreFromTrash('doc-1');
    expect(back.labels.map((l) => l.id)).toEqual(['from-a']);
    await a.documents.refresh();
    expect(a.documents.summary('doc-1')).toEqual(b.documents.summary('doc-1'));
    expect(heard).toEqual(['doc-1', 'doc-1', 'doc-1', 'doc-1']);
  });

  it('when B holds a document A deleted and created again, then B.refresh() gives the new one, summary and text', async () => {
    await a.documents.create(pgDoc('doc-1', 'First text.'));
    await b.documents.refresh();
    expect((await b.documents.getDocument('doc-1'))!.revisions[0].text).toBe('First text.');
    await a.documents.delete('doc-1');
    await a.documents.create(pgDoc('doc-1', 'Second text.', { title: 'Second' }));
    await b.documents.refresh();
    expect(b.documents.summary('doc-1')!.title).toBe('Second');
    expect((await b.documents.getDocument('doc-1'))!.revisions[0].text).toBe('Second text.');
  });

  it('when B caches a document and A then trashes, restores and changes it (or deletes and creates it again) as often, then B reads the new life even before refresh(): versions keep increasing across lives', async () => {
    const version = async () => {
      const c = await sql(url);
      try {
        return Number((await c.query("SELECT version FROM documents WHERE id = 'doc-1'")).rows[0].version);
      } finally {
        await c.end();
      }
    };
    await a.documents.create(pgDoc('doc-1', 'First text.'));
    await a.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'first-life')));
    await b.documents.refresh();
    expect((await b.documents.getDocument('doc-1'))!.labels.map((l) => l.id)).toEqual(['first-life']); // cached in B
    const firstLife = await version();

    await a.documents.moveToTrash('doc-1', trashed('doc-1'));
    await a.documents.restoreFromTrash('doc-1');
    expect(await version()).toBeGreaterThan(firstLife);
    await a.documents.update('doc-1', (d) => void (d.labels = [labelOn(d, 'restored-life')]));
    expect((await b.documents.getDocument('doc-1'))!.labels.map((l) => l.id)).toEqual(['restored-life']);
    const restoredLife = await version();

    await a.documents.delete('doc-1');
    await a.documents.create(pgDoc('doc-1', 'Third text.'));
    expect(await version()).toBeGreaterThan(restoredLife);
    await a.documents.update('doc-1', (d) => void d.labels.push(labelOn(d, 'third-life')));
    const third = (await b.documents.getDocument('doc-1'))!;
    expect([third.revisions[0].text, third.labels.map((l) => l.id)]).toEqual(['Third text.', ['third-life']]);
  });

  it('when both servers write many documents at once, then after refresh() both catalogues are the same as the table', async () => {
    const writes = [...Array(40).keys()].map((i) => (i % 2 ? a : b).documents.create(pgDoc(`doc-${i}`)));
    await Promise.all(writes);
    await Promise.all([...Array(40).keys()].filter((i) => i % 3 === 0).map((i) => (i % 2 ? b : a).documents.update(`doc-${i}`, (d) => void d.labels.push(labelOn(d, 'x')))));
    await Promise.all([a.documents.refresh(), b.documents.refresh()]);
    const ids = (await tables(url)).documents;
    const sorted = (s: PostgresStore) => s.documents.summaries().sort((x, y) => (x.id < y.id ? -1 : 1));
    expect(sorted(a).map((s) => s.id)).toEqual(ids);
    expect(sorted(b)).toEqual(sorted(a));
    expect(sorted(b).filter((s) => s.labelCount === 1)).toHaveLength(14);
  });

  it('when A restores a document whose id B has taken again, then A gets DocumentIdTaken and nothing changes', async () => {
    await a.documents.create(pgDoc('doc-1'));
    await a.documents.moveToTrash('doc-1', trashed('doc-1'));
    await b.documents.create(pgDoc('doc-1', 'Made on B.'));
    const before = await tables(url);
    await expect(a.documents.restoreFromTrash('doc-1')).rejects.toBeInstanceOf(DocumentIdTaken);
    expect(await tables(url)).toEqual(before);
    await a.documents.refresh();
    expect((await a.documents.getDocument('doc-1'))!.revisions[0].text).toBe('Made on B.');
  });
});

describe('a server with a change feed', () => {
  it('when another server changes a document, then the catalogue follows through NOTIFY alone, without refresh()', async () => {
    const url = freshDatabase();
    const a = await server(url, 'server-a');
    const b = await server(url, 'server-b');
    try {
      const heard = new Promise<void>((resolve) => b.documents.onChange(() => resolve()));
      await a.documents.create(pgDoc('doc-1'));
      await heard;
      expect(b.documents.summary('doc-1')).toEqual(a.documents.summary('doc-1'));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('when the change feed is lost and its catch-up fails three times on reconnecting, then no listening connection is left behind: one feed connection once it is back', async () => {
    const url = freshDatabase();
    const logs: string[] = [];
    const a = await openPostgresStore(url, { applicationName: 'leak-check', max: 4, log: (m) => logs.push(m) });
    const inspector = await sql(url);
    const feeds = async () =>
      (await inspector.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'leak-check change feed'")).rows[0].n as number;
    /** Polls `done` (every 50 ms, for at most 20 s); the message says what never came. */
    const waitFor = async (what: string, done: () => boolean) => {
      for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!done()) throw new Error(`gave up waiting: ${what}; logged: ${JSON.stringify(logs)}`);
    };
    try {
      expect(await feeds()).toBe(1);
      // Catching up fails while the change-feed table is away; listening itself works.
      await inspector.query('ALTER TABLE document_changes RENAME TO document_changes_away');
      await inspector.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'leak-check change feed'");
      const failed = () => logs.filter((m) => m.includes('could not catch up')).length;
      await waitFor('three failed catch-ups after reconnecting', () => failed() >= 3);
      await inspector.query('ALTER TABLE document_changes_away RENAME TO document_changes');
      await waitFor('the change feed back', () => logs.some((m) => m.includes('change feed is back')));
      expect(await feeds()).toBe(1);
    } finally {
      await inspector.end();
      await a.close();
    }
  }, 30_000);

  it('when a reconnect\'s catch-up fails only after its feed was lost and a newer reconnect is listening, then the newer feed is kept (not ended) and no further reconnect is made', async () => {
    const url = freshDatabase();
    const logs: string[] = [];
    const a = await openPostgresStore(url, { applicationName: 'old-attempt', max: 4, log: (m) => logs.push(m) });
    const inspector = await sql(url);
    const locker = await sql(url);
    const feedPids = async () =>
      (await inspector.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'old-attempt change feed' ORDER BY pid")).rows.map((r) => r.pid);
    const blockedCatchUps = async () =>
      (await inspector.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'old-attempt' AND wait_event_type = 'Lock'")).rows.map((r) => r.pid);
    const timerPending = () => (a.documents as unknown as { reconnectTimer: unknown }).reconnectTimer !== null;
    /** Polls `done` (every 50 ms, for at most 20 s); the message says what never came. */
    const waitFor = async <T>(what: string, probe: () => Promise<T> | T, done: (v: T) => boolean): Promise<T> => {
      for (let i = 0; i < 400; i++) {
        const v = await probe();
        if (done(v)) return v;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`gave up waiting: ${what}; logged: ${JSON.stringify(logs)}`);
    };
    try {
      const [first] = await feedPids();
      // Every catch-up waits while this lock is held; listening itself works.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE document_changes IN ACCESS EXCLUSIVE MODE');
      await inspector.query('SELECT pg_terminate_backend($1)', [first]);
      // Attempt 1 listens, and its catch-up waits for the lock.
      const [old] = await waitFor('attempt 1 listening', feedPids, (p) => p.length === 1 && p[0] !== first);
      const [blocked] = await waitFor('attempt 1 catching up', blockedCatchUps, (p) => p.length === 1);
      // Attempt 1's feed is lost: attempt 2 listens (its catch-up queued after attempt 1's).
      await inspector.query('SELECT pg_terminate_backend($1)', [old]);
      const [healthy] = await waitFor('attempt 2 listening', feedPids, (p) => p.length === 1 && p[0] !== old);
      // Attempt 1's catch-up now fails; then the lock goes and attempt 2 catches up.
      await inspector.query('SELECT pg_cancel_backend($1)', [blocked]);
      await waitFor('attempt 1 failed', () => logs, (l) => l.some((m) => m.includes('could not catch up')));
      await locker.query('ROLLBACK');
      await waitFor('the feed back, no reconnect pending', () => logs, (l) => l.some((m) => m.includes('change feed is back')) && !timerPending());
      expect(logs.filter((m) => m.includes('could not catch up'))).toEqual([expect.stringContaining('a newer connection is trying')]);
      expect(await feedPids()).toEqual([healthy]);
      expect(logs.filter((m) => m.includes('change feed is back'))).toHaveLength(1);
    } finally {
      await locker.end();
      await inspector.end();
      await a.close();
    }
  }, 30_000);
});

describe('connections lost during the trash moves and refresh', () => {
  let url: string;
  let a: PostgresStore;
  beforeEach(async () => {
    url = freshDatabase();
    a = await server(url, 'server-a');
  });
  afterEach(() => a.close());

  /** Starts `work` while the change-feed table is locked, kills A's backend once it waits there, and answers what `work` rejected with. */
  async function killedWhileWaiting(work: () => Promise<unknown>): Promise<unknown> {
    const holder = await sql(url);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE document_changes IN EXCLUSIVE MODE');
      const running = work().then(() => 'resolved', (e: unknown) => e);
      const pid = await waitingBackend(holder, 'server-a');
      const { rows } = await holder.query('SELECT query, backend_xid IS NOT NULL AS wrote FROM pg_stat_activity WHERE pid = $1', [pid]);
      // It has written its rows (documents, trash) and waits to append its change-feed row.
      expect(rows[0].query).toContain('INSERT INTO document_changes');
      expect(rows[0].wrote).toBe(true);
      await holder.query('SELECT pg_terminate_backend($1)', [pid]);
      const outcome = await running;
      await holder.query('ROLLBACK');
      return outcome;
    } finally {
      await holder.end();
    }
  }

  it('when the connection is lost in the middle of moveToTrash, then it is a 503 and the document and trash tables are as they were', async () => {
    await a.documents.create(pgDoc('doc-1'));
    const before = await tables(url);
    const err = await killedWhileWaiting(() => a.documents.moveToTrash('doc-1', trashed('doc-1')));
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as StorageUnavailableError).status).toBe(503);
    expect(await tables(url)).toEqual(before);
    expect(a.documents.has('doc-1')).toBe(true);
    expect(await a.documents.trash.list()).toEqual([]);
    expect(await a.documents.moveToTrash('doc-1', trashed('doc-1'))).not.toBeNull();
    expect(await tables(url)).toEqual({ documents: [], trash: ['doc-1'], changes: 2 });
  });

  it('when the connection is lost in the middle of restoreFromTrash, then it is a 503 and the document stays in the trash', async () => {
    await a.documents.create(pgDoc('doc-1'));
    await a.documents.moveToTrash('doc-1', trashed('doc-1'));
    const before = await tables(url);
    const err = await killedWhileWaiting(() => a.documents.restoreFromTrash('doc-1'));
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(await tables(url)).toEqual(before);
    expect(a.documents.has('doc-1')).toBe(false);
    expect((await a.documents.restoreFromTrash('doc-1')).id).toBe('doc-1');
    expect(await tables(url)).toEqual({ documents: ['doc-1'], trash: [], changes: 3 });
  });

  it('when the database cannot be reached, then refresh() rejects with a 503 StorageUnavailableError, and works again once it can', async () => {
    const proxy = await tcpProxy(cluster.port);
    const viaProxy = url.replace(`:${cluster.port}/`, `:${proxy.port}/`);
    const b = await openPostgresStore(viaProxy, { applicationName: 'server-b', log: () => {}, listen: false });
    try {
      await a.documents.create(pgDoc('doc-1'));
      proxy.cut();
      const err = await b.documents.refresh().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect((err as StorageUnavailableError).status).toBe(503);
      expect((err as Error).message).toMatch(/^the database could not be reached while catching up with changes made by other servers/);
      expect(b.documents.has('doc-1')).toBe(false);
      proxy.mend();
      await b.documents.refresh();
      expect(b.documents.has('doc-1')).toBe(true);
    } finally {
      await b.close();
      await b.pool.end().catch(() => undefined);
      proxy.close();
    }
  });
});

/** A TCP relay to PostgreSQL that the test can cut (every connection reset, new ones refused) and mend. */
async function tcpProxy(target: number): Promise<{ port: number; cut(): void; mend(): void; close(): void }> {
  const sockets = new Set<Socket>();
  let open = true;
  const relay: Server = createServer((client) => {
    if (!open) return void client.resetAndDestroy();
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as { port: number }).port,
    cut() {
      open = false;
      for (const s of sockets) s.resetAndDestroy();
    },
    mend() {
      open = true;
    },
    close() {
      for (const s of sockets) s.destroy();
      relay.close();
    },
  };
}

/** The pid of the backend of `app` that waits on a lock (polls pg_stat_activity until there is one). */
async function waitingBackend(client: pg.Client, app: string): Promise<number> {
  for (;;) {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [app]);
    if (rows.length) return rows[0].pid as number;
    await new Promise((r) => setTimeout(r, 20));
  }
}
