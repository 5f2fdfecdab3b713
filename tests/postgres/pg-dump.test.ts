import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresBin, startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { getAll, getJson, headersOf, killHard, signIn, spawnPgServer, whenListening, type ServerProcess } from './servers.js';

// The backup and restore the README documents for PostgreSQL: pg_dump of a database in use, then
// pg_restore into a new database, and a server started on the copy serves the same data.

let cluster: TestCluster;
let dir: string;
const running: ServerProcess[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  dir = await mkdtemp(join(tmpdir(), 'framewise-pg-dump-'));
}, 120_000);
afterAll(async () => {
  for (const s of running) await killHard(s);
  await rm(dir, { recursive: true, force: true });
  cluster?.stop();
});

it('when a database in use is dumped with pg_dump and restored with pg_restore into a new one, then a server on the copy serves the same documents, labels, trails, users and sessions, and loads no seed again', async () => {
  const url = cluster.createDatabase('framewise');
  const first = spawnPgServer(url, join(dir, 'a'));
  running.push(first);
  const base = await whenListening(first, 90_000);
  const session = await signIn(base);
  const [{ id }] = await getJson<{ id: string }[]>(base, '/api/documents', session);
  const { rev, text } = await getJson<{ rev: number; text: string }>(base, `/api/documents/${id}`, session);
  const at = text.search(/\p{L}{4}/u);
  const res = await fetch(`${base}/api/documents/${id}/labels`, { method: 'POST', headers: headersOf(session, true), body: JSON.stringify({ start: at, end: at + 4, type: 'opinion', rev, note: 'kept' }) });
  expect(res.status).toBe(201);

  // Dumped while the server runs (pg_dump reads one consistent snapshot).
  const bin = postgresBin();
  const dump = join(dir, 'framewise.dump');
  execFileSync(join(bin, 'pg_dump'), ['--format=custom', `--file=${dump}`, url]);
  const copyUrl = cluster.createDatabase('framewise_restored');
  execFileSync(join(bin, 'pg_restore'), ['--no-owner', `--dbname=${copyUrl}`, dump]);

  const copy = spawnPgServer(copyUrl, join(dir, 'b'));
  running.push(copy);
  const copyBase = await whenListening(copy, 90_000);
  expect(copy.output()).not.toMatch(/seed documents|created user/);
  // The session signed in on the original is in the copy too.
  expect(await getJson(copyBase, '/api/documents', session)).toEqual(await getJson(base, '/api/documents', session));
  expect(await getJson(copyBase, `/api/documents/${id}/labels`, session)).toEqual(await getJson(base, `/api/documents/${id}/labels`, session));
  expect(await getAll(copyBase, `/api/documents/${id}/events`, session)).toEqual(await getAll(base, `/api/documents/${id}/events`, session));
  expect(await getJson(copyBase, '/api/users', session)).toEqual(await getJson(base, '/api/users', session));
}, 180_000);
