import { changedFiles, snapshotDir, startTestApp, TEST_PASSWORD } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.cleanup());

async function untouched(act: () => Promise<unknown>) {
  const before = await snapshotDir(t.dataDir);
  await act();
  expect(changedFiles(before, await snapshotDir(t.dataDir))).toEqual([]);
}

test('when an admin adds a user through the API, then they can sign in with their role; a role change and a password reset take effect', async () => {
  expect((await t.http.post('/api/users').send({ username: 'ana', password: 'ana long password', role: 'annotator' }).expect(201)).body).toEqual({ username: 'ana', role: 'annotator', disabled: false, createdAt: expect.any(String) });
  expect((await t.anonymous.post('/api/login').send({ username: 'ana', password: 'ana long password' }).expect(200)).body.user).toEqual({ username: 'ana', role: 'annotator' });
  await t.http.patch('/api/users/ana').send({ role: 'editor', password: 'a brand new password' }).expect(200);
  await t.anonymous.post('/api/login').send({ username: 'ana', password: 'ana long password' }).expect(401);
  expect((await t.anonymous.post('/api/login').send({ username: 'ana', password: 'a brand new password' }).expect(200)).body.user.role).toBe('editor');
});

test('when a user is added with a bad name, a short password, an unknown role or a taken name, then 4xx says why and nothing changes', async () => {
  await t.http.post('/api/users').send({ username: 'ana', password: 'ana long password', role: 'annotator' }).expect(201);
  await untouched(async () => {
    expect((await t.http.post('/api/users').send({ username: 'Ana Smith', password: 'long enough pw', role: 'viewer' }).expect(400)).body.error.message).toMatch(/lower-case letters/);
    expect((await t.http.post('/api/users').send({ username: 'gold', password: 'long enough pw', role: 'viewer' }).expect(400)).body.error.message).toBe('"gold" is reserved; choose another username');
    expect((await t.http.post('/api/users').send({ username: 'bo', password: 'short', role: 'viewer' }).expect(400)).body.error.message).toBe('the password must be at least 10 characters');
    expect((await t.http.post('/api/users').send({ username: 'bo', password: 'long enough pw', role: 'owner' }).expect(400)).body.error.message).toMatch(/^role: must be one of viewer, annotator, editor, admin/);
    expect((await t.http.post('/api/users').send({ username: 'ana', password: 'long enough pw', role: 'viewer' }).expect(409)).body.error.message).toBe('a user named "ana" already exists');
    expect((await t.http.patch('/api/users/nobody').send({ role: 'viewer' }).expect(404)).body.error.message).toBe('no user named "nobody"');
    expect((await t.http.patch('/api/users/admin').send({ role: 'editor' }).expect(409)).body.error.code).toBe('last_admin');
    expect((await t.http.patch('/api/users/admin').send({ disabled: true }).expect(409)).body.error.code).toBe('last_admin');
  });
});

test('when the admin uses /admin/users with a session, then users are added, re-roled and disabled through forms, and non-admins are refused the page', async () => {
  const { agent, csrfToken } = await t.session('admin');
  const page = await agent.get('/admin/users').expect(200);
  expect(page.text).toContain('Add a user');
  await agent.post('/admin/users').type('form').send({ username: 'cy', password: 'cy long password', role: 'viewer', _csrf: csrfToken }).expect(201);
  await agent.post('/admin/users/cy').type('form').send({ action: 'role', role: 'annotator', _csrf: csrfToken }).expect(303);
  expect(t.users.get('cy')).toMatchObject({ role: 'annotator', disabled: false });
  await agent.post('/admin/users/cy').type('form').send({ action: 'disable', _csrf: csrfToken }).expect(303);
  expect(t.users.get('cy')!.disabled).toBe(true);
  const viewer = await t.as('vic', 'viewer');
  await untouched(async () => {
    expect((await viewer.get('/admin/users').expect(403)).text).toContain('this needs the role &#34;admin&#34; or higher; you are &#34;viewer&#34;');
  });
});

test('when a user changes their own password on /account, then the old one stops working and other sessions end', async () => {
  await t.users.create('dee', TEST_PASSWORD, 'viewer');
  const first = await t.session('dee');
  const second = await t.session('dee');
  await first.agent.post('/account/password').type('form').send({ current: 'wrong', password: 'something much longer', _csrf: first.csrfToken }).expect(400);
  await first.agent.post('/account/password').type('form').send({ current: TEST_PASSWORD, password: 'something much longer', _csrf: first.csrfToken }).expect(200);
  await first.agent.get('/api/me').expect(200);
  await second.agent.get('/api/me').expect(401);
  await t.anonymous.post('/api/login').send({ username: 'dee', password: TEST_PASSWORD }).expect(401);
});
