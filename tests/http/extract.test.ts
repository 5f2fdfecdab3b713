import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES_DIR, expectDataUntouchedAfterEach, readDocFile, startTestApp } from '../helpers/app.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { fetchPage } from '../../server/services/fetch-page.js';

const ARTICLES = join(FIXTURES_DIR, 'articles');
const FIRST_WORDS = 'The harbour authority approved the new breakwater on Tuesday';
const LAST_WORDS = 'before the regional court before the summer.';

/** A local site: the saved pages, plus routes that misbehave. */
let site: PageServer;
let base: string;
beforeAll(async () => {
  site = await startPageServer();
  ({ base } = site);
});
afterAll(() => site.close());

describe('adding a document by URL', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.cleanup());

  test.each([
    ['news-site.html', { title: 'Harbour breakwater approved after three years', author: 'Jonas Berg', publishedAt: '2024-03-12', outlet: 'The Coastal Herald' }, ['Home', 'Subscribe', 'Read more', 'Related stories', 'All rights reserved']],
    ['blog-meta-byline.html', { title: 'Why the river survey matters', author: 'Priya Raman', publishedAt: '2023-11-05', outlet: 'Field Notes' }, ['Archive', 'Powered by', 'Contact']],
    ['amp-like.html', { title: 'Council delays budget vote to May', author: 'Lena Ortiz', publishedAt: '2024-04-02', outlet: 'City Wire' }, ['Sport', 'Weather', 'Back to top', 'Menu']],
    ['time-datetime.html', { title: 'Storm warning issued for the northern coast', publishedAt: '2024-01-18' }, ['Latest', 'newsletter', 'Advertise']],
  ])('when %s is added by URL, then the article text and its title, byline, date and outlet are kept, and the furniture is not', async (file, expected, absent) => {
    const res = await t.http.post('/api/documents').send({ url: `${base}/${file}` }).expect(201);
    const doc = await readDocFile(t.dataDir, res.body.id);
    expect(doc.meta).toEqual({ ...expected, url: `${base}/${file}` });
    const text = doc.revisions[0].text;
    expect(text.startsWith(FIRST_WORDS)).toBe(true);
    expect(text.endsWith(LAST_WORDS)).toBe(true);
    for (const word of absent) expect(text).not.toContain(word);
  });

  test('when the same page is pasted as HTML, then it is extracted the same way', async () => {
    const html = await readFile(join(ARTICLES, 'news-site.html'), 'utf8');
    const res = await t.http.post('/api/documents').send({ html }).expect(201);
    const doc = await readDocFile(t.dataDir, res.body.id);
    expect(doc.meta.title).toBe('Harbour breakwater approved after three years');
    expect(doc.revisions[0].text.startsWith(FIRST_WORDS)).toBe(true);
    expect(doc.revisions[0].text).not.toContain('Home | Politics');
  });

  test('when the URL redirects, then the page it lands on is stored with that URL', async () => {
    const res = await t.http.post('/api/documents').send({ url: `${base}/moved` }).expect(201);
    expect((await readDocFile(t.dataDir, res.body.id)).meta.url).toBe(`${base}/news-site.html`);
  });
});

describe('refused fetches', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  test.each([
    ['a URL that is not http(s)', () => 'file:///etc/passwd', 400, () => 'url: must be an http:// or https:// URL'],
    ['a page that is not HTML', () => `${base}/json`, 415, () => `${base}/json is not an HTML page (Content-Type: application/json)`],
    ['a page over the size limit', () => `${base}/big`, 413, () => `${base}/big is larger than the 5 MB limit`],
    ['a redirect loop', () => `${base}/loop`, 422, () => `${base}/loop redirects more than 5 times`],
  ])('when %s is given, then it is a clear 4xx and nothing is written', async (_what, url, status, message) => {
    const res = await t.http.post('/api/documents').send({ url: url() });
    expect(res.status).toBe(status);
    expect(res.body.error.message).toBe(message());
  });

  test('when the address is loopback and private fetches are off, then it is a 403 naming the address', async () => {
    await expect(fetchPage(`${base}/news-site.html`, { allowPrivate: false })).rejects.toMatchObject({ status: 403, message: '127.0.0.1 is a private or loopback address; fetching it is off (ALLOW_PRIVATE_FETCH=1 allows it)' });
    await expect(fetchPage('http://localhost:1/', { allowPrivate: false })).rejects.toMatchObject({ status: 403, code: 'private_address' });
    delete process.env.ALLOW_PRIVATE_FETCH;
    const res = await t.http.post('/api/documents').send({ url: `${base}/news-site.html` }).expect(403);
    process.env.ALLOW_PRIVATE_FETCH = '1';
    expect(res.body.error.code).toBe('private_address');
  });

  test('when fetchPage is given a URL that is not http(s), then it says which protocol it refuses', async () => {
    await expect(fetchPage('ftp://example.com/a.html')).rejects.toMatchObject({ status: 400, message: 'only http:// and https:// URLs can be fetched, not ftp:' });
  });

  test('when the server never answers, then the fetch gives up with a 504 naming the host', async () => {
    await expect(fetchPage(`${base}/slow`, { allowPrivate: true, timeoutMs: 300 })).rejects.toMatchObject({ status: 504, message: `${new URL(base).host} did not answer within 0.3 seconds` });
  });
});
