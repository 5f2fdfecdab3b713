import { PERMISSIONS } from '../../server/auth/permissions.js';
import { changedFiles, FIRST_SEED, snapshotDir, startTestApp, type TestClient } from '../helpers/app.js';
import { routeTable } from './route-table.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
let ana: TestClient, ed: TestClient, vic: TestClient;
let labelId: string;

beforeAll(async () => {
  t = await startTestApp({ seeds: true });
  [ana, ed, vic] = [await t.as('ana', 'annotator'), await t.as('ed', 'editor'), await t.as('vic', 'viewer')];
  await ed.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['ana'] }).expect(200);
  labelId = (await ana.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201)).body.id;
  await t.http.post('/api/questions/template').send({ template: 'credibility' }).expect(200);
});
afterAll(() => t.cleanup());

async function untouched(act: () => Promise<unknown>) {
  const before = await snapshotDir(t.dataDir);
  await act();
  expect(changedFiles(before, await snapshotDir(t.dataDir))).toEqual([]);
}

type Call = (url: string) => { set: (k: string, v: string) => { send: (b?: object) => Promise<{ status: number; text: string; body: { error?: { message: string } } }> } };

test('every route of the app, reads included, has its own line in the permission table', () => {
  const listed = (method: string, path: string) => PERMISSIONS.some((p) => p.method === method && p.path === path);
  const missing = routeTable(t.app).filter((r) => !listed(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
  expect([...new Set(missing)]).toEqual([]);
});

test('when each role calls the sources, questions, verdict, trash and queue routes, then exactly the roles from the table get through and the others get a 403 naming the role needed, with nothing changed', async () => {
  const docs = `/api/documents/${FIRST_SEED}`;
  const routes: [string, string, object | undefined, string][] = [
    ['get', '/api/outlets', undefined, 'viewer'],
    ['get', '/api/speakers', undefined, 'viewer'],
    ['get', '/api/speakers/merges', undefined, 'viewer'],
    ['get', '/api/answers', undefined, 'viewer'],
    ['get', '/api/answers/agreement', undefined, 'viewer'],
    ['get', '/queue', undefined, 'annotator'],
    ['put', `${docs}/answers`, { answers: { genre: 'news' } }, 'annotator'],
    ['post', '/api/speakers/resolve', undefined, 'editor'],
    ['get', '/api/verdict-settings', undefined, 'editor'],
    ['put', '/api/questions', { questions: [{ id: 'genre', text: 'Genre of the article', kind: 'single', choices: ['news', 'analysis', 'opinion'] }] }, 'editor'],
    ['post', '/api/questions/template', { template: 'credibility' }, 'editor'],
    ['put', `${docs}/labels/${labelId}/verdict`, { rating: 'mixed' }, 'editor'],
    ['delete', `${docs}/labels/${labelId}/verdict`, undefined, 'editor'],
    ['get', '/trash', undefined, 'editor'],
    ['get', '/api/trash', undefined, 'editor'],
    ['put', '/api/verdict-settings', { scale: ['true', 'false'], organization: { name: 'Desk' } }, 'admin'],
  ];
  const clients: [string, TestClient][] = [['viewer', vic], ['annotator', ana], ['editor', ed], ['admin', t.http]];
  const order = ['viewer', 'annotator', 'editor', 'admin'];
  const seen: string[] = [];
  for (const [method, url, body, needed] of routes) {
    for (const [role, client] of clients) {
      const call = (client as unknown as Record<string, Call>)[method];
      if (order.indexOf(role) >= order.indexOf(needed)) {
        if (method === 'delete') await t.http.put(url).send({ rating: 'mixed' }).expect(200); // something to delete each time
        const res = await call(url).set('Accept', 'application/json').send(body);
        seen.push(`${role} ${method} ${url}: ${res.status < 400 ? 'ok' : res.status}`);
      } else {
        await untouched(async () => {
          const res = await call(url).set('Accept', 'application/json').send(body);
          const want = `this needs the role "${needed}" or higher; you are "${role}"`;
          // Pages answer with the error page, the API with JSON: both say the same sentence.
          const said = res.body.error?.message ?? (res.text.replaceAll('&#34;', '"').includes(want) ? want : res.text.slice(0, 200));
          expect(`${role} ${method} ${url}: ${res.status} ${said}`).toBe(`${role} ${method} ${url}: 403 ${want}`);
        });
      }
    }
  }
  expect(seen.filter((s) => !s.endsWith(': ok'))).toEqual([]);
});

describe('document answers', () => {
  test('when an annotator writes the gold answers, then 403 naming the editor role, and the answers are unchanged', async () => {
    await ed.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers: { genre: 'analysis' }, layer: 'gold' }).expect(200);
    await untouched(async () => {
      const res = await ana.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers: { genre: 'opinion' }, layer: 'gold' }).expect(403);
      expect(res.body.error.message).toBe('this needs the role "editor" or higher; you are "annotator"');
    });
    const gold = (await ed.get(`/api/documents/${FIRST_SEED}/answers`).expect(200)).body.filter((a: { annotator: string }) => a.annotator === 'gold');
    expect(gold.map((a: { value: string }) => a.value)).toEqual(['analysis']);
  });

  test('when an annotator answers, then the answers are theirs, and on a document not assigned to them (API or form) they get 403', async () => {
    const all = (await ana.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers: { genre: 'opinion' }, annotator: 'ed' }).expect(200)).body;
    expect(all.filter((a: { value: unknown }) => a.value === 'opinion').map((a: { annotator: string }) => a.annotator)).toEqual(['ana']);
    const other = (await ed.post('/api/documents').send({ title: 'Not hers', text: 'Blinken said the plan was bold.' }).expect(201)).body.id;
    await untouched(async () => {
      expect((await ana.put(`/api/documents/${other}/answers`).send({ answers: { genre: 'news' } }).expect(403)).body.error.code).toBe('not_assigned');
      await ana.post(`/documents/${other}/questions`).type('form').send({ 'q-genre': 'news' }).expect(403);
      await vic.put(`/api/documents/${FIRST_SEED}/answers`).send({ answers: { genre: 'news' } }).expect(403);
    });
    await ana.post(`/documents/${FIRST_SEED}/questions`).type('form').send({ 'q-genre': 'analysis' }).expect(303);
  });
});
