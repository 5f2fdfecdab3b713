import type { Browser, Page } from 'playwright-core';
import { FIRST_SEED, readDocFile, type startTestApp, TEST_PASSWORD } from '../helpers/app.js';
import { launchChromium, startBrowserSession, type BrowserSession } from '../helpers/browser.js';

const PHRASE = 'rest, refit, regroup, reattack';
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
  session = await startBrowserSession(browser, { seeds: true, viewport: { width: 1400, height: 1000 } });
  ({ t, base, page } = session);
});
afterEach(async () => {
  await session.close();
});

/** Drags the mouse over the n-th appearance of `words` in the article, as a reader would. */
async function dragOver(words: string, occurrence = 1) {
  await page.evaluate(() => document.fonts.ready);
  const box = await page.evaluate(([w, n]) => {
    const root = document.getElementById('article-text')!;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      let at = node.textContent!.indexOf(w as string);
      while (at !== -1) {
        if (++seen === n) {
          // Centre the words first: a drag near the window's edge makes Chromium auto-scroll and
          // the selection run on past them.
          node.parentElement!.scrollIntoView({ block: 'center', behavior: 'instant' });
          const range = document.createRange();
          range.setStart(node, at);
          range.setEnd(node, at + (w as string).length);
          const rects = [...range.getClientRects()];
          const first = rects[0];
          const last = rects[rects.length - 1];
          return { x1: first.left + 2, y1: first.top + first.height / 2, x2: last.right - 2, y2: last.top + last.height / 2 };
        }
        at = node.textContent!.indexOf(w as string, at + 1);
      }
    }
    throw new Error(`"${w}" not found in the article`);
  }, [words, occurrence] as const);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move(box.x2, box.y2, { steps: 8 });
  await page.mouse.up();
  expect(await page.evaluate(() => window.getSelection()!.toString())).toBe(words);
}

test('when a reviewer selects "rest, refit, regroup, reattack", presses 1 and names the speaker, then after a reload the label covers exactly those words and is on disk', async () => {
  await page.goto(`${base}/documents/${FIRST_SEED}`);
  await dragOver(PHRASE);
  await page.keyboard.press('1');
  const speaker = page.locator('.label-item.selected details[open] input[name="speaker"]');
  await speaker.waitFor();
  expect(await speaker.evaluate((el) => el === document.activeElement)).toBe(true);
  await speaker.fill('Antony Blinken');
  await speaker.press('Enter');
  await page.locator('#status', { hasText: 'Saved.' }).waitFor();

  await page.reload();
  const highlighted = page.locator('#article-text .hl.t-direct-quote');
  expect(await highlighted.allTextContents()).toEqual([PHRASE]);
  expect(await page.locator('.label-item .speaker').allTextContents()).toEqual(['Antony Blinken']);

  const disk = await readDocFile(t.dataDir, FIRST_SEED);
  const text = disk.revisions[0].text;
  expect(disk.labels).toHaveLength(1);
  expect(disk.labels[0]).toMatchObject({ type: 'direct-quote', start: text.indexOf(PHRASE), end: text.indexOf(PHRASE) + PHRASE.length, speaker: 'Antony Blinken', rev: 1 });
});

test('when a label is deleted with the Delete key, then u brings it back', async () => {
  await page.goto(`${base}/documents/${FIRST_SEED}`);
  await dragOver('phony peace');
  await page.keyboard.press('3');
  await page.locator('.label-item.selected').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('.label-item.selected').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('Delete');
  await page.locator('#status', { hasText: 'Deleted' }).waitFor();
  expect((await readDocFile(t.dataDir, FIRST_SEED)).labels).toHaveLength(0);
  await page.keyboard.press('u');
  await page.locator('#status', { hasText: 'Label restored.' }).waitFor();
  const disk = await readDocFile(t.dataDir, FIRST_SEED);
  expect(disk.labels.map((l) => [l.type, l.quote.exact])).toEqual([['opinion', 'phony peace']]);
  expect(await page.locator('#article-text .hl.t-opinion').allTextContents()).toEqual(['phony peace']);
});

