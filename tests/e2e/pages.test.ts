import { readFileSync } from 'node:fs';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FIRST_SEED, readDocFile, startTestApp, TEST_PASSWORD } from '../helpers/app.js';
import { launchChromium, listen, signIn } from '../helpers/browser.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
let browser: Browser;
let server: { base: string; close: () => Promise<void> };
let context: BrowserContext | undefined;
const TRASHED = '004_062c31817f8f94f3';
const OTHER = '003_975f8ef28e3c2c11';
const PHRASE = 'rest, refit, regroup, reattack';
/** Every HTML page of the route table (grep server/routes for router.get), filled in by beforeAll. */
let pages: string[] = [];

/** A document with labels (one with a speaker, one fuzzy, one orphaned after revision 2), a speaker, a shared statement, a document in the trash. */
beforeAll(async () => {
  browser = await launchChromium();
  t = await startTestApp({ seeds: true });
  server = await listen(t.app);
  const text = (await t.http.get(`/api/documents/${FIRST_SEED}`).expect(200)).body.text as string;
  const label = async (id: string, body: string, exact: string, type: string, speaker?: string) => {
    const start = body.indexOf(exact);
    await t.http.post(`/api/documents/${id}/labels`).send({ start, end: start + exact.length, type, rev: 1, ...(speaker ? { speaker } : {}) }).expect(201);
  };
  await label(FIRST_SEED, text, PHRASE, 'direct-quote', 'Antony Blinken');
  await label(FIRST_SEED, text, 'a phony off-ramp', 'reported-claim', 'Antony Blinken');
  await label(FIRST_SEED, text, 'The Wall Street Journal CEO Council Summit', 'opinion');
  const revised = text.replace('a phony off-ramp', 'a phoney off-ramp').replace('The Wall Street Journal CEO Council Summit', 'an event');
  await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: revised, baseRev: 1 }).expect(201);
  const echo = `Blinken told reporters: “${PHRASE}” is what Russia wants.`;
  const created = (await t.http.post('/api/documents').send({ title: 'An echo', outlet: 'Echo Daily', text: echo }).expect(201)).body as { id: string };
  await label(created.id, echo, PHRASE, 'direct-quote', 'Antony Blinken');
  await t.http.post('/api/speakers/resolve').send({}).expect(200);
  await t.http.delete(`/api/documents/${TRASHED}`).expect(200);
  const speakers = (await t.http.get('/api/speakers').expect(200)).body as { id: string }[];
  const clusters = (await t.http.get('/api/compare').expect(200)).body as { id: string }[] | { items: { id: string }[] };
  const cluster = (Array.isArray(clusters) ? clusters : clusters.items)[0];
  const outlet = 'Echo Daily';
  pages = [
    '/', '/documents/new', `/documents/${FIRST_SEED}`, `/documents/${FIRST_SEED}/revisions`, `/documents/${FIRST_SEED}/revisions/1`,
    `/documents/${FIRST_SEED}/diff?from=1&to=2`, `/documents/${FIRST_SEED}/edit`, `/documents/${FIRST_SEED}/adjudicate`, `/documents/${OTHER}/delete`,
    '/compare', ...(cluster ? [`/compare/${cluster.id}`] : []), '/outlets', `/outlets/${encodeURIComponent(outlet)}`, '/speakers', `/speakers/${speakers[0].id}`,
    '/agreement', '/export', '/import', '/label-types', '/trash', '/account', '/admin/users', '/assignments', '/queue', '/compare/s000000000000',
  ];
  expect(cluster).toBeDefined();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.cleanup();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function newPage(viewport = { width: 1280, height: 900 }, extra: object = {}): Promise<Page> {
  context = await browser.newContext({ viewport, ...extra });
  const page = await context.newPage();
  page.on('pageerror', (err) => {
    throw err;
  });
  return page;
}

type AxeResult = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

