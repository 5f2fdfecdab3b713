import { FIRST_SEED, snapshotDir, startTestApp } from '../helpers/app.js';
import { MAX_IMPORT_BYTES } from '../../server/routes/import.js';
import { IMPORT_FORMATS, IMPORT_LIMITS } from '../../server/services/import.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** Posts a body and checks the status, the exact error, and that the data folder did not change. */
async function expectRefused(app: App, url: string, body: string | Buffer, contentType: string, status: number, error: { code: string; message: string }) {
  const before = await snapshotDir(app.dataDir);
  const res = await app.http.post(url).set('Content-Type', contentType).send(body);
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(error.code);
  expect(res.body.error.message).toBe(error.message);
  expect(await snapshotDir(app.dataDir)).toEqual(before);
  return res;
}

const line = (o: unknown) => `${JSON.stringify(o)}\n`;

describe('POST /api/import', () => {
  let app: App;
  beforeEach(async () => {
    app = await startTestApp({ seeds: true });
  });
  afterEach(() => app.cleanup());

  test('when simple jsonl lines are posted, then each becomes a document with its metadata, and the report counts them', async () => {
    const body = line({ title: 'One', outlet: 'Wire', publishedAt: '2024-01-02', text: 'First text.' }) + line({ markdown: '# Two\n\nSecond *text*.' });
    const res = await app.http.post('/api/import?format=jsonl&annotator=ana').set('Content-Type', 'application/x-ndjson').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ format: 'jsonl', committed: true, documents: { imported: 2, revised: 0, unchanged: 0 }, dryRun: false, labels: { imported: 0, existing: 0 }, typesAdded: [], types: [], skipped: [], errors: [], notes: [] });
    const titles = app.store.list().map((e) => e.title);
    expect(titles).toEqual(expect.arrayContaining(['One', 'Two']));
    const one = app.store.list().find((e) => e.title === 'One')!;
    expect(app.store.get(one.id)!.meta).toEqual({ title: 'One', outlet: 'Wire', publishedAt: '2024-01-02' });
    // The revision is by whoever ran the import (the signed-in admin); `annotator=` names the labels' author.
    expect(app.store.get(one.id)!.revisions[0].author).toBe('admin');
  });

  test('when a line is not JSON, then 400 names file and line, and nothing is imported', async () => {
    const body = line({ text: 'good' }) + '{"text": oops}\n';
    const res = await expectRefused(app, '/api/import?format=jsonl', body, 'application/x-ndjson', 400, {
      code: 'invalid_import',
      message: `nothing was imported: upload.jsonl:2: not valid JSON: Unexpected token 'o', "{"text": oops}" is not valid JSON`,
    });
    expect(res.body.error.details.errors).toEqual([{ file: 'upload.jsonl', line: 2, message: `not valid JSON: Unexpected token 'o', "{"text": oops}" is not valid JSON` }]);
  });

  test('when skipBad=1 is given, then the good lines are imported and the bad ones reported as skipped', async () => {
    const body = line({ text: 'good' }) + '{"text": oops}\n' + line({ text: 'also good', html: '<p>x</p>' });
    const res = await app.http.post('/api/import?format=jsonl&skipBad=1').set('Content-Type', 'application/x-ndjson').send(body);
    expect(res.status).toBe(200);
    expect(res.body.documents.imported).toBe(1);
    expect(res.body.skipped).toEqual([
      { file: 'upload.jsonl', line: 2, item: 'record', reason: `not valid JSON: Unexpected token 'o', "{"text": oops}" is not valid JSON` },
      { file: 'upload.jsonl', line: 3, item: 'record', reason: 'give only one of "text", "html" or "markdown", not text and html' },
    ]);
  });

  test('when a doccano span runs past the end of the text, then 400 says where, in code points', async () => {
    await expectRefused(app, '/api/import?format=doccano', line({ text: 'Short 😀 text', label: [[6, 99, 'PER']] }), 'application/x-ndjson', 400, {
      code: 'invalid_import',
      message: 'nothing was imported: upload.jsonl:1: label 1: the span 6-99 is past the end of the text (12 code points)',
    });
  });

  test('when a native line has a label outside its text, then 400 and nothing is imported', async () => {
    const rec = { id: 'doc-x', rev: 1, meta: { title: 'X' }, text: 'abc', labels: [{ id: 'l1', type: 'opinion', start: 1, end: 9, rev: 1, quote: { exact: 'bc', prefix: 'a', suffix: '' }, annotator: 'a', createdAt: 't', updatedAt: 't', anchor: { state: 'exact', method: 'created', fromRev: 1 } }], revisions: [{ rev: 1, createdAt: 't', author: 'a', message: 'm' }], events: [] };
    await expectRefused(app, '/api/import?format=jsonl', line(rec), 'application/x-ndjson', 400, {
      code: 'invalid_import',
      message: 'nothing was imported: upload.jsonl:1: labels.0 (l1): the span 1-9 is outside the text (0-3)',
    });
  });

  test('when a w3c annotation points at a document that is not here, then 400 says to import the texts first', async () => {
    const anno = { '@context': 'http://www.w3.org/ns/anno.jsonld', id: 'urn:uuid:3f1c0e8e-1111-4111-8111-111111111111', type: 'Annotation', body: { type: 'TextualBody', purpose: 'classifying', value: 'opinion' }, target: { source: 'urn:framewise:document:nope', selector: { type: 'TextQuoteSelector', exact: 'x' } } };
    await expectRefused(app, '/api/import?format=w3c', line(anno), 'application/x-ndjson', 400, {
      code: 'invalid_import',
      message: 'nothing was imported: upload.json:1: no document for its target urn:framewise:document:nope (import the texts first, e.g. as jsonl or brat)',
    });
  });

  test('when a w3c annotation from another tool quotes text of a seed, then it becomes a label found by its quote', async () => {
    const anno = { '@context': 'http://www.w3.org/ns/anno.jsonld', id: 'http://example.org/anno/7', type: 'Annotation', creator: { type: 'Person', nickname: 'hypo' }, body: [{ type: 'TextualBody', purpose: 'tagging', value: 'framing' }, { type: 'TextualBody', value: 'a comment' }], target: { source: `urn:framewise:document:${FIRST_SEED}`, selector: { type: 'TextQuoteSelector', exact: 'rest, refit, regroup, reattack.', prefix: 'allow it to “' } } };
    const res = await app.http.post('/api/import?format=w3c').set('Content-Type', 'application/json').send(anno);
    expect(res.status).toBe(200);
    expect(res.body.typesAdded).toEqual(['framing']);
    const label = app.store.get(FIRST_SEED)!.labels[0];
    expect([label.type, label.start, label.end, label.quote.exact, label.note, label.annotator]).toEqual(['framing', 158, 189, 'rest, refit, regroup, reattack.', 'a comment', 'hypo']);
  });

  test('when a brat archive is not a readable archive, then 400 says so', async () => {
    await expectRefused(app, '/api/import?format=brat', Buffer.from('PK\u0003\u0004garbage'), 'application/zip', 400, { code: 'invalid_archive', message: 'upload.zip: not a readable zip archive: invalid zip data' });
  });

  test('when the body is empty, then 400 asks for a file', async () => {
    await expectRefused(app, '/api/import?format=jsonl', '', 'application/x-ndjson', 400, { code: 'missing_file', message: 'no file: send it as the request body or as a multipart field "file"' });
  });

  test('when the format is unknown or the map malformed, then 400 names the parameter', async () => {
    await expectRefused(app, '/api/import?format=xml', 'x', 'text/plain', 400, { code: 'invalid_input', message: `format: must be one of ${IMPORT_FORMATS.join(', ')}` });
    await expectRefused(app, '/api/import?format=brat&map=Person', 'x', 'application/x-tar', 400, { code: 'invalid_input', message: 'map: "Person" is not a pair theirs=ours (e.g. Source=direct-quote)' });
  });

  test('when Content-Length is over the limit, then 413 before the body is read', async () => {
    const before = await snapshotDir(app.dataDir);
    const res = await app.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').set('Content-Length', String(MAX_IMPORT_BYTES + 1)).send('x');
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: 'too_large', message: `the upload is ${MAX_IMPORT_BYTES + 1} bytes; the limit is ${MAX_IMPORT_BYTES} (50 MB)` });
    expect(await snapshotDir(app.dataDir)).toEqual(before);
  });

  test('when a file holds a million tiny records, then 413 names the record limit and the server keeps answering', async () => {
    const body = '{}\n'.repeat(1_000_000);
    await expectRefused(app, '/api/import?format=jsonl', body, 'application/x-ndjson', 413, {
      code: 'too_many_records',
      message: `upload.jsonl has more than ${IMPORT_LIMITS.documents + IMPORT_LIMITS.labels} lines; the limit is ${IMPORT_LIMITS.documents} documents and ${IMPORT_LIMITS.labels} labels per import`,
    });
    expect((await app.http.get('/api/documents')).status).toBe(200);
  });

  test('when files are uploaded as multipart, then they are imported like a body', async () => {
    const res = await app.http
      .post('/api/import')
      .field('format', 'brat')
      .field('annotator', 'bea')
      .attach('file', Buffer.from('Ana said hello.'), 'a.txt')
      .attach('file', Buffer.from('T1\tdirect-quote 9 14\thello\n'), 'a.ann');
    expect(res.status).toBe(200);
    expect(res.body.documents.imported).toBe(1);
    expect(app.store.get('a')!.labels.map((l) => [l.type, l.quote.exact, l.annotator])).toEqual([['direct-quote', 'hello', 'bea']]);
  });

  test('when a document with an existing id is imported with the same text, then no revision is made and new labels are added', async () => {
    const text = app.store.get(FIRST_SEED)!.revisions[0].text;
    const res = await app.http.post('/api/import?format=doccano').set('Content-Type', 'application/x-ndjson').send(line({ id: FIRST_SEED, text, label: [[0, 9, 'opinion']] }));
    expect(res.body.documents).toEqual({ imported: 0, revised: 0, unchanged: 1 });
    expect(app.store.get(FIRST_SEED)!.revisions).toHaveLength(1);
    expect(app.store.get(FIRST_SEED)!.labels.map((l) => l.quote.exact)).toEqual(['Secretary']);
  });
});

