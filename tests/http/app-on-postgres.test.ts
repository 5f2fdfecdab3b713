import { jest } from '@jest/globals';
import supertest from 'supertest';
import { startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { bearerClient, FIRST_SEED, SEEDS_DIR, TEST_PASSWORD, type TestClient } from '../helpers/app.js';
import { createApp } from '../../server/app.js';
import { openPostgresStore, type PostgresStore } from '../../server/store/postgres/index.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { UserStore } from '../../server/auth/user-store.js';
import { TeamStore } from '../../server/auth/team-store.js';
import { loadSeedsOnce } from '../../server/store/seed-loader.js';
import { settleCompareService } from '../../server/services/outlets.js';

/**
 * The routes, services and middleware know the store only as a `Corpus`: the same app runs over
 * PostgreSQL (a real throwaway cluster) with no data folder. Each test walks a feature whose code
 * used to reach into the data folder (trash, speakers and answers files, seeds marker, synchronous
 * reads) and checks it through HTTP and through a second server on the same database.
 */
let cluster: TestCluster;
let dbCount = 0;

beforeAll(async () => {
  cluster = await startCluster();
  // A server closed at the end of a test may still have a statement index update queued (after a
  // label save); it fails on the closed pool and says so. Other warnings are shown.
  const warn = console.warn.bind(console);
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (!/statement index update failed: Cannot use a pool after calling end/.test(String(args[0]))) warn(...args);
  });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  jest.restoreAllMocks();
});

interface Server {
  pg: PostgresStore;
  app: ReturnType<typeof createApp>;
  as(username: string, role?: 'annotator' | 'editor' | 'admin'): Promise<TestClient>;
}

async function startServer(url: string, name: string): Promise<Server> {
  const pg = await openPostgresStore(url, { applicationName: name, max: 4, log: () => {} });
  const store = pg.documents;
  const [project, users, team] = [await ProjectStore.open(store.states), await UserStore.open(store.states), await TeamStore.open(store.states)];
  const app = createApp({ store, project, users, team });
  const as = async (username: string, role: 'annotator' | 'editor' | 'admin' = 'annotator') => {
    await store.refresh();
    if (!users.get(username)) await users.create(username, TEST_PASSWORD, role);
    return bearerClient(app, (await users.createToken(username, 'tests')).token);
  };
  return { pg, app, as };
}

describe('the app over PostgreSQL', () => {
  let a: Server;
  let b: Server;
  let admin: TestClient;
  beforeEach(async () => {
    const url = cluster.createDatabase(`app_on_pg_${++dbCount}`);
    a = await startServer(url, 'server-a');
    b = await startServer(url, 'server-b');
    expect(await loadSeedsOnce(a.pg.documents, SEEDS_DIR)).toContain(FIRST_SEED);
    admin = await a.as('admin', 'admin');
  }, 60_000);
  afterEach(async () => {
    // The statement index's background work (an update, a paced write of its snapshot) ends before the pools do.
    for (const s of [a, b]) if (s) await settleCompareService(s.pg.documents);
    await a?.pg.close();
    await b?.pg.close();
  });

  test('when the seeds were loaded through one server, then no server loads them again (the seeded.json state is in the database)', async () => {
    await b.pg.documents.refresh();
    expect(await loadSeedsOnce(b.pg.documents, SEEDS_DIR)).toEqual([]);
    await admin.delete(`/api/documents/${FIRST_SEED}`).expect(200);
    expect(await loadSeedsOnce(a.pg.documents, SEEDS_DIR)).toEqual([]);
    expect(a.pg.documents.has(FIRST_SEED)).toBe(false);
  });

  test('when a document is deleted through A and restored through B, then it comes back with its labels and both events, and the trash is empty', async () => {
    await admin.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
    const deleted = await admin.delete(`/api/documents/${FIRST_SEED}`).expect(200);
    expect(deleted.body).toMatchObject({ id: FIRST_SEED, deletedBy: 'admin' });
    const onB = await b.as('admin', 'admin');
    expect((await onB.get('/api/trash').expect(200)).body).toEqual([deleted.body]);
    await onB.get(`/api/documents/${FIRST_SEED}`).expect(404);
    expect((await onB.post(`/api/trash/${FIRST_SEED}/restore`).expect(200)).body).toMatchObject({ id: FIRST_SEED, labelCount: 1 });
    const events = (await admin.get(`/api/documents/${FIRST_SEED}/events`).expect(200)).body as { kind: string }[] | { items: { kind: string }[] };
    const kinds = (Array.isArray(events) ? events : events.items).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['document.deleted', 'document.restored']));
    expect((await admin.get('/api/trash').expect(200)).body).toEqual([]);
  });

  test('when speakers are merged through A, then the labels on B name the target, and the merge is undoable through B', async () => {
    const labels = `/api/documents/${FIRST_SEED}/labels`;
    const one = (await admin.post(labels).send({ start: 158, end: 188, type: 'direct-quote', rev: 1, speaker: 'Zelda Quorum' }).expect(201)).body;
    await admin.post(labels).send({ start: 0, end: 20, type: 'direct-quote', rev: 1, speaker: 'Yannick Prosper' }).expect(201);
    const speakers = (await admin.get('/api/speakers').expect(200)).body as { id: string; name: string }[];
    const from = speakers.find((s) => s.name === 'Zelda Quorum')!;
    const into = speakers.find((s) => s.name === 'Yannick Prosper')!;
    const merge = (await admin.post(`/api/speakers/${from.id}/merge`).send({ into: into.id }).expect(200)).body as { id: string; labels: { documentId: string; labelId: string }[] };
    expect(merge.labels).toEqual([{ documentId: FIRST_SEED, labelId: one.id }]);
    const onB = await b.as('admin', 'admin');
    const labelOnB = ((await onB.get(labels).expect(200)).body as { id: string; speakerId?: string }[]).find((l) => l.id === one.id)!;
    expect(labelOnB.speakerId).toBe(into.id);
    await onB.post(`/api/speakers/merges/${merge.id}/undo`).expect(200);
    const back = ((await admin.get(labels).expect(200)).body as { id: string; speakerId?: string }[]).find((l) => l.id === one.id)!;
    expect(back.speakerId).toBe(from.id);
  });

  test('when an annotator is assigned and labels through A, then B\'s document list and assignments show their status, and answers are kept in the database', async () => {
    const ana = await a.as('ana');
    await admin.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['ana'] }).expect(200);
    await ana.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
    const onB = await b.as('admin', 'admin');
    expect((await onB.get(`/api/documents/${FIRST_SEED}/assignments`).expect(200)).body.annotators).toEqual([expect.objectContaining({ username: 'ana', status: 'in progress' })]);
    expect((await onB.get('/?sort=title&limit=100').expect(200)).text).toContain('ana: in progress');
    await admin.post('/api/questions/template').send({ template: 'credibility' }).expect((r) => expect(r.status).toBeLessThan(300));
    const questions = (await onB.get('/api/questions').expect(200)).body as { id: string }[];
    expect(questions.length).toBeGreaterThan(0);
  });

  test('when the database goes away, then a request is a 503 naming it, not a 500', async () => {
    // B's pool is closed under it: its requests must be 503s.
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await b.pg.pool.end();
    try {
      const res = await supertest(b.app).get('/api/documents').expect(503);
      expect(res.body.error.code).toBe('storage_unavailable');
      expect(res.body.error.message).toMatch(/try again/);
      expect((await supertest(b.app).get('/login').expect(503)).text).toContain('Error 503');
    } finally {
      consoleError.mockRestore();
    }
    b = null as unknown as Server; // its pool is closed already
  });
});