/** The serious and critical axe-core violations of the open page, one line each. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run: (o: object) => Promise<AxeResult> } }).axe.run({ resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
  test(`when axe-core checks every page at ${viewport.width}x${viewport.height} (signed in as the admin, and the login page signed out), then there is no serious or critical violation`, async () => {
    // bypassCSP only lets the test inject axe-core; the app's CSP is unchanged.
    const page = await newPage(viewport, { bypassCSP: true });
    const found: string[] = [];
    await page.goto(`${server.base}/login`);
    for (const v of await axeViolations(page)) found.push(`/login: ${v}`);
    await signIn(page, server.base);
    for (const path of pages) {
      const res = await page.goto(`${server.base}${path}`);
      expect([path, res!.status()]).toEqual([path, path === '/compare/s000000000000' ? 404 : 200]);
      for (const v of await axeViolations(page)) found.push(`${path}: ${v}`);
    }
    expect(found).toEqual([]);
  }, 180_000);
}

test('when every page is opened at 390 px wide, then no page scrolls sideways (scrollWidth <= innerWidth)', async () => {
  const page = await newPage({ width: 390, height: 844 }, { hasTouch: true });
  const widths: string[] = [];
  const measure = async (path: string) => {
    const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    if (scroll > inner || inner !== 390) widths.push(`${path}: scrollWidth ${scroll}, innerWidth ${inner}`);
  };
  await page.goto(`${server.base}/login`);
  await measure('/login');
  await signIn(page, server.base);
  for (const path of pages) {
    await page.goto(`${server.base}${path}`);
    await measure(path);
  }
  expect(widths).toEqual([]);
}, 120_000);

test('when signed out, then /favicon.ico and /public files load, and other pages send the browser to the login page', async () => {
  const page = await newPage();
  const icon = await page.goto(`${server.base}/favicon.ico`);
  expect([icon!.status(), new URL(page.url()).pathname, icon!.headers()['content-type']]).toEqual([200, '/public/favicon.svg', 'image/svg+xml']);
  expect((await page.goto(`${server.base}/public/style.css`))!.status()).toBe(200);
  await page.goto(`${server.base}/compare`);
  expect(new URL(page.url()).pathname).toBe('/login');
});

test('when a user types their name and password in the login form and presses Enter, then they are signed in and can label a quote', async () => {
  const page = await newPage();
  const posts: Promise<{ origin?: string; site?: string; status: number }>[] = [];
  page.on('response', (r) => {
    if (r.request().method() !== 'POST' || new URL(r.url()).pathname !== '/login') return;
    posts.push(r.request().allHeaders().then((h) => ({ origin: h.origin, site: h['sec-fetch-site'], status: r.status() })));
  });
  await page.goto(`${server.base}/documents/${OTHER}`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.locator('input[name="username"]').click();
  await page.keyboard.type('admin');
  await page.keyboard.press('Tab');
  await page.keyboard.type(TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${server.base}/documents/${OTHER}`), page.keyboard.press('Enter')]);
  // Chromium sends our own origin (Referrer-Policy same-origin) and Sec-Fetch-Site: same-origin.
  expect(await Promise.all(posts)).toEqual([{ origin: server.base, site: 'same-origin', status: 303 }]);

  const words = 'Ukrainian and Russian officials';
  await page.evaluate((w) => {
    const tx = [...document.querySelectorAll('#article-text .tx')].find((el) => el.textContent!.includes(w))!;
    const node = tx.firstChild!;
    const at = node.textContent!.indexOf(w);
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + w.length);
    window.getSelection()!.removeAllRanges();
    window.getSelection()!.addRange(range);
  }, words);
  await page.keyboard.press('2');
  await page.locator('.label-item.selected').waitFor();
  const labels = (await readDocFile(t.dataDir, OTHER)).labels;
  expect(labels.map((l) => [l.type, l.quote.exact, l.annotator])).toEqual([['reported-claim', words, 'admin']]);
  await t.http.delete(`/api/documents/${OTHER}/labels/${labels[0].id}`).expect(200);
});

test('when a form is posted to the app from another site, then it is refused and nobody is signed in', async () => {
  const page = await newPage();
  const other = express();
  other.get('/', (_req, res) => {
    res.send(`<form method="post" action="${server.base}/login"><input name="username" value="admin"><input name="password" value="${TEST_PASSWORD}"><button>go</button></form>`);
  });
  const evil = await listen(other);
  try {
    await page.goto(evil.base.replace('127.0.0.1', 'localhost'));
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${server.base}/login`)), page.click('button')]);
    expect(res.status()).toBe(403);
    expect((await context!.cookies(server.base)).map((c) => c.name)).toEqual([]);
  } finally {
    await evil.close();
  }
});

test('when the diff page is read with n and p or the change links, then each change in turn is focused and announced, and the text is a labelled focusable region', async () => {
  const page = await newPage();
  await signIn(page, server.base);
  await page.goto(`${server.base}/documents/${FIRST_SEED}/diff?from=1&to=2`);
  const region = page.getByRole('region', { name: 'The text with its changes' });
  expect(await region.getAttribute('tabindex')).toBe('0');
  const marks = await page.locator('.change-mark').allTextContents();
  expect(marks.length).toBeGreaterThanOrEqual(2);
  // the text was changed in two places: "The Wall Street Journal CEO Council Summit" (before) and "phony"
  expect(marks.some((m) => m.includes('Wall Street Journal'))).toBe(true);
  expect(marks.at(-1)).toContain('phon');
  const focused = () => page.evaluate(() => [document.activeElement!.id, document.querySelector('.change-pos')!.textContent]);

  await page.keyboard.press('n');
  expect(await focused()).toEqual(['change-1', `Change 1 of ${marks.length}`]);
  await page.keyboard.press('n');
  expect(await focused()).toEqual(['change-2', `Change 2 of ${marks.length}`]);
  await page.keyboard.press('p');
  expect(await focused()).toEqual(['change-1', `Change 1 of ${marks.length}`]);
  await page.keyboard.press('p');
  expect(await focused()).toEqual([`change-${marks.length}`, `Change ${marks.length} of ${marks.length}`]);
  await page.getByRole('link', { name: 'Next change →' }).click();
  expect(await focused()).toEqual(['change-1', `Change 1 of ${marks.length}`]);
  expect(await page.locator('.change-mark.current').textContent()).toBe(marks[0]);
  // the last change is scrolled into view
  await page.keyboard.press('p');
  expect(await page.locator(`#change-${marks.length}`).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  })).toBe(true);
});
