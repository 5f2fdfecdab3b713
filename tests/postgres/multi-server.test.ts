import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import pg from 'pg';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { prng } from '../helpers/prng.js';
import { getAll, getJson, headersOf, killHard, signIn, spawnPgServer, whenListening, type ServerProcess, type Session } from './servers.js';

// Two real Framewise processes (server/main.ts, as `npm start` runs it) on one throwaway PostgreSQL
// cluster: what several app servers behind a load balancer see.

let cluster: TestCluster;
let dbCount = 0;
const running: ServerProcess[] = [];
const folders: string[] = [];

beforeAll(async () => {
  cluster = await startCluster();
}, 120_000);
afterAll(() => cluster?.stop());
afterEach(async () => {
  for (const s of running.splice(0)) await killHard(s);
  for (const d of folders.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'framewise-multi-'));
  folders.push(dir);
  return dir;
}

/** Starts a server on `url` and waits until it listens; the process is stopped after the test. */
async function start(url: string, dataDir: string, env: Record<string, string | undefined> = {}): Promise<{ server: ServerProcess; base: string }> {
  const server = spawnPgServer(url, dataDir, env);
  running.push(server);
  return { server, base: await whenListening(server, 90_000) };
}

interface Summary {
  id: string;
  title: string;
  rev: number;
  labelCount: number;
}

interface LabelJson {
  id: string;
  note?: string;
  rev: number;
}

interface RevisionJson {
  rev: number;
  message?: string;
}

interface EventJson {
  at: string;
  kind: string;
  labelId?: string;
  rev?: number;
}

async function send(url: string, method: string, session: Session, body: unknown): Promise<Response> {
  return fetch(url, { method, headers: headersOf(session, true), body: JSON.stringify(body) });
}

