import type { Browser, Page } from 'playwright-core';
import { startTestApp } from '../helpers/app.js';
import { launchChromium, listen, signIn } from '../helpers/browser.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const TEXT = 'Ann Lee said: “The northern bridge will open in May next year.” Later Anne Leigh said: “The tolls will stay low for local drivers.”';

let t: App;
let browser: Browser;
let server: Awaited<ReturnType<typeof listen>>;
let page: Page;

beforeAll(async () => {
  t = await startTestApp();
  const doc = (await t.http.post('/api/documents').send({ title: 'Bridge', outlet: 'Ledger', publishedAt: '2024-05-01', text: TEXT }).expect(201)).body as { id: string };
  for (const [words, speaker] of [['The northern bridge will open in May next year.', 'Ann Lee'], ['The tolls will stay low for local drivers.', 'Anne Leigh']]) {
    const start = TEXT.indexOf(words);
    await t.http.post(`/api/documents/${doc.id}/labels`).send({ start, end: start + words.length, type: 'direct-quote', rev: 1, speaker, cue: 'said', sourcing: 'named' }).expect(201);
  }
  browser = await launchChromium();
  server = await listen(t.app);
  page = await browser.newPage();
  await signIn(page, server.base);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t?.cleanup();
});

const speakersOfLedger = async () => (await page.locator('tr[data-outlet="Ledger"] td[data-col="speakers"]').textContent())?.trim();

test('when an editor merges two speakers on the speakers page, then the outlet table counts one speaker where it counted two', async () => {
  await page.goto(`${server.base}/outlets`);
  expect(await speakersOfLedger()).toBe('2');

  await page.goto(`${server.base}/speakers`);
  const row = page.locator('#speaker-list tbody tr').filter({ has: page.locator('td.title a', { hasText: /^Anne Leigh$/ }) });
  await row.locator('select[name="into"]').selectOption({ label: 'Ann Lee' });
  await Promise.all([page.waitForURL(/\/speakers\/sp-/), row.locator('button', { hasText: 'Merge' }).click()]);
  expect(await page.locator('h1').textContent()).toBe('Ann Lee');
  expect(await page.locator('main').textContent()).toContain('Anne Leigh');

  await page.goto(`${server.base}/outlets`);
  expect(await speakersOfLedger()).toBe('1');

  await page.goto(`${server.base}/speakers`);
  await Promise.all([page.waitForURL(`${server.base}/speakers`), page.locator('.merge-history button', { hasText: 'Undo' }).click()]);
  await page.goto(`${server.base}/outlets`);
  expect(await speakersOfLedger()).toBe('2');
});
