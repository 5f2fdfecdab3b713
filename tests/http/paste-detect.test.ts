import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURES_DIR, expectDataUntouchedAfterEach, readDocFile, startTestApp } from '../helpers/app.js';

const PAGE = '<!DOCTYPE html>\n<html><head><title>Site | Home</title></head>\n<body><h1>Ferry fares rise</h1><p>Ferry fares rise by 4% in May, the operator said.</p></body></html>';
const PAGE_SEEN = 'a &lt;!DOCTYPE html&gt; line; a &lt;html&gt; tag; a &lt;head&gt; tag; a &lt;body&gt; tag';
const MARKDOWN = '# Ferry fares rise\n\nThe operator [said](https://example.com/fares) fares rise by 4%.\n\n- adults: 4%\n- children: 2%\n';
const NEWS = 'Fares rose < 5% on most routes, the operator said.\n*Prices include the 5* cabin upgrade.';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
const documentFiles = async () => readdir(join(t.dataDir, 'documents'));
const idFrom = (location: string) => location.replace('/documents/', '');

describe('the Add document form, when plain text looks like HTML or Markdown', () => {
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.cleanup());

  test('when an HTML page is sent as plain text, then the form comes back (200) with a warning naming what was seen, the text kept, three choices, and nothing stored', async () => {
    const res = await t.http.post('/documents').type('form').send({ format: 'text', content: PAGE, outlet: 'Harbour News' }).expect(200);
    expect(res.text).toContain(`<p><strong>This text looks like HTML, not plain text.</strong> Seen: ${PAGE_SEEN}.</p>`);
    expect(res.text).toContain('Nothing is stored until you choose:');
    expect(res.text).toContain('<button type="submit" name="as" value="html" class="primary" autofocus>Treat as HTML</button>');
    expect(res.text).toContain('<button type="submit" name="as" value="markdown">Treat as Markdown</button>');
    expect(res.text).toContain('<button type="submit" name="as" value="text">Keep as plain text</button>');
    expect(res.text).toContain('&lt;body&gt;&lt;h1&gt;Ferry fares rise&lt;/h1&gt;'); // the textarea keeps the text
    expect(res.text).toContain('value="Harbour News"');
    expect(await documentFiles()).toEqual([]);
  });

  test('when "Treat as HTML" is pressed, then the page is stored read as HTML and the browser goes to it', async () => {
    const res = await t.http.post('/documents').type('form').send({ format: 'text', as: 'html', content: PAGE, outlet: 'Harbour News' }).expect(303);
    const doc = await readDocFile(t.dataDir, idFrom(res.headers.location));
    expect(doc.revisions[0].text).toBe('Ferry fares rise by 4% in May, the operator said.'); // the <h1> became the title
    expect(doc.meta).toEqual({ title: 'Ferry fares rise', outlet: 'Harbour News' });
  });

  test('when "Keep as plain text" is pressed, then the text is stored as given, markup included', async () => {
    const res = await t.http.post('/documents').type('form').send({ format: 'text', as: 'text', content: PAGE }).expect(303);
    expect((await readDocFile(t.dataDir, idFrom(res.headers.location))).revisions[0].text).toBe(PAGE);
  });

  test('when Markdown is sent as plain text, then the warning names its signals, and "Treat as Markdown" stores the words only', async () => {
    const warned = await t.http.post('/documents').type('form').send({ format: 'text', content: MARKDOWN }).expect(200);
    expect(warned.text).toContain('<p><strong>This text looks like Markdown, not plain text.</strong> Seen: 1 heading (# …); 2 list items (- …); 1 link [words](http…).</p>');
    expect(warned.text).toContain('<button type="submit" name="as" value="markdown" class="primary" autofocus>Treat as Markdown</button>');
    expect(await documentFiles()).toEqual([]);

    const res = await t.http.post('/documents').type('form').send({ format: 'text', as: 'markdown', content: MARKDOWN }).expect(303);
    expect((await readDocFile(t.dataDir, idFrom(res.headers.location))).revisions[0].text).toBe('Ferry fares rise\n\nThe operator said fares rise by 4%.\n\n- adults: 4%\n\n- children: 2%');
  });

  test('when plain news text has a stray < and *, then it is stored at once without a question', async () => {
    const res = await t.http.post('/documents').type('form').send({ format: 'text', content: NEWS }).expect(303);
    expect((await readDocFile(t.dataDir, idFrom(res.headers.location))).revisions[0].text).toBe(NEWS);
  });

  test('when the HTML format is chosen on the form, then no question is asked', async () => {
    const res = await t.http.post('/documents').type('form').send({ format: 'html', content: PAGE }).expect(303);
    expect((await readDocFile(t.dataDir, idFrom(res.headers.location))).meta.title).toBe('Ferry fares rise');
  });

  test('when a signed-in browser sends the form with the CSRF field the page rendered, then the question and the choice both work', async () => {
    const { agent } = await t.session('editor1', 'editor');
    const form = (await agent.get('/documents/new').expect(200)).text;
    const token = /<form class="stack" method="post" action="\/documents" aria-labelledby="paste-title"><input type="hidden" name="_csrf" value="([^"]+)">/.exec(form)?.[1];
    expect(token).toBeDefined();
    await agent.post('/documents').type('form').send({ _csrf: token, format: 'text', content: PAGE }).expect(200);
    expect(await documentFiles()).toEqual([]);
    await agent.post('/documents').type('form').send({ _csrf: token, format: 'text', as: 'html', content: PAGE }).expect(303);
    expect(await documentFiles()).toHaveLength(1);
  });
});