describe('two Framewise processes on one database', () => {
  it('when two servers start at once on an empty database, then the seeds are loaded once, one admin is created with one generated password, its session works on both, and a third server starts on the DATA_DIR of the first (no folder lock)', async () => {
    const url = cluster.createDatabase(`multi_${++dbCount}`);
    const dirA = await tempDir();
    const dirB = await tempDir();
    const a = spawnPgServer(url, dirA, { ADMIN_PASSWORD: undefined });
    const b = spawnPgServer(url, dirB, { ADMIN_PASSWORD: undefined });
    running.push(a, b);
    const [baseA, baseB] = await Promise.all([whenListening(a, 90_000), whenListening(b, 90_000)]);

    // Exactly one of them loaded the five seeds and generated the admin's password.
    const loaded = [a, b].filter((s) => /loaded 5 seed documents/.test(s.output()));
    expect(loaded).toHaveLength(1);
    const generated = [a, b].map((s) => /created user "admin" with password (\S+)/.exec(s.output())?.[1]).filter(Boolean) as string[];
    expect(generated).toHaveLength(1);
    const files = [...(await readdir(dirA)).map((f) => join(dirA, f)), ...(await readdir(dirB)).map((f) => join(dirB, f))].filter((f) => f.endsWith('initial-admin-password'));
    expect(files).toHaveLength(1);
    expect((await readFile(files[0], 'utf8')).trim()).toBe(generated[0]);

    const session = await signIn(baseA, 'admin', generated[0]);
    const onA = await getJson<Summary[]>(baseA, '/api/documents', session);
    const onB = await getJson<Summary[]>(baseB, '/api/documents', session);
    expect(onA.map((d) => d.id).sort()).toEqual(['000_b5b79bfe33936fda', '001_b1fe9c773694e9ae', '002_f9b24e5332cffdf2', '003_975f8ef28e3c2c11', '004_062c31817f8f94f3']);
    expect(onB).toEqual(onA);
    const users = await getJson<{ username: string }[]>(baseB, '/api/users', session);
    expect(users.map((u) => u.username)).toEqual(['admin']);

    // A third server on the same DATA_DIR as the first starts too (the database is the shared
    // state; the folder is not locked), and loads no seed again even after one was deleted.
    expect((await fetch(`${baseA}/api/documents/000_b5b79bfe33936fda`, { method: 'DELETE', headers: headersOf(session) })).status).toBe(200);
    const third = await start(url, dirA, { ADMIN_PASSWORD: undefined });
    expect(third.server.output()).not.toMatch(/seed documents|created user/);
    const onThird = await getJson<Summary[]>(third.base, '/api/documents', session);
    expect(onThird.map((d) => d.id)).not.toContain('000_b5b79bfe33936fda');
    expect(onThird).toHaveLength(4);
  }, 240_000);

  it('when a label type is added and a user created through A, then B uses them on the next request, a session signed in on A works on B, and neither DATA_DIR receives a file', async () => {
    const url = cluster.createDatabase(`multi_${++dbCount}`);
    const dirA = await tempDir();
    const dirB = await tempDir();
    const { base: baseA } = await start(url, dirA);
    const { base: baseB } = await start(url, dirB);
    const admin = await signIn(baseA);
    const [doc] = await getJson<Summary[]>(baseB, '/api/documents', admin);

    expect((await send(`${baseA}/api/label-types`, 'POST', admin, { id: 'framing', name: 'Framing', color: '#112233' })).status).toBe(201);
    const types = await getJson<{ id: string }[]>(baseB, '/api/label-types', admin);
    expect(types.map((t) => t.id)).toContain('framing');
    const { rev, text } = await getJson<{ rev: number; text: string }>(baseB, `/api/documents/${doc.id}`, admin);
    const at = text.search(/\w{4}/);
    const labelled = await send(`${baseB}/api/documents/${doc.id}/labels`, 'POST', admin, { start: at, end: at + 4, type: 'framing', rev });
    expect(labelled.status).toBe(201);
    expect(((await labelled.json()) as { type: string }).type).toBe('framing');

    expect((await send(`${baseA}/api/users`, 'POST', admin, { username: 'rita', password: 'rita password 1', role: 'editor' })).status).toBe(201);
    const rita = await signIn(baseB, 'rita', 'rita password 1');
    expect((await getJson<{ user: { username: string; role: string } }>(baseB, '/api/me', rita)).user).toMatchObject({ username: 'rita', role: 'editor' });
    // Rita's session from B, on A; the label made through B, seen through A.
    expect((await getJson<{ user: { username: string } }>(baseA, '/api/me', rita)).user.username).toBe('rita');
    const labels = await getJson<{ type: string }[]>(baseA, `/api/documents/${doc.id}/labels`, rita);
    expect(labels.map((l) => l.type)).toEqual(['framing']);

    // Signing out on A ends the session on B too.
    expect((await fetch(`${baseA}/logout`, { method: 'POST', headers: headersOf(rita), redirect: 'manual' })).status).toBeLessThan(400);
    expect((await fetch(`${baseB}/api/me`, { headers: headersOf(rita) })).status).toBe(401);
    // Everything went to the database: with ADMIN_PASSWORD set, nothing was written in either DATA_DIR.
    expect([...(await readdir(dirA)), ...(await readdir(dirB))]).toEqual([]);
  }, 180_000);

  it('when 20 clients write labels and revise texts through both for 30 s while A is SIGKILLed and restarted three times and once every database connection is cut, then every acknowledged change is there once, the rest at most once, the trails are complete and ordered, and both servers answer the same', async () => {
    const url = cluster.createDatabase(`multi_${++dbCount}`);
    const dirA = await tempDir();
    const dirB = await tempDir();
    let a = await start(url, dirA);
    const b = await start(url, dirB);
    const admin = await signIn(b.base);
    const docs = (await getJson<Summary[]>(b.base, '/api/documents', admin)).map((d) => d.id);
    expect(docs).toHaveLength(5);
    const originalLength = new Map<string, number>();
    for (const id of docs) originalLength.set(id, (await getJson<{ text: string }>(b.base, `/api/documents/${id}`, admin)).text.length);

    const servers = { a: a.base, b: b.base };
    interface Attempt {
      kind: 'label' | 'revision';
      doc: string;
      token: string;
      status: number | 'failed';
    }
    const attempts: Attempt[] = [];
    const deadline = Date.now() + 30_000;
    const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

    const client = async (n: number) => {
      const random = prng(1000 + n);
      for (let i = 0; Date.now() < deadline; i++) {
        const base = random() < 0.5 ? servers.a : servers.b;
        const doc = docs[Math.floor(random() * docs.length)];
        const token = `c${n}-${i}`;
        const kind = random() < 0.75 ? 'label' : 'revision';
        let current: { rev: number; text: string };
        try {
          const res = await fetch(`${base}/api/documents/${doc}`, { headers: headersOf(admin) });
          if (res.status !== 200) throw new Error(String(res.status));
          current = (await res.json()) as { rev: number; text: string };
        } catch {
          await pause(50); // the server is down (being restarted): try again elsewhere
          continue;
        }
        const attempt: Attempt = { kind, doc, token, status: 'failed' };
        attempts.push(attempt);
        try {
          let res: Response;
          if (kind === 'label') {
            // On a word inside the seed's own text, which revisions (appending) never change.
            const from = Math.floor(random() * (originalLength.get(doc)! - 60));
            const start = from + Math.max(0, current.text.slice(from).search(/\p{L}/u));
            res = await send(`${base}/api/documents/${doc}/labels`, 'POST', admin, { start, end: start + 20, type: ['direct-quote', 'reported-claim', 'opinion'][i % 3], rev: current.rev, note: token, snap: true });
          } else {
            res = await send(`${base}/api/documents/${doc}/text`, 'PUT', admin, { text: `${current.text}\n\nUpdate ${token}.`, baseRev: current.rev, message: token });
          }
          attempt.status = res.status;
          await res.arrayBuffer();
        } catch {
          attempt.status = 'failed';
        }
      }
    };

    let kills = 0;
    let terminated = 0;
    const killer = async () => {
      for (let round = 0; round < 3; round++) {
        await pause(3000);
        await killHard(a.server);
        kills++;
        await pause(500);
        a = await start(url, dirA);
        servers.a = a.base;
        if (round === 1) {
          // And once, every database connection of both servers is cut (the pool and the change
          // feed reconnect; a request caught in the middle is a 503 with its transaction rolled back).
          await pause(1000);
          const admin = new pg.Client({ connectionString: cluster.url });
          await admin.connect();
          const { rowCount } = await admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'framewise%' AND pid <> pg_backend_pid()",
            [new URL(url).pathname.slice(1)],
          );
          terminated = rowCount ?? 0;
          await admin.end();
        }
      }
    };

    await Promise.all([...Array.from({ length: 20 }, (_, n) => client(n)), killer()]);
    expect(kills).toBe(3);
    expect(terminated).toBeGreaterThanOrEqual(4); // at least each server's change feed and one pooled connection

    const acked = attempts.filter((t) => typeof t.status === 'number' && t.status >= 200 && t.status < 300);
    const notAcked = attempts.filter((t) => !acked.includes(t));
    // The run did real work on both kinds, and some requests were cut off by the kills or refused as stale.
    expect(acked.filter((t) => t.kind === 'label').length).toBeGreaterThan(50);
    expect(acked.filter((t) => t.kind === 'revision').length).toBeGreaterThan(5);
    expect(notAcked.length).toBeGreaterThan(0);
    // Nothing else than 2xx, a stale revision (409) or a cut connection: no 500s.
    expect(attempts.filter((t) => typeof t.status === 'number' && !(t.status < 300 || t.status === 409 || t.status === 503))).toEqual([]);

    for (const doc of docs) {
      const seen: Record<string, { labels: LabelJson[]; revisions: RevisionJson[]; events: EventJson[] }> = {};
      for (const [name, base] of Object.entries(servers)) {
        seen[name] = {
          labels: await getJson<LabelJson[]>(base, `/api/documents/${doc}/labels`, admin),
          revisions: await getAll<RevisionJson>(base, `/api/documents/${doc}/revisions`, admin),
          events: await getAll<EventJson>(base, `/api/documents/${doc}/events`, admin),
        };
      }
      expect(seen.a).toEqual(seen.b);
      const { labels, revisions, events } = seen.b;
      const notes = new Map<string, number>();
      for (const l of labels) notes.set(l.note ?? '', (notes.get(l.note ?? '') ?? 0) + 1);
      const messages = new Map<string, number>();
      for (const r of revisions) messages.set(r.message ?? '', (messages.get(r.message ?? '') ?? 0) + 1);
      for (const t of attempts.filter((x) => x.doc === doc)) {
        const count = (t.kind === 'label' ? notes : messages).get(t.token) ?? 0;
        if (acked.includes(t)) expect({ ...t, count }).toEqual({ ...t, count: 1 });
        else expect(count).toBeLessThanOrEqual(1);
      }

      // The trail: created first, revisions numbered in order, every label created once on the
      // revision that was the latest at that point of the trail.
      expect(events[0].kind).toBe('document.created');
      expect(revisions.map((r) => r.rev)).toEqual(revisions.map((_, i) => i + 1));
      let latest = 1;
      const created = new Map<string, number>();
      for (const e of events) {
        if (e.kind === 'revision.created') {
          expect(e.rev).toBe(latest + 1);
          latest = e.rev!;
        }
        if (e.kind === 'label.created') {
          expect(e.rev).toBe(latest);
          created.set(e.labelId!, (created.get(e.labelId!) ?? 0) + 1);
        }
      }
      expect(latest).toBe(revisions.length);
      expect([...created.keys()].sort()).toEqual(labels.map((l) => l.id).sort());
      expect([...created.values()].every((c) => c === 1)).toBe(true);
    }

    // The same list and the same /compare through both servers (the statement index catches up
    // in the background: ask until both agree, at most 60 s, then compare).
    expect(await getJson(servers.a, '/api/documents', admin)).toEqual(await getJson(servers.b, '/api/documents', admin));
    let compareA: unknown;
    let compareB: unknown;
    for (let tries = 0; tries < 120; tries++) {
      compareA = await getJson(servers.a, '/api/compare', admin);
      compareB = await getJson(servers.b, '/api/compare', admin);
      if (JSON.stringify(compareA) === JSON.stringify(compareB)) break;
      await pause(500);
    }
    expect(compareA).toEqual(compareB);
    expect((compareA as unknown[]).length).toBeGreaterThan(0);
  }, 300_000);
});
