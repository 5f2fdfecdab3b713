import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { FIRST_SEED, readDocFile, type startTestApp } from '../helpers/app.js';
import { launchChromium, startBrowserSession, type BrowserSession } from '../helpers/browser.js';

let browser: Browser;
let session: BrowserSession | undefined;
let t: Awaited<ReturnType<typeof startTestApp>>;
let base: string;
let page: Page;

/** The seeded app and a page in a new browser context, signed in as the admin through the /login form. */
async function open(viewport = { width: 1280, height: 900 }, extra: BrowserContextOptions = {}) {
  session = await startBrowserSession(browser, { seeds: true, viewport, context: extra });
  ({ t, base, page } = session);
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const editorUrl = () => `${base}/documents/${FIRST_SEED}`;

/** From the focused text, the arrow keys pick the word `first`, then Shift+Right extends `more` words. */
async function selectWordsByKeyboard(first: string, more: number) {
  await page.locator('#article-text').focus();
  const words = await page.evaluate(() => document.getElementById('article-text')!.textContent!);
  const before = words.slice(0, words.indexOf(first)).match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’-]*/gu)!.length;
  for (let i = 0; i <= before; i++) await page.keyboard.press('ArrowRight');
  for (let i = 0; i < more; i++) await page.keyboard.press('Shift+ArrowRight');
}

test('when a reviewer labels a quote with the keyboard only (skip link, arrows, 1, speaker, Tab to Save, Enter), then it is saved with its speaker', async () => {
  await open();
  await page.goto(editorUrl());
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement!.textContent)).toBe('Skip to the text');
  await page.keyboard.press('Enter');
  await selectWordsByKeyboard('rest,', 3);
  expect(await page.evaluate(() => window.getSelection()!.toString())).toBe('rest, refit, regroup, reattack');
  await page.keyboard.press('1');
  const speaker = page.locator('.label-item.selected details[open] input[name="speaker"]');
  await speaker.waitFor();
  await page.keyboard.type('Antony Blinken');
  // Tab through Cue, Sourcing, Note to Save, then Enter presses Save.
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement!.textContent)).toBe('Save');
  await page.keyboard.press('Enter');
  await page.locator('#status', { hasText: 'Saved.' }).waitFor();
  const [label] = (await readDocFile(t.dataDir, FIRST_SEED)).labels;
  expect([label.type, label.quote.exact, label.speaker]).toEqual(['direct-quote', 'rest, refit, regroup, reattack', 'Antony Blinken']);
});

test('when Enter is pressed on a focused link while a label is picked, then the link is followed', async () => {
  await open();
  await t.http.post(`/api/documents/${FIRST_SEED}/suggestions/${encodeURIComponent(await firstSuggestion())}/accept`).send({ rev: 1 }).expect(201);
  await page.goto(editorUrl());
  await page.keyboard.press('j');
  await page.locator('.label-item.selected').waitFor();
  await page.locator('a', { hasText: 'Revisions' }).first().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`${editorUrl()}/revisions`);
});

async function firstSuggestion(): Promise<string> {
  const res = await t.http.get(`/api/documents/${FIRST_SEED}/suggestions`).expect(200);
  const list = (Array.isArray(res.body) ? res.body : res.body.items) as { id: string }[];
  return list[0].id;
}

test('when suggestions run out, then a says "No more suggestions on this document." and the highlight always matches what a accepts', async () => {
  await open();
  await page.goto(editorUrl());
  const count = await page.locator('.sugg-item').count();
  await page.keyboard.press('n');
  for (let i = 0; i < count; i++) {
    const highlighted = await page.locator('.sugg-item.selected').getAttribute('data-sugg');
    await page.keyboard.press('x');
    await page.waitForFunction((id) => !document.querySelector(`.sugg-item[data-sugg="${id}"]`), highlighted);
  }
  await page.keyboard.press('a');
  await page.locator('#status', { hasText: 'No more suggestions on this document.' }).waitFor();
  expect((await readDocFile(t.dataDir, FIRST_SEED)).rejectedSuggestions).toHaveLength(count);
});

