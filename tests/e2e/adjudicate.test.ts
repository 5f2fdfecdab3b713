import type { Browser, Page } from 'playwright-core';
import { FIRST_SEED, readDocFile, type startTestApp } from '../helpers/app.js';
import { launchChromium, startBrowserSession, type BrowserSession } from '../helpers/browser.js';

let browser: Browser;
let session: BrowserSession;
let t: Awaited<ReturnType<typeof startTestApp>>;
let base: string;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  session = await startBrowserSession(browser, {
    seeds: true,
    users: { ana: 'annotator', ben: 'annotator', edna: 'editor' },
    signInAs: 'edna',
    seed: async (app) => {
      const [ana, ben] = [await app.as('ana'), await app.as('ben')];
      await app.http.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['ana', 'ben'] }).expect(200);
      const url = `/api/documents/${FIRST_SEED}/labels`;
      await ana.post(url).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
      await ben.post(url).send({ start: 158, end: 188, type: 'direct-quote', rev: 1 }).expect(201);
      await ana.post(url).send({ start: 0, end: 9, type: 'opinion', rev: 1 }).expect(201);
    },
  });
  ({ t, base, page } = session);
});
afterEach(async () => {
  await session.close();
});

const gold = async () => (await readDocFile(t.dataDir, FIRST_SEED)).labels.filter((l) => l.layer === 'gold').map((l) => [l.start, l.end, l.type, l.annotator]);

test('when an editor adjudicates with the keyboard, then a accepts the focused candidate into gold and "Accept all agreed" takes the agreed one', async () => {
  await page.goto(`${base}/documents/${FIRST_SEED}/adjudicate`);
  expect(await page.locator('.region.disagreement').count()).toBe(1);
  expect(await page.locator('.candidate.agreed').count()).toBe(1);
  // The first candidate (0-9, ana only) is focused: a accepts it.
  await Promise.all([page.waitForNavigation(), page.keyboard.press('a')]);
  expect(await gold()).toEqual([[0, 9, 'opinion', 'edna']]);
  await Promise.all([page.waitForNavigation(), page.click('text=Accept all agreed (1)')]);
  expect(await gold()).toEqual([[0, 9, 'opinion', 'edna'], [158, 188, 'direct-quote', 'edna']]);
  expect(await page.locator('.candidate.in-gold').count()).toBe(2);
});

test('when the editor presses e, then the edit form opens and accepting it stores the edited type', async () => {
  await page.goto(`${base}/documents/${FIRST_SEED}/adjudicate`);
  await page.keyboard.press('e');
  const form = page.locator('.candidate.active details.edit-form');
  expect(await form.getAttribute('open')).not.toBeNull();
  await form.locator('select[name="type"]').selectOption('reported-claim');
  await Promise.all([page.waitForNavigation(), form.locator('button[type="submit"]').click()]);
  expect(await gold()).toEqual([[0, 9, 'reported-claim', 'edna']]);
});