test('when a selection crosses two paragraphs and one shift+arrow grows it by the next word, then the label covers both paragraphs and ends after that word', async () => {
  await page.goto(`${base}/documents/${FIRST_SEED}`);
  const ok = await page.evaluate(() => {
    const paras = document.querySelectorAll('#article-text p');
    const a = [...paras[0].querySelectorAll('.tx')].find((el) => el.textContent!.includes('regroup'))!.firstChild!;
    const b = paras[1].querySelector('.tx')!.firstChild!;
    const range = document.createRange();
    range.setStart(a, a.textContent!.indexOf('regroup'));
    range.setEnd(b, 'Blinken'.length);
    const sel = window.getSelection()!;
    sel.removeAllRanges();
    sel.addRange(range);
    return sel.toString().length > 0;
  });
  expect(ok).toBe(true);
  // One Shift+→ extends the selection to the end of the next word (the editor's keyboard model,
  // not Chromium's native word step, which would stop after the comma first).
  await page.keyboard.press('Shift+ArrowRight');
  expect(await page.evaluate(() => window.getSelection()!.toString())).toBe('regroup, reattack.”\n\nBlinken, speaking');
  await page.keyboard.press('2');
  await page.locator('.label-item.selected').waitFor();
  const [label] = (await readDocFile(t.dataDir, FIRST_SEED)).labels;
  expect(label.type).toBe('reported-claim');
  expect(label.quote.exact).toBe('regroup, reattack.”\n\nBlinken, speaking');
  expect(await page.locator(`#article-text .hl[data-label="${label.id}"]`).count()).toBeGreaterThan(1);
});

test('when a label in the side panel is clicked, then its span is scrolled to and flashes', async () => {
  await page.goto(`${base}/documents/${FIRST_SEED}`);
  await dragOver('a just and durable peace');
  await page.keyboard.press('1');
  await page.locator('.label-item.selected').waitFor();
  await page.keyboard.press('Escape');
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.locator('.label-item q.snippet').first().click();
  const span = page.locator('#article-text .hl.active');
  await span.first().waitFor();
  expect(await span.first().evaluate((el) => el.classList.contains('flash'))).toBe(true);
  await page.waitForFunction(() => {
    const r = document.querySelector('#article-text .hl.active')!.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
});

test('when an annotator signs in on the login page and labels their assigned document, then the label is theirs, in their layer', async () => {
  await t.as('grace', 'annotator');
  await t.http.put(`/api/documents/${FIRST_SEED}/assignments`).send({ annotators: ['grace'] }).expect(200);
  await page.context().clearCookies();
  await page.goto(`${base}/documents/${FIRST_SEED}`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.fill('input[name="username"]', 'grace');
  await page.fill('input[name="password"]', TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${base}/documents/${FIRST_SEED}`), page.click('form[action="/login"] button[type="submit"]')]);
  expect(await page.locator('.account-link').textContent()).toBe('grace (annotator)');
  await dragOver('phony off-ramp', 2);
  await page.keyboard.press('1');
  await page.locator('.label-item.selected').waitFor();
  const labels = (await readDocFile(t.dataDir, FIRST_SEED)).labels;
  expect(labels).toEqual([expect.objectContaining({ annotator: 'grace', layer: 'grace', quote: expect.objectContaining({ exact: 'phony off-ramp' }) })]);
  expect(await page.locator('.label-item .by').allTextContents()).toEqual(['by grace']);
});

test('when the reviewer presses n then a, then the first suggestion becomes a label; x rejects the next', async () => {
  await page.goto(`${base}/documents/${FIRST_SEED}`);
  const first = await page.locator('.sugg-item').first().getAttribute('data-sugg');
  const second = await page.locator('.sugg-item').nth(1).getAttribute('data-sugg');
  await page.keyboard.press('n');
  await page.locator(`.sugg.active[data-sugg="${first}"]`).first().waitFor();
  await page.keyboard.press('a');
  await page.locator('#status', { hasText: 'Accepted' }).waitFor();
  await page.locator(`.sugg-item.selected[data-sugg="${second}"]`).waitFor();
  await page.keyboard.press('x');
  await page.locator('#status', { hasText: 'Suggestion rejected' }).waitFor();
  const disk = await readDocFile(t.dataDir, FIRST_SEED);
  expect(disk.labels.map((l) => `${l.type}:${l.start}-${l.end}`)).toEqual([first]);
  expect(disk.rejectedSuggestions).toHaveLength(1);
});