test('when Esc is pressed in a form with a typed speaker, then the reviewer is asked first and keeps the typing on "cancel"', async () => {
  await open();
  await t.http.post(`/api/documents/${FIRST_SEED}/suggestions/${encodeURIComponent(await firstSuggestion())}/accept`).send({ rev: 1 }).expect(201);
  await page.goto(editorUrl());
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  const speaker = page.locator('.label-item.selected details[open] input[name="speaker"]');
  await speaker.fill('Somebody Typed');
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await speaker.press('Escape');
  expect(asked).toBe('Discard the changes you made to this label?');
  expect(await speaker.inputValue()).toBe('Somebody Typed');
  expect(await page.locator('.label-item.selected details.label-edit').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
});

test('after a revision, r goes to the label needing review with its old and new words, c confirms it, and an orphan is in the j/k order and re-attached with s', async () => {
  await open();
  const text = (await t.http.get(`/api/documents/${FIRST_SEED}`).expect(200)).body.text as string;
  const mk = async (exact: string, type: string, speaker?: string) => {
    const start = text.indexOf(exact);
    return (await t.http.post(`/api/documents/${FIRST_SEED}/labels`).send({ start, end: start + exact.length, type, rev: 1, ...(speaker ? { speaker } : {}) }).expect(201)).body.id as string;
  };
  const fuzzyId = await mk('a phony off-ramp', 'direct-quote');
  const orphanId = await mk('The Wall Street Journal CEO Council Summit', 'opinion', 'Editor');
  const revised = text.replace('a phony off-ramp', 'a phoney off-ramp').replace('The Wall Street Journal CEO Council Summit', 'an event');
  await t.http.put(`/api/documents/${FIRST_SEED}/text`).send({ text: revised, baseRev: 1 }).expect(201);
  const disk = await readDocFile(t.dataDir, FIRST_SEED);
  expect(disk.labels.map((l) => [l.id, l.anchor.state]).sort()).toEqual([[fuzzyId, 'fuzzy'], [orphanId, 'orphaned']].sort());

  await page.goto(editorUrl());
  expect(await page.locator('#label-count').textContent()).toBe('2');
  await page.keyboard.press('r');
  const item = page.locator(`#label-${fuzzyId}`);
  expect(await item.evaluate((el) => el === document.activeElement)).toBe(true);
  expect(await item.locator('.was-now q').allTextContents()).toEqual(['a phony off-ramp', 'a phoney off-ramp']);
  expect(await item.getAttribute('aria-label')).toBe('Direct quote, admin’s layer, needs review: “a phoney off-ramp”');
  await item.locator('.item-actions button', { hasText: 'Confirm' }).waitFor();
  await page.keyboard.press('c');
  await page.locator('#status', { hasText: 'Position confirmed.' }).waitFor();
  expect((await readDocFile(t.dataDir, FIRST_SEED)).labels.find((l) => l.id === fuzzyId)!.anchor.state).toBe('exact');

  await page.keyboard.press('j');
  const orphan = page.locator(`#label-${orphanId}`);
  expect(await orphan.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.evaluate(() => {
    const tx = [...document.querySelectorAll('#article-text .tx')].find((el) => el.textContent!.includes('an event'))!;
    const node = tx.firstChild!;
    const at = node.textContent!.indexOf('an event');
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 'an event'.length);
    window.getSelection()!.removeAllRanges();
    window.getSelection()!.addRange(range);
  });
  await page.keyboard.press('s');
  await page.locator('#status', { hasText: 'Re-attached to the selected words.' }).waitFor();
  const after = (await readDocFile(t.dataDir, FIRST_SEED)).labels.find((l) => l.id === orphanId)!;
  expect([after.anchor.state, after.quote.exact, after.speaker, after.type, after.rev]).toEqual(['exact', 'an event', 'Editor', 'opinion', 2]);
  expect(await page.locator('#article-text .hl.t-opinion').allTextContents()).toEqual(['an event']);
  const history = page.locator('.history-list details.moved-labels');
  expect(await history.locator('summary').allTextContents()).toEqual(['and moved 2 labels']);
});

// Every page without sideways scrolling at 390 px, and axe-core on every page: tests/e2e/pages.test.ts.
test('when the editor is used on a phone (390x844, touch), then a tap on two words selects them and a type button labels them', async () => {
  await open({ width: 390, height: 844 }, { hasTouch: true, isMobile: true });
  await page.goto(editorUrl());
  const tapOn = async (word: string) => {
    const box = await page.evaluate((w) => {
      const tx = [...document.querySelectorAll('#article-text .tx')].find((el) => el.textContent!.includes(w))!;
      const node = tx.firstChild!;
      const range = document.createRange();
      const at = node.textContent!.indexOf(w);
      range.setStart(node, at);
      range.setEnd(node, at + w.length);
      tx.scrollIntoView({ block: 'center' });
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    }, word);
    await page.touchscreen.tap(box.x, box.y);
  };
  await tapOn('phony');
  await tapOn('off-ramp');
  expect(await page.evaluate(() => window.getSelection()!.toString())).toBe('phony off-ramp');
  await page.locator('.type-btn[data-type="opinion"]').tap();
  await page.locator('.label-item.selected').waitFor({ state: 'attached' });
  expect((await readDocFile(t.dataDir, FIRST_SEED)).labels.map((l) => l.quote.exact)).toEqual(['phony off-ramp']);
});
