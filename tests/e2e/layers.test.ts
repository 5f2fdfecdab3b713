import type { Browser, Page } from 'playwright-core';
import { FIRST_SEED, TEST_PASSWORD } from '../helpers/app.js';
import { launchChromium, signIn, startBrowserSession, type BrowserSession } from '../helpers/browser.js';

/** Editors see every layer of a document in lanes, and filter them; annotators under blind labelling see their own. */
let browser: Browser;
let session: BrowserSession;
let base: string;
let page: Page;
/** Label ids by layer. */
const ids: Record<string, string[]> = {};

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
    signInAs: null,
    seed: async (app) => {
      const [ana, ben] = [await app.as('ana'), await app.as('ben')];
      await app.http.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['ana', 'ben'] }).expect(200);
      const url = `/api/documents/${FIRST_SEED}/labels`;
      const add = async (who: typeof ana, body: object) => (await who.post(url).send({ rev: 1, ...body }).expect(201)).body as { id: string; layer: string };
      const a1 = await add(ana, { start: 158, end: 188, type: 'direct-quote' });
      const a2 = await add(ana, { start: 0, end: 9, type: 'opinion' });
      const b1 = await add(ben, { start: 158, end: 188, type: 'direct-quote' });
      const b2 = await add(ben, { start: 19, end: 34, type: 'reported-claim', speaker: 'Antony Blinken' });
      const b3 = await add(ben, { start: 40, end: 50, type: 'opinion' });
      const g = (await app.http.post(`/api/documents/${FIRST_SEED}/gold`).send({ labelId: a1.id }).expect(201)).body as { id: string };
      ids.ana = [a1.id, a2.id];
      ids.ben = [b1.id, b2.id, b3.id];
      ids.gold = [g.id];
    },
  });
  ({ base, page } = session);
});
afterEach(async () => {
  await session.close();
});

const highlighted = async () => [...new Set(await page.locator('#article-text .hl[data-label]').evaluateAll((els) => els.map((e) => e.getAttribute('data-label')!)))].sort();
const listed = async () => (await page.locator('#label-list .label-item[data-label]').evaluateAll((els) => els.map((e) => e.getAttribute('data-label')!))).sort();

test('when an editor opens a document labelled by two annotators and gold, then the list has one lane per layer (gold first) and every label names its layer', async () => {
  await signIn(page, base, { username: 'edna', password: TEST_PASSWORD });
  await page.goto(`${base}/documents/${FIRST_SEED}`);
  expect(await page.locator('#label-list > .lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-layer')))).toEqual(['gold', 'ana', 'ben']);
  expect(await page.locator('#label-list > .lane .lane-head').allInnerTexts()).toEqual(['GOLD 1', 'ANA 2', 'BEN 3']);
  expect(await page.locator('#label-count').innerText()).toBe('6');
  expect(await highlighted()).toEqual([...ids.ana, ...ids.ben, ...ids.gold].sort());
  const names = await page.locator('.lane[data-layer="ben"] .label-item').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')!));
  expect(names).toHaveLength(3);
  for (const n of names) expect(n).toContain('ben’s layer');
  expect(await page.locator('.lane[data-layer="gold"] .label-item').getAttribute('aria-label')).toMatch(/^Direct quote, gold layer: “rest, refit/);
  expect(await page.locator('.lane[data-layer="gold"] .label-item .by').innerText()).toBe('gold by admin');
});

test('when an editor filters to one annotator with the checkboxes, then exactly that annotator\'s labels are highlighted and listed, the count matches, and the filter survives a change made in the editor', async () => {
  await signIn(page, base, { username: 'edna', password: TEST_PASSWORD });
  await page.goto(`${base}/documents/${FIRST_SEED}`);
  await page.locator('#layer-filter input[value="gold"]').uncheck({ timeout: 5000 });
  await page.locator('#layer-filter input[value="ana"]').uncheck({ timeout: 5000 });
  await Promise.all([page.waitForURL(/layers=ben/, { timeout: 10_000 }), page.locator('#layer-filter button[type="submit"]').click({ timeout: 5000 })]);
  expect(await highlighted()).toEqual([...ids.ben].sort());
  expect(await listed()).toEqual([...ids.ben].sort());
  expect(await page.locator('#label-count').innerText()).toBe('3');
  expect(await page.locator('#layer-filter legend').innerText()).toContain('showing 3 of 6');
  // Deleting a label re-renders the text and the panel through the fragment: the filter stays.
  await page.locator(`#label-${ids.ben[2]}`).focus();
  await page.keyboard.press('Delete');
  await page.waitForFunction((id) => !document.querySelector(`#label-${id}`), ids.ben[2], { timeout: 10_000 });
  expect(await listed()).toEqual(ids.ben.slice(0, 2).sort());
  expect(await highlighted()).toEqual(ids.ben.slice(0, 2).sort());
  expect(await page.locator('#label-count').innerText()).toBe('2');
});

test('when the filter is given in the address (no JavaScript), then only those layers are shown, in the text and the list', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const plain = await context.newPage();
  try {
    await signIn(plain, base, { username: 'edna', password: TEST_PASSWORD });
    await plain.goto(`${base}/documents/${FIRST_SEED}?layers=gold,ana`);
    const shown = [...new Set(await plain.locator('#article-text .hl[data-label]').evaluateAll((els) => els.map((e) => e.getAttribute('data-label')!)))].sort();
    expect(shown).toEqual([...ids.gold, ...ids.ana].sort());
    expect(await plain.locator('#label-list .label-item').count()).toBe(3);
    expect(await plain.locator('#layer-filter input:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['gold', 'ana']);
  } finally {
    await context.close();
  }
});

test('when an annotator under blind labelling opens the document, then there are no lanes nor filter, and only her labels', async () => {
  await signIn(page, base, { username: 'ana', password: TEST_PASSWORD });
  await page.goto(`${base}/documents/${FIRST_SEED}?layers=ben`);
  expect(await page.locator('#layer-filter').count()).toBe(0);
  expect(await page.locator('.lane').count()).toBe(0);
  expect(await highlighted()).toEqual([...ids.ana].sort());
  expect(await listed()).toEqual([...ids.ana].sort());
});