describe('the /import page', () => {
  test('when it is opened, then it has the upload form with formats, annotator, mapping and skip-bad', async () => {
    const app = await startTestApp();
    const res = await app.http.get('/import');
    expect(res.status).toBe(200);
    expect(res.text).toContain('enctype="multipart/form-data"');
    for (const f of ['jsonl', 'brat', 'doccano', 'w3c']) expect(res.text).toContain(`name="format" value="${f}"`);
    for (const n of ['file', 'annotator', 'map', 'skipBad']) expect(res.text).toContain(`name="${n}"`);
    await app.cleanup();
  });

  test('when a bad file is uploaded, then the page shows 400, the error with file and line, and nothing is imported', async () => {
    const app = await startTestApp();
    const res = await app.http.post('/import').field('format', 'doccano').attach('file', Buffer.from('{"text": "x", "label": [[0, 5, "A"]]}\n'), 'bad.jsonl');
    expect(res.status).toBe(400);
    expect(res.text).toContain('nothing was imported: bad.jsonl:1: label 1: the span 0-5 is past the end of the text (1 code points)');
    expect(res.text).toContain('<code>bad.jsonl:1</code>');
    expect(app.store.list()).toEqual([]);
    await app.cleanup();
  });

  test('when a good file is uploaded, then the page reports what was imported', async () => {
    const app = await startTestApp();
    const res = await app.http.post('/import').field('format', 'jsonl').attach('file', Buffer.from(line({ title: 'Hello', text: 'Hello world.' })), 'docs.jsonl');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/1 new document,\s+0 revised, 0 unchanged,\s+0 new labels \(0 already there\)\./);
    await app.cleanup();
  });
});