describe('refusals come before the question', () => {
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.cleanup());
  expectDataUntouchedAfterEach(() => t);

  test('when HTML-looking plain text also holds a control character, then it is the 400 that is shown, not the question', async () => {
    const res = await t.http.post('/documents').type('form').send({ format: 'text', content: `${PAGE}\u0007` }).expect(400);
    expect(res.text).toContain(`<p class="error-box" role="alert">&#34;text&#34; contains a control character (U+0007) at position ${PAGE.length}</p>`);
    expect(res.text).not.toContain('Treat as HTML');
  });

  test('when the API is sent HTML as plain text with a control character, then it is a 400 without warnings', async () => {
    const res = await t.http.post('/api/documents').send({ text: `${PAGE}\u0007` }).expect(400);
    expect(res.body).toEqual({ error: { code: 'invalid_text', message: `"text" contains a control character (U+0007) at position ${PAGE.length}` } });
  });
});

describe('POST /api/documents with plain text that looks like markup', () => {
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.cleanup());

  test('when "text" holds an HTML page, then it is stored as given (201) with a looks_like_html warning', async () => {
    const res = await t.http.post('/api/documents').send({ text: PAGE }).expect(201);
    expect(res.body.warnings).toEqual([
      {
        code: 'looks_like_html',
        message: '"text" looks like HTML (a <!DOCTYPE html> line, a <html> tag, a <head> tag, a <body> tag) and was stored as given, markup included; send it as "html" to have it read as HTML',
      },
    ]);
    expect((await readDocFile(t.dataDir, res.body.id)).revisions[0].text).toBe(PAGE);
  });

  test('when "text" holds Markdown, then the warning is looks_like_markdown', async () => {
    const res = await t.http.post('/api/documents').send({ text: MARKDOWN }).expect(201);
    expect(res.body.warnings).toEqual([
      {
        code: 'looks_like_markdown',
        message: '"text" looks like Markdown (1 heading (# …), 2 list items (- …), 1 link [words](http…)) and was stored as given, markup included; send it as "markdown" to have it read as Markdown',
      },
    ]);
  });

  test('when a saved news page is sent as "text", then it is flagged as HTML too', async () => {
    const html = await readFile(join(FIXTURES_DIR, 'articles', 'news-site.html'), 'utf8');
    const res = await t.http.post('/api/documents').send({ text: html }).expect(201);
    expect(res.body.warnings.map((w: { code: string }) => w.code)).toEqual(['looks_like_html']);
  });

  test.each([
    ['plain news text with a stray < and *', { text: NEWS }],
    ['the same page sent as "html"', { html: PAGE }],
    ['the Markdown sent as "markdown"', { markdown: MARKDOWN }],
  ])('when %s is sent, then the answer has no warnings', async (_what, body) => {
    const res = await t.http.post('/api/documents').send(body).expect(201);
    expect(res.body).not.toHaveProperty('warnings');
    expect(Object.keys(res.body).sort()).toEqual(['id', 'labels', 'meta', 'rev', 'text']);
  });
});
