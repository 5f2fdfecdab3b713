import { jest } from '@jest/globals';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import supertest from 'supertest';
import { createApp } from '../../server/app.js';
import { UserStore } from '../../server/auth/user-store.js';
import { TeamStore } from '../../server/auth/team-store.js';
import { ensureAdmin } from '../../server/auth/bootstrap.js';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { changedFiles, snapshotDir, startTestApp, tempDataDir, TEST_PASSWORD } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp();
});
afterEach(() => t.cleanup());

const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
afterAll(() => warn.mockRestore());

/** Runs `act` and proves nothing under DATA_DIR changed. */
async function untouched(act: () => Promise<unknown>) {
  const before = await snapshotDir(t.dataDir);
  await act();
  expect(changedFiles(before, await snapshotDir(t.dataDir))).toEqual([]);
}

describe('signing in', () => {
  test('when the password is right, then POST /api/login answers the user and a CSRF token and sets an HttpOnly SameSite=Lax session cookie', async () => {
    const res = await t.anonymous.post('/api/login').send({ username: 'admin', password: TEST_PASSWORD }).expect(200);
    expect(res.body).toEqual({ user: { username: 'admin', role: 'admin' }, csrfToken: expect.stringMatching(/^[\w-]{43}$/) });
    const cookie = res.headers['set-cookie'][0];
    expect(cookie).toMatch(/^framewise_session=[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  test('when the user or the password is wrong, then both answer 401 with the same message, each failure is logged, and nothing is written', async () => {
    await untouched(async () => {
      const wrongPassword = await t.anonymous.post('/api/login').send({ username: 'admin', password: 'not the password' }).expect(401);
      const noUser = await t.anonymous.post('/api/login').send({ username: 'nobody', password: TEST_PASSWORD }).expect(401);
      expect(wrongPassword.body.error).toEqual({ code: 'bad_credentials', message: 'wrong username or password' });
      expect(noUser.body.error).toEqual(wrongPassword.body.error);
    });
    const logged = warn.mock.calls.map((c) => String(c[0]));
    expect(logged.some((l) => l.includes('sign-in failed for username "admin"'))).toBe(true);
    expect(logged.some((l) => l.includes('sign-in failed for username "nobody"'))).toBe(true);
    expect(logged.join('\n')).not.toContain('not the password');
  });

  test('when one username fails 10 times, then the 11th attempt is refused with 429 even with the right password', async () => {
    for (let i = 0; i < 10; i++) await t.anonymous.post('/api/login').send({ username: 'admin', password: `wrong ${i}` }).expect(401);
    const res = await t.anonymous.post('/api/login').send({ username: 'admin', password: TEST_PASSWORD }).expect(429);
    expect(res.body.error.message).toMatch(/too many failed sign-ins/);
  });

  test('when one address fails 10 times over different usernames, then it is refused with 429', async () => {
    for (let i = 0; i < 10; i++) await t.anonymous.post('/api/login').send({ username: `user${i}`, password: 'wrong password' }).expect(401);
    await t.anonymous.post('/api/login').send({ username: 'admin', password: TEST_PASSWORD }).expect(429);
  });

  test('when the sign-in form is used, then the browser is sent to the page it asked for, and never off the site', async () => {
    const res = await t.anonymous.post('/login').type('form').send({ username: 'admin', password: TEST_PASSWORD, next: '/compare' }).expect(303);
    expect(res.headers.location).toBe('/compare');
    const evil = await t.anonymous.post('/login').type('form').send({ username: 'admin', password: TEST_PASSWORD, next: '//evil.example/x' }).expect(303);
    expect(evil.headers.location).toBe('/');
  });

  test('when nobody is signed in, then the API answers 401, pages redirect to /login, and /healthz, /login and static files answer', async () => {
    expect((await t.anonymous.get('/api/documents').expect(401)).body.error.code).toBe('unauthenticated');
    const page = await t.anonymous.get('/compare?x=1').set('Accept', 'text/html').expect(303);
    expect(page.headers.location).toBe('/login?next=%2Fcompare%3Fx%3D1');
    expect((await t.anonymous.get('/healthz').expect(200)).body).toEqual({ ok: true });
    expect((await t.anonymous.get('/login').expect(200)).text).toContain('name="password"');
    await t.anonymous.get('/public/style.css').expect(200);
  });

  test('when a page is served, then helmet headers carry the same strict CSP as before', async () => {
    const res = await t.http.get('/').expect(200);
    expect(res.headers['content-security-policy']).toBe("default-src 'self';img-src 'self' data:;style-src 'self';script-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
  });
});

describe('sessions', () => {
  test('when signed in, then pages show the user, carry the CSRF token in a meta tag and in every POST form', async () => {
    const { agent, csrfToken } = await t.session('admin');
    const html = (await agent.get('/account').expect(200)).text;
    expect(html).toContain(`<meta name="csrf-token" content="${csrfToken}">`);
    expect(html).toContain('admin (admin)');
    const forms = html.match(/<form\b[^>]*method="post"[^>]*>/g)!;
    expect(forms.length).toBeGreaterThan(2);
    expect(html.split(`<input type="hidden" name="_csrf" value="${csrfToken}">`).length - 1).toBe(forms.length);
  });

  test('when the server restarts, then a session goes on working; after logout it does not', async () => {
    const { agent, csrfToken } = await t.session('admin');
    const cookie = (await agent.get('/api/me')).request.cookies;
    const restarted = createApp({ store: t.store, project: t.project, users: await UserStore.open(t.dataDir), team: await TeamStore.open(t.dataDir) });
    expect((await supertest(restarted).get('/api/me').set('Cookie', cookie).expect(200)).body.user).toEqual({ username: 'admin', role: 'admin' });
    await agent.post('/logout').set('X-CSRF-Token', csrfToken).set('Accept', 'application/json').expect(200);
    await t.anonymous.get('/api/me').set('Cookie', cookie).expect(401);
  });

  test('when a user is disabled, then their sessions and tokens stop working at once', async () => {
    const ana = await t.as('ana', 'editor');
    const { agent } = await t.session('ana');
    await ana.get('/api/documents').expect(200);
    await t.http.patch('/api/users/ana').send({ disabled: true }).expect(200);
    await untouched(async () => {
      expect((await ana.get('/api/documents').expect(401)).body.error.code).toBe('bad_token');
      await agent.get('/api/me').expect(401);
      await t.anonymous.post('/api/login').send({ username: 'ana', password: TEST_PASSWORD }).expect(401);
    });
  });
});

describe('API tokens', () => {
  test('when a token is created with the session and its CSRF token, then it is shown once, stored hashed, works as Bearer, and stops when revoked', async () => {
    const { agent, csrfToken } = await t.session('admin');
    const res = await agent.post('/api/tokens').set('X-CSRF-Token', csrfToken).send({ name: 'nightly export' }).expect(201);
    expect(res.body.token).toMatch(/^fw_[\w-]{43}$/);
    const file = await readFile(join(t.dataDir, 'users.json'), 'utf8');
    expect(file).not.toContain(res.body.token);
    expect(file).not.toContain(TEST_PASSWORD);
    await t.anonymous.get('/api/documents').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    await agent.delete(`/api/tokens/${res.body.id}`).set('X-CSRF-Token', csrfToken).expect(200);
    await untouched(async () => {
      const refused = await t.anonymous.get('/api/documents').set('Authorization', `Bearer ${res.body.token}`).expect(401);
      expect(refused.body.error.message).toMatch(/unknown, revoked/);
      await t.anonymous.post('/api/documents').set('Authorization', 'Bearer fw_made-up').send({ text: 'x' }).expect(401);
    });
  });
});

describe('CSRF', () => {
  test('when a cookie-authenticated write comes from another site or without the token, then it is a 403 and nothing changes', async () => {
    const { agent, csrfToken } = await t.session('admin');
    const body = { title: 'Forged', text: 'Blinken warned of the risk.' };
    await untouched(async () => {
      const crossSite = await agent.post('/api/documents').set('Origin', 'http://evil.example').set('X-CSRF-Token', csrfToken).send(body).expect(403);
      expect(crossSite.body.error.message).toMatch(/another site/);
      await agent.post('/api/documents').set('Sec-Fetch-Site', 'cross-site').set('X-CSRF-Token', csrfToken).send(body).expect(403);
      const missing = await agent.post('/api/documents').send(body).expect(403);
      expect(missing.body.error.message).toMatch(/CSRF token is missing/);
      const wrong = await agent.post('/api/documents').set('X-CSRF-Token', 'x'.repeat(43)).send(body).expect(403);
      expect(wrong.body.error.message).toMatch(/CSRF token is wrong/);
      await agent.post('/documents').type('form').send({ ...body, content: body.text, _csrf: 'nope' }).expect(403);
    });
    await agent.post('/api/documents').set('Origin', 'http://127.0.0.1').set('Host', '127.0.0.1').set('Sec-Fetch-Site', 'same-origin').set('X-CSRF-Token', csrfToken).send(body).expect(201);
    await agent.post('/documents').type('form').send({ title: 'Form', format: 'text', content: body.text, _csrf: csrfToken }).expect(303);
  });

  test('when a cross-site form posts a label (the reported attack), then it is refused and the document is unchanged', async () => {
    const doc = await t.http.post('/api/documents').send({ title: 'A', text: 'Blinken said the plan was bold.' }).expect(201);
    const { agent } = await t.session('admin');
    await untouched(async () => {
      await agent.post(`/documents/${doc.body.id}/labels`).set('Origin', 'http://evil.example').type('form').send({ type: 'opinion', exact: 'Blinken', occurrence: '1', rev: '1' }).expect(403);
    });
  });
});

describe('first start', () => {
  test('when no user exists and ADMIN_PASSWORD is unset, then an admin with a generated password is created, printed once and written to a 0600 file that goes when the password is changed', async () => {
    const dir = await tempDataDir();
    const users = await UserStore.open(dir);
    const lines: string[] = [];
    expect(await ensureAdmin(users, undefined, (l) => lines.push(l))).toBe('generated');
    const file = join(dir, 'initial-admin-password');
    const password = (await readFile(file, 'utf8')).trim();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(lines).toEqual([expect.stringContaining(password)]);
    expect(await users.verify('admin', password)).not.toBeNull();
    expect(await ensureAdmin(users, undefined, (l) => lines.push(l))).toBe('exists');
    expect(lines).toHaveLength(1);
    const app = createApp({ store: await DocumentStore.open(dir), project: await ProjectStore.open(dir), users, team: await TeamStore.open(dir) });
    const agent = supertest.agent(app);
    const { csrfToken } = (await agent.post('/api/login').send({ username: 'admin', password }).expect(200)).body;
    await agent.post('/account/password').type('form').send({ current: password, password: 'a new long password', _csrf: csrfToken }).expect(200);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    expect(await users.verify('admin', 'a new long password')).not.toBeNull();
  });

  test('when ADMIN_PASSWORD is set, then the admin gets it and no password file is written; a too-short one stops the start', async () => {
    const dir = await tempDataDir();
    const users = await UserStore.open(dir);
    await expect(ensureAdmin(users, 'short', () => undefined)).rejects.toThrow(/ADMIN_PASSWORD cannot be used: the password must be at least 10/);
    expect(await ensureAdmin(users, 'a long admin password', () => undefined)).toBe('created');
    await expect(stat(join(dir, 'initial-admin-password'))).rejects.toThrow(/ENOENT/);
    expect(await users.verify('admin', 'a long admin password')).toMatchObject({ username: 'admin', role: 'admin' });
  });
});
