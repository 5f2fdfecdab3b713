import { expectDataUntouchedAfterEach, readDocFile, startTestApp } from '../helpers/app.js';
import { startPageServer, type PageServer } from '../helpers/page-server.js';
import { FETCH_TIMEOUT_MS } from '../../server/services/fetch-page.js';

/** A local site on 127.0.0.1: the saved pages, plus routes that misbehave. */
let site: PageServer;
let base: string;
let host: string;
beforeAll(async () => {
  site = await startPageServer();
  ({ base, host } = site);
});
afterAll(() => site.close());

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
const addByUrl = (url: string) => t.http.post('/documents').type('form').send({ from: 'url', url });
/** The page's refusal box and the URL field as rendered, to compare exactly. */
const urlErrorOf = (html: string) => /<p class="error-box" role="alert" id="url-error">([^<]*)<\/p>/.exec(html)?.[1];
const urlFieldOf = (html: string) => /<input id="add-url" type="url" name="url" value="([^"]*)"/.exec(html)?.[1];
const unescape = (s: string | undefined) => s?.replace(/&#34;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'");

describe('the Add by URL form', () => {
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.cleanup());

  test('when the page shows the form, then it has a URL field posting to /documents with from=url, and the fetch limits', async () => {
    const res = await t.http.get('/documents/new').expect(200);
    expect(res.text).toContain('<input type="hidden" name="from" value="url">');
    expect(urlFieldOf(res.text)).toBe('');
    expect(res.text).toContain('http:// and https:// only, pages up to 5 MB that arrive within 10 seconds.');
  });

  test('when a saved news page is added by URL, then the browser goes to the new document, with the exact title, author, date, outlet and URL', async () => {
    const res = await addByUrl(`${base}/news-site.html`).expect(303);
    expect(res.headers.location).toMatch(/^\/documents\/[0-9a-f-]{36}$/);
    const doc = await readDocFile(t.dataDir, res.headers.location.replace('/documents/', ''));
    expect(doc.meta).toEqual({
      title: 'Harbour breakwater approved after three years',
      author: 'Jonas Berg',
      publishedAt: '2024-03-12',
      outlet: 'The Coastal Herald',
      url: `${base}/news-site.html`,
    });
    expect(doc.revisions[0].text.startsWith('The harbour authority approved the new breakwater on Tuesday')).toBe(true);
    expect(doc.revisions[0].text).not.toContain('Subscribe');
    const page = await t.http.get(res.headers.location).expect(200);
    expect(page.text).toContain('Harbour breakwater approved after three years');
  });

  test('when the URL redirects, then the document keeps the URL the page was found at', async () => {
    const res = await addByUrl(`${base}/moved`).expect(303);
    expect((await readDocFile(t.dataDir, res.headers.location.replace('/documents/', ''))).meta.url).toBe(`${base}/news-site.html`);
  });

  test('when a signed-in browser sends the URL form with the CSRF field the page rendered, then the document is added', async () => {
    const { agent } = await t.session('editor1', 'editor');
    const form = (await agent.get('/documents/new').expect(200)).text;
    const token = /<form class="stack compact" method="post" action="\/documents"><input type="hidden" name="_csrf" value="([^"]+)">/.exec(form)?.[1];
    expect(token).toBeDefined();
    const res = await agent.post('/documents').type('form').send({ _csrf: token, from: 'url', url: `${base}/blog-meta-byline.html` }).expect(303);
    expect((await readDocFile(t.dataDir, res.headers.location.replace('/documents/', ''))).meta).toEqual({
      title: 'Why the river survey matters', author: 'Priya Raman', publishedAt: '2023-11-05', outlet: 'Field Notes', url: `${base}/blog-meta-byline.html`,
    });
  });
});

describe('refused URLs: a sentence on the page, the URL kept, nothing written', () => {
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  test.each([
    ['a URL that is not http(s)', () => 'file:///etc/passwd', 400, () => 'Only web addresses that start with http:// or https:// can be added.'],
    ['a page that is not HTML', () => `${base}/json`, 415, () => `That address is not a web page: ${base}/json is not an HTML page (Content-Type: application/json).`],
    ['a page over the size limit', () => `${base}/big`, 413, () => `That page is too big to add: ${base}/big is larger than the 5 MB limit.`],
    ['a page that is not there', () => `${base}/missing.html`, 422, () => `That page could not be fetched: ${base}/missing.html answered 404.`],
    ['an empty address', () => '', 400, () => 'Give the web address of a page to add.'],
  ])('when %s is given, then the page says why, keeps the URL, and stores nothing', async (_what, url, status, message) => {
    const res = await addByUrl(url()).expect(status);
    expect(unescape(urlErrorOf(res.text))).toBe(message());
    expect(unescape(urlFieldOf(res.text))).toBe(url());
    expect(res.text).toContain('<textarea name="content"'); // the paste form is still there
  });

  test('when the address is loopback and private fetches are off, then the page says it is not fetched and names the address', async () => {
    delete process.env.ALLOW_PRIVATE_FETCH;
    try {
      const res = await addByUrl(`${base}/news-site.html`).expect(403);
      expect(unescape(urlErrorOf(res.text))).toBe('That address is not fetched: 127.0.0.1 is a private or loopback address; fetching it is off (ALLOW_PRIVATE_FETCH=1 allows it).');
      expect(unescape(urlFieldOf(res.text))).toBe(`${base}/news-site.html`);
    } finally {
      process.env.ALLOW_PRIVATE_FETCH = '1';
    }
  });

  test(
    'when the site never answers, then after the fetch timeout the page says the site is too slow',
    async () => {
      const res = await addByUrl(`${base}/slow`).expect(504);
      expect(unescape(urlErrorOf(res.text))).toBe(`That site is too slow: ${host} did not answer within ${FETCH_TIMEOUT_MS / 1000} seconds.`);
      expect(unescape(urlFieldOf(res.text))).toBe(`${base}/slow`);
    },
    FETCH_TIMEOUT_MS + 15_000,
  );
});
