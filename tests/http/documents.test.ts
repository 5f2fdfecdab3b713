import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FIRST_SEED, readDocFile, snapshotDir, startTestApp } from '../helpers/app.js';
import { MAX_SOURCE_LENGTH } from '../../server/services/documents.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;
let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ seeds: true });
});
afterEach(() => t.cleanup());

describe('GET /api/documents', () => {
  test('when the seeds are loaded, then the list has the five seeds with title, outlet, date, rev and label count', async () => {
    const res = await t.http.get('/api/documents').expect(200);
    expect(res.body).toHaveLength(5);
    expect(res.body.find((d: { id: string }) => d.id === '003_975f8ef28e3c2c11')).toEqual({
      id: '003_975f8ef28e3c2c11', title: 'Ukrainian and Russian officials meet for second round of peace talks', outlet: 'Axios', publishedAt: '2022-03-03', rev: 1, labelCount: 0,
    });
  });
});

describe('POST /api/documents', () => {
  test('when plain text is posted, then it is stored as given (CRLF to LF, NFC) with a derived title', async () => {
    const res = await t.http.post('/api/documents').send({ text: 'Cafe\u0301 talks resume.\r\nSecond line.', outlet: 'Wire', publishedAt: '2024-05-01' }).expect(201);
    expect(res.body).toMatchObject({ rev: 1, text: 'Café talks resume.\nSecond line.', labels: [], meta: { title: 'Café talks resume.', outlet: 'Wire', publishedAt: '2024-05-01' } });
    expect(res.headers.location).toBe(`/api/documents/${res.body.id}`);
    const onDisk = await readDocFile(t.dataDir, res.body.id);
    expect(onDisk.revisions).toEqual([expect.objectContaining({ rev: 1, text: 'Café talks resume.\nSecond line.' })]);
  });

  test('when hostile HTML is posted, then the stored text, metadata and pages carry no script or handler', async () => {
    const html = '<h2>Talks</h2><p onmouseover="steal()">He <b>said</b> it.<script>alert(1)</script></p><a href="javascript:alert(2)">x</a><style>p{}</style>';
    const res = await t.http.post('/api/documents').send({ html, title: '<img src=x onerror=alert(1)>' }).expect(201);
    expect(res.body.text).toBe('Talks\n\nHe said it.\n\nx');
    const page = await t.http.get(`/documents/${res.body.id}`).expect(200);
    expect(page.text).not.toMatch(/<script>alert|onmouseover|javascript:alert|<img src=x/);
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const disk = JSON.stringify(await readDocFile(t.dataDir, res.body.id));
    expect(disk).not.toMatch(/script|onmouseover|javascript/);
  });

  test('when Markdown is posted, then links and emphasis become plain text', async () => {
    const res = await t.http.post('/api/documents').send({ markdown: '# Head\n\nBy [A. Writer](#), **bold**.' }).expect(201);
    expect(res.body.text).toBe('Head\n\nBy A. Writer, bold.');
    expect(res.body.meta.title).toBe('Head');
  });

  test.each([
    ['no text', 400, 'missing_text', 'the document needs its content: give one of "text", "html" or "markdown"', {}],
    ['empty text', 400, 'missing_text', 'the document needs its content: give one of "text", "html" or "markdown"', { text: '   ' }],
    ['two sources', 400, 'ambiguous_source', 'give only one of "text", "html" or "markdown", not text and html', { text: 'a', html: '<p>b</p>' }],
    ['text of the wrong type', 400, 'invalid_input', 'text: Invalid input: expected string, received number', { text: 42 }],
    ['a bad date', 400, 'invalid_input', 'publishedAt: must be a date YYYY-MM-DD', { text: 'a', publishedAt: '5 May' }],
    ['a javascript: url', 400, 'invalid_input', 'url: must be an http:// or https:// URL', { text: 'a', url: 'javascript:alert(1)' }],
    ['HTML with no text', 400, 'missing_text', 'the html has no readable text once cleaned', { html: '<script>alert(1)</script>' }],
  ])('when the body has %s, then it is a %i %s and nothing is stored', async (_what, status, code, message, body) => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post('/api/documents').send(body).expect(status);
    expect(res.body).toEqual({ error: { code, message } });
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the body is not valid JSON, then it is a 400 invalid_json and nothing is stored', async () => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post('/api/documents').set('Content-Type', 'application/json').send('{"text": "unterminated').expect(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(res.body.error.message).toMatch(/^the request body is not valid JSON/);
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the text is over the limit, then it is a 413 that names the limit and nothing is stored', async () => {
    const before = await snapshotDir(t.dataDir);
    const res = await t.http.post('/api/documents').send({ text: 'a'.repeat(MAX_SOURCE_LENGTH + 1) }).expect(413);
    expect(res.body.error).toEqual({ code: 'too_large', message: '"text" is 2,000,001 characters; the limit is 2,000,000' });
    expect(await snapshotDir(t.dataDir)).toEqual(before);
  });

  test('when the body is over 5 MB, then it is a 413 before anything is parsed', async () => {
    const res = await t.http.post('/api/documents').send({ text: 'é'.repeat(3_000_000) }).expect(413);
    expect(res.body.error).toEqual({ code: 'too_large', message: 'the request body is larger than the 5mb limit' });
  });
});

