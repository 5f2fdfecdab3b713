import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FIRST_SEED, readDocFile, snapshotDir, startTestApp } from '../helpers/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ seeds: true });
});
afterEach(() => t.cleanup());

const titles = (html: string) => [...html.matchAll(/<td class="title"><a href="\/documents\/([^"]+)">/g)].map((m) => m[1]);

describe('the document list', () => {
  test('when it is opened, then every seed is listed newest first, undated last', async () => {
    const res = await t.http.get('/').expect(200);
    expect(titles(res.text)).toEqual(['000_b5b79bfe33936fda', '004_062c31817f8f94f3', '003_975f8ef28e3c2c11', '002_f9b24e5332cffdf2', '001_b1fe9c773694e9ae']);
    expect(res.text).toContain('<td>Global Research</td>');
    expect(res.text).toContain('<td class="date">2022-12-06</td>');
  });

  test.each([
    ['axios', ['003_975f8ef28e3c2c11']],
    ['refit', ['000_b5b79bfe33936fda', '001_b1fe9c773694e9ae']],
    ['Zelensky Sabotage', ['004_062c31817f8f94f3']],
    ['no-such-word-anywhere', []],
  ])('when the search box holds %j, then the list is filtered by title, outlet and text', async (q, ids) => {
    const res = await t.http.get('/').query({ q }).expect(200);
    expect(titles(res.text)).toEqual(ids);
  });
});

describe('the Add document form', () => {
  test('when HTML is pasted, then the document is created clean and the browser goes to its editor', async () => {
    const res = await t.http.post('/documents').type('form').send({ format: 'html', content: '<p>One.</p><p onclick="x()">Two <script>bad()</script></p>', outlet: 'Wire', title: '' }).expect(303);
    const id = res.headers.location.replace('/documents/', '');
    const doc = await readDocFile(t.dataDir, id);
    expect(doc.revisions[0].text).toBe('One.\n\nTwo');
    expect(doc.meta).toMatchObject({ title: 'One.', outlet: 'Wire' });
  });

  test('when the content is empty, then the form comes back with a 400 message, the values kept, and nothing stored', async () => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post('/documents').type('form').send({ format: 'text', content: '', outlet: 'Kept outlet' }).expect(400);
    expect(res.text).toContain('<p class="error-box" role="alert">the document needs its content: give one of &#34;text&#34;, &#34;html&#34; or &#34;markdown&#34;</p>');
    expect(res.text).toContain('value="Kept outlet"');
    expect(await snapshotDir(t.dataDir)).toEqual(before);
    expect(await readdir(join(t.dataDir, 'documents'))).toHaveLength(5);
  });
});

describe('errors as pages', () => {
  test('when a page does not exist, then a 404 HTML page says so', async () => {
    const res = await t.http.get('/documents/unknown-doc').expect(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('no document with id &#34;unknown-doc&#34;');
  });

  test('when an API path does not exist, then the 404 is JSON', async () => {
    const res = await t.http.get('/api/nothing-here').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'nothing at GET /api/nothing-here' } });
  });
});

describe('needs review', () => {
  test('when a fuzzy label is confirmed, then it is exact again and the trail says so', async () => {
    await t.store.update(FIRST_SEED, (d) => {
      d.labels.push({
        id: 'fuzzy-1', type: 'direct-quote', start: 0, end: 9, rev: 1, quote: { exact: 'Secretary', prefix: '', suffix: ' of State Anthony Blinken is warn' },
        annotator: 'a', createdAt: 'x', updatedAt: 'x', anchor: { state: 'fuzzy', method: 'quote-approximate', score: 0.91, fromRev: 1 },
      });
    });
    const page = await t.http.get(`/documents/${FIRST_SEED}`).expect(200);
    expect(page.text).toContain('1 need review');
    expect(page.text).toContain('<span class="hl t-direct-quote lane-0 review" data-label="fuzzy-1" data-layer="a">');
    const res = await t.http.patch(`/api/documents/${FIRST_SEED}/labels/fuzzy-1`).send({ confirm: true }).expect(200);
    expect(res.body.anchor).toEqual({ state: 'exact', method: 'confirmed (quote-approximate)', score: 0.91, fromRev: 1 });
    expect((await readDocFile(t.dataDir, FIRST_SEED)).events.at(-1)).toMatchObject({ kind: 'label.updated', labelId: 'fuzzy-1' });
  });
});

describe('document details', () => {
  test('when the details form sets an outlet, then the list shows it; an empty field removes it', async () => {
    await t.http.post('/documents/002_f9b24e5332cffdf2/meta').type('form').send({ title: 'Blinken: de-escalate first', outlet: 'Daily Outlet', author: '', url: '', publishedAt: '2022-01-06' }).expect(303);
    expect((await readDocFile(t.dataDir, '002_f9b24e5332cffdf2')).meta).toMatchObject({ title: 'Blinken: de-escalate first', outlet: 'Daily Outlet', publishedAt: '2022-01-06' });
    expect((await t.http.get('/').expect(200)).text).toContain('<td>Daily Outlet</td>');
    await t.http.post('/documents/002_f9b24e5332cffdf2/meta').type('form').send({ title: 'Blinken: de-escalate first', outlet: '' }).expect(303);
    expect((await readDocFile(t.dataDir, '002_f9b24e5332cffdf2')).meta.outlet).toBeUndefined();
  });

  test('when the details form has a bad URL, then a 400 page says so and nothing changes', async () => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post('/documents/002_f9b24e5332cffdf2/meta').type('form').send({ title: 'x', url: 'javascript:alert(1)' }).expect(400);
    expect(res.text).toContain('url: must be an http:// or https:// URL');
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when PATCH /api/documents/:id sets the outlet, then the event trail records before and after', async () => {
    const res = await t.http.patch(`/api/documents/${FIRST_SEED}`).send({ outlet: 'USA Today' }).expect(200);
    expect(res.body.meta.outlet).toBe('USA Today');
    expect((await readDocFile(t.dataDir, FIRST_SEED)).events.at(-1)).toMatchObject({ kind: 'document.meta-updated', after: { outlet: 'USA Today' } });
  });
});