describe('re-importing documents that exist', () => {
  test('when a doccano line has the id of a document with another text, then it becomes a new revision and its labels are added to it', async () => {
    const app = await startTestApp({ seeds: true });
    const res = await app.http.post('/api/import?format=doccano&annotator=rita').set('Content-Type', 'application/x-ndjson').send(line({ id: FIRST_SEED, text: 'Rewritten: Blinken warned.', label: [[11, 18, 'opinion']] }));
    expect(res.status).toBe(200);
    expect(res.body.documents).toEqual({ imported: 0, revised: 1, unchanged: 0 });
    const doc = app.store.get(FIRST_SEED)!;
    expect(doc.revisions.map((r) => [r.rev, r.author, r.message])).toEqual([[1, 'seed', 'Loaded from seeds/000_b5b79bfe33936fda.txt'], [2, 'admin', 'Re-imported from upload.jsonl (doccano)']]);
    expect(doc.labels.map((l) => [l.rev, l.type, l.quote.exact, l.annotator])).toEqual([[2, 'opinion', 'Blinken', 'rita']]);
    await app.cleanup();
  });

  test('when a jsonl line has the url of a document, then that document gets the new text as a revision', async () => {
    const app = await startTestApp();
    await app.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(line({ url: 'https://example.com/a', title: 'A', text: 'First version.' }));
    const res = await app.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(line({ url: 'https://example.com/a', text: 'Second version.' }));
    expect(res.body.documents).toEqual({ imported: 0, revised: 1, unchanged: 0 });
    const [entry] = app.store.list();
    expect(app.store.get(entry.id)!.revisions.map((r) => r.text)).toEqual(['First version.', 'Second version.']);
    await app.cleanup();
  });

  test('when a text has a control character, then nothing is imported and the error says where', async () => {
    const app = await startTestApp();
    await expectRefused(app, '/api/import?format=doccano', line({ text: 'bad \u0007 bell', label: [] }), 'application/x-ndjson', 400, {
      code: 'invalid_import',
      message: 'nothing was imported: upload.jsonl:1: the text contains a control character (U+0007) at position 4',
    });
    await app.cleanup();
  });
});

describe('hostile native lines', () => {
  test('when a native line nests an object 100,000 levels deep, then 400 (not a crash) and nothing is imported', async () => {
    const app = await startTestApp();
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const body = `{"id":"deep","rev":1,"meta":{"title":"t","x":${deep}},"text":"x","labels":[],"revisions":[{"rev":1,"createdAt":"t","author":"a","message":"m"}],"events":[]}\n`;
    const path = ['meta', 'x', ...Array(31).fill('a')].join('.');
    const res = await expectRefused(app, '/api/import?format=jsonl', body, 'application/x-ndjson', 400, { code: 'invalid_import', message: `nothing was imported: upload.jsonl:1: ${path}: nested deeper than 32 levels` });
    expect(res.body.error.details.errors).toHaveLength(1);
    await app.cleanup();
  });
});