describe('GET /api/documents/:id', () => {
  test('when the id is a seed, then meta, rev, text and labels come back', async () => {
    const res = await t.http.get(`/api/documents/${FIRST_SEED}`).expect(200);
    expect(res.body.meta.publishedAt).toBe('2022-12-06');
    expect(res.body.text.startsWith('Secretary of State Anthony Blinken is warning')).toBe(true);
    expect(res.body.rev).toBe(1);
    expect(res.body.labels).toEqual([]);
  });

  test.each([
    ['an unknown id', 404, 'not_found', '/api/documents/no-such-doc', 'no document with id "no-such-doc"'],
    ['an encoded traversal', 400, 'invalid_id', '/api/documents/%2e%2e', '".." is not a valid document id'],
    ['an encoded slash traversal', 400, 'invalid_id', '/api/documents/..%2F..%2Fetc%2Fpasswd', '"../../etc/passwd" is not a valid document id'],
    ['an absurdly long id', 400, 'invalid_id', `/api/documents/${'a'.repeat(5000)}`, `"${'a'.repeat(100)}" is not a valid document id`],
  ])('when the id is %s, then it is a %i %s', async (_what, status, code, url, message) => {
    const res = await t.http.get(url).expect(status);
    expect(res.body).toEqual({ error: { code, message } });
  });

  test('when the path climbs out with ../, then it is a 404 and no file outside DATA_DIR is read', async () => {
    const res = await t.http.get('/api/documents/../../package.json').expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('restart', () => {
  test('when a new app opens the same DATA_DIR, then it sees the same documents and does not seed twice', async () => {
    const created = await t.http.post('/api/documents').send({ text: 'Kept across restarts.' }).expect(201);
    const again = await startTestApp({ seeds: true, dataDir: t.dataDir });
    const list = await again.http.get('/api/documents').expect(200);
    expect(list.body).toHaveLength(6);
    const doc = await again.http.get(`/api/documents/${created.body.id}`).expect(200);
    expect(doc.body.text).toBe('Kept across restarts.');
    expect((await readdir(join(t.dataDir, 'documents'))).sort()).toHaveLength(6);
  });

  test('when a seed was deleted from disk and the app restarts, then the seeds are not loaded again', async () => {
    const { rm } = await import('node:fs/promises');
    await rm(join(t.dataDir, 'documents', `${FIRST_SEED}.json`));
    const again = await startTestApp({ seeds: true, dataDir: t.dataDir });
    expect((await again.http.get('/api/documents')).body).toHaveLength(4);
  });
});
