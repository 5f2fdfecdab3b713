import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { getAll, getJson, headersOf, killHard, signIn, spawnPgServer, whenListening, type ServerProcess } from './servers.js';

// A real server process whose database connection is cut in the middle of a label save: the client
// gets a 503, nothing of the save is stored, and the next save works.

let cluster: TestCluster;
let server: ServerProcess | undefined;
let dataDir: string;

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(async () => {
  if (server) await killHard(server);
  await rm(dataDir, { recursive: true, force: true });
  cluster?.stop();
});

it('when the connection of a save waiting for its row lock is terminated, then the answer is a 503, nothing is written, and the next save is a 201', async () => {
  const url = cluster.createDatabase('connection_loss');
  dataDir = await mkdtemp(join(tmpdir(), 'framewise-pg-loss-'));
  server = spawnPgServer(url, dataDir);
  const base = await whenListening(server, 90_000);
  const session = await signIn(base);
  const [{ id }] = await getJson<{ id: string }[]>(base, '/api/documents', session);
  const { rev, text } = await getJson<{ rev: number; text: string }>(base, `/api/documents/${id}`, session);
  const eventsBefore = await getAll<unknown>(base, `/api/documents/${id}/events`, session);
  const at = text.search(/\p{L}{4}/u);
  const body = JSON.stringify({ start: at, end: at + 4, type: 'opinion', rev });

  // Another session holds the document's row, so the server's save waits on its lock.
  const locker = new pg.Client({ connectionString: url });
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query('SELECT 1 FROM documents WHERE id = $1 FOR UPDATE', [id]);
  const answer = fetch(`${base}/api/documents/${id}/labels`, { method: 'POST', headers: headersOf(session, true), body });
  let waiting: number | undefined;
  for (let tries = 0; tries < 200 && waiting === undefined; tries++) {
    const { rows } = await locker.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = 'connection_loss' AND application_name LIKE 'framewise%' AND wait_event_type = 'Lock'",
    );
    waiting = rows[0]?.pid;
    if (waiting === undefined) await new Promise((done) => setTimeout(done, 50));
  }
  expect(waiting).toBeDefined();
  await locker.query('SELECT pg_terminate_backend($1)', [waiting]);
  const res = await answer;
  expect(res.status).toBe(503);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
  await locker.query('ROLLBACK');
  await locker.end();

  expect(await getJson<unknown[]>(base, `/api/documents/${id}/labels`, session)).toEqual([]);
  expect(await getAll<unknown>(base, `/api/documents/${id}/events`, session)).toEqual(eventsBefore);
  const again = await fetch(`${base}/api/documents/${id}/labels`, { method: 'POST', headers: headersOf(session, true), body });
  expect(again.status).toBe(201);
  expect(await getJson<unknown[]>(base, `/api/documents/${id}/labels`, session)).toHaveLength(1);
}, 180_000);

it('when the database cannot be reached, then GET /healthz answers 503 (a load balancer takes the server out), and 200 again once it can', async () => {
  const base = /Framewise on (http:\/\/\S+:\d+)/.exec(server!.output())![1];
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  try {
    await admin.query('ALTER DATABASE connection_loss WITH ALLOW_CONNECTIONS false');
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'connection_loss'");
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    // The pool's idle connection may be the one cut (its query fails) or already dropped (a new
    // connection is refused): either way the answer names the database as unreachable.
    const text = await down.text();
    // (A cut connection's error without a PostgreSQL or system code is not shown: see app.ts catchUp.)
    expect(text).toMatch(/\((terminating connection due to administrator command|database &#34;connection_loss&#34; is not currently accepting connections|Connection terminated unexpectedly|the cause is in the server log)\); nothing was saved, try again/);
  } finally {
    await admin.query('ALTER DATABASE connection_loss WITH ALLOW_CONNECTIONS true');
    await admin.end();
  }
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
}, 60_000);
