import { PERMISSIONS, permissionFor } from '../../server/auth/permissions.js';
import { changedFiles, FIRST_SEED, snapshotDir, startTestApp } from '../helpers/app.js';
import { routeTable } from './route-table.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
let labelId: string;
beforeAll(async () => {
  t = await startTestApp({ seeds: true });
  labelId = (await t.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201)).body.id;
});
afterAll(() => t.cleanup());

const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** A concrete URL for a route pattern: real document and label ids, `x` for other parameters. */
const concrete = (path: string) =>
  path.replace(':id', FIRST_SEED).replace(':labelId', () => labelId).replace(/:username\b/, 'admin').replace(/:\w+/g, 'x').replace(/\*\w*/g, 'x');

const writeRoutes = () => routeTable(t.app).filter((r) => WRITES.includes(r.method) && permissionFor(r.method, r.path).permission.rule !== 'public');

test('the route table is read from the app: it holds the label, document and user routes', () => {
  const paths = routeTable(t.app).map((r) => `${r.method} ${r.path}`);
  expect(paths).toEqual(expect.arrayContaining(['POST /api/documents/:id/labels', 'PATCH /api/documents/:id/labels/:labelId', 'POST /api/users', 'POST /api/login', 'PUT /api/documents/:id/text']));
  expect(writeRoutes().length).toBeGreaterThan(25);
});

test('when any state-changing route gets a cookie-authenticated request from another site or without a CSRF token, then it answers 403 and nothing on disk changes', async () => {
  const { agent, csrfToken } = await t.session('admin');
  const before = await snapshotDir(t.dataDir);
  const failures: string[] = [];
  for (const r of writeRoutes()) {
    const url = concrete(r.path);
    const m = r.method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete';
    const crossSite = await agent[m](url).set('Origin', 'http://evil.example').set('X-CSRF-Token', csrfToken).type('form').send({ type: 'opinion', exact: 'Blinken', occurrence: '1', rev: '1' });
    const crossSiteFetch = await agent[m](url).set('Sec-Fetch-Site', 'cross-site').set('X-CSRF-Token', csrfToken).send({ name: 'x' });
    const tokenless = await agent[m](url).send({ text: 'x', name: 'x', role: 'admin', username: 'mallory', password: 'long enough password' });
    for (const [what, res] of [['Origin', crossSite], ['Sec-Fetch-Site', crossSiteFetch], ['no token', tokenless]] as const) {
      if (res.status !== 403) failures.push(`${r.method} ${r.path} (${what}): ${res.status}`);
    }
  }
  expect(failures).toEqual([]);
  expect(changedFiles(before, await snapshotDir(t.dataDir))).toEqual([]);
});

test('every state-changing route of the app has its own line in the permission table (a new route is admin-only until given one)', () => {
  const listed = (method: string, path: string) => PERMISSIONS.some((p) => p.method === method && p.path === path);
  const missing = routeTable(t.app).filter((r) => WRITES.includes(r.method) && !listed(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
  expect(missing).toEqual([]);
});

test('a write route missing from the table needs admin; a read route needs viewer', () => {
  expect(permissionFor('POST', '/api/some-new-thing').permission.rule).toBe('admin');
  expect(permissionFor('DELETE', '/api/documents/x/something-new').permission.rule).toBe('admin');
  expect(permissionFor('GET', '/some-new-page').permission.rule).toBe('viewer');
});
