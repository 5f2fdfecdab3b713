import { readDocFile, snapshotDir, startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { encodeNativeLine } from '../../server/domain/formats/jsonl.js';
import type { DocumentRecord, Label } from '../../server/domain/types.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const NOW = '2026-01-01T00:00:00.000Z';
const line = (o: unknown) => `${JSON.stringify(o)}\n`;

/** A native line for a one-revision document `doc-n` over "Alpha beta gamma." with one label on "beta". */
function nativeDoc(change: (doc: DocumentRecord, label: Label) => void = () => {}): string {
  const doc = createDocument({ id: 'doc-n', body: 'Alpha beta gamma.', format: 'text', meta: { title: 'N', outlet: 'Wire', url: 'https://example.org/n', publishedAt: '2022-01-01' }, author: 'ana', now: NOW });
  const label: Label = { id: 'l1', type: 'opinion', start: 6, end: 10, rev: 1, quote: { exact: 'beta', prefix: 'Alpha ', suffix: ' gamma.' }, annotator: 'ana', createdAt: NOW, updatedAt: NOW, anchor: { state: 'exact', method: 'created', fromRev: 1 } };
  doc.labels.push(label);
  change(doc, label);
  return encodeNativeLine(doc);
}

/** Posts a body, expects a 400 invalid_import with this exact message, and that nothing on disk changed. */
async function expectRefused(app: App, url: string, body: string, message: string) {
  const before = await snapshotDir(app.dataDir);
  const res = await app.http.post(url).set('Content-Type', 'application/x-ndjson').send(body);
  expect([res.status, res.body.error?.code, res.body.error?.message]).toEqual([400, 'invalid_import', message]);
  expect(await snapshotDir(app.dataDir)).toEqual(before);
}

describe('import validation', () => {
  let app: App;
  beforeEach(async () => {
    app = await startTestApp();
  });
  afterEach(() => app.cleanup());

  describe('native jsonl lines are checked like documents and labels made in the app', () => {
    test('when a native line is valid, then it is stored as written', async () => {
      const res = await app.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(nativeDoc());
      expect([res.status, res.body.documents]).toEqual([200, { imported: 1, revised: 0, unchanged: 0 }]);
      expect((await readDocFile(app.dataDir, 'doc-n')).labels.map((l) => [l.id, l.type, l.start, l.end])).toEqual([['l1', 'opinion', 6, 10]]);
    });

    test('when its meta.url is a javascript: URL, then 400 names the line and the field', async () => {
      const body = nativeDoc((d) => void (d.meta.url = 'javascript:alert(document.domain)'));
      await expectRefused(app, '/api/import?format=jsonl', body, 'nothing was imported: upload.jsonl:1: meta.url: must be an http:// or https:// URL');
    });

    test('when its meta.outlet is an object, then 400 and nothing is imported', async () => {
      const body = nativeDoc((d) => void ((d.meta as unknown as Record<string, unknown>).outlet = { x: 1 }));
      await expectRefused(app, '/api/import?format=jsonl', body, 'nothing was imported: upload.jsonl:1: meta.outlet: must be a string, not object');
    });

    test('when its meta.publishedAt is a number, then 400 and nothing is imported', async () => {
      const body = nativeDoc((d) => void ((d.meta as unknown as Record<string, unknown>).publishedAt = 20220101));
      await expectRefused(app, '/api/import?format=jsonl', body, 'nothing was imported: upload.jsonl:1: meta.publishedAt: must be a string, not number');
    });

    test('when its meta title holds a control character or its meta an unknown key, then 400', async () => {
      await expectRefused(app, '/api/import?format=jsonl', nativeDoc((d) => void (d.meta.title = 'a\u0007b')), 'nothing was imported: upload.jsonl:1: meta.title: contains a control character');
      await expectRefused(app, '/api/import?format=jsonl', nativeDoc((d) => void ((d.meta as unknown as Record<string, unknown>).colour = 'red')), 'nothing was imported: upload.jsonl:1: meta: Unrecognized key: "colour"');
    });

    test('when a label type is not a usable type id, then 400 names the label', async () => {
      await expectRefused(app, '/api/import?format=jsonl', nativeDoc((_d, l) => void (l.type = 'Bad type\t<x>')), 'nothing was imported: upload.jsonl:1: labels.0 (l1): the type "Bad type\\t<x>" is not a usable label type id');
      expect(app.project.labelTypes().map((t) => t.id)).toEqual(['direct-quote', 'reported-claim', 'opinion']);
    });

    test('when a label speaker is 100,000 characters or its annotator holds control characters, then 400 names the label', async () => {
      await expectRefused(app, '/api/import?format=jsonl', nativeDoc((_d, l) => void (l.speaker = 'x'.repeat(100_000))), 'nothing was imported: upload.jsonl:1: labels.0 (l1): speaker is 100000 characters; the limit is 200');
      await expectRefused(app, '/api/import?format=jsonl', nativeDoc((_d, l) => void (l.annotator = 'z\u0000\u0007')), 'nothing was imported: upload.jsonl:1: labels.0 (l1): annotator contains a control character');
      await expectRefused(app, '/api/import?format=jsonl', nativeDoc((_d, l) => void (l.note = 'half \ud800 pair')), 'nothing was imported: upload.jsonl:1: labels.0 (l1): note contains an unpaired surrogate (invalid Unicode)');
    });

    test('when a label quote does not match its span, then 400 and nothing is imported', async () => {
      await expectRefused(app, '/api/import?format=jsonl', nativeDoc((_d, l) => void (l.quote.exact = 'gamma')), 'nothing was imported: upload.jsonl:1: labels.0 (l1): its quote "gamma" is not the text at 6-10 ("beta")');
    });

    test('when a revision text is not NFC, then 400 says so and nothing is imported', async () => {
      const body = nativeDoc((d) => void (d.revisions[0].text = 'Alpha beta game\u0301.'));
      await expectRefused(app, '/api/import?format=jsonl', body, 'nothing was imported: upload.jsonl:1: revision 1: the text is not normalised (Unicode NFC, \\n line endings)');
    });

    test('when an older revision keeps labels that are not labels, then 400 and nothing is imported', async () => {
      const body = nativeDoc((d) => {
        d.revisions.push({ rev: 2, text: 'Alpha beta gamma delta.', createdAt: NOW, author: 'ana', message: 'more' });
        d.revisions[0].labels = [{ nonsense: true } as never];
        d.labels[0].rev = 2;
      });
      await expectRefused(app, '/api/import?format=jsonl', body, 'nothing was imported: upload.jsonl:1: revisions.0.labels.0.id: Invalid input: expected string, received undefined');
    });

    test('when skip-bad is asked, then the bad native line is skipped with its reason and the good one imported', async () => {
      const bad = nativeDoc((d) => void (d.meta.url = 'javascript:alert(1)'));
      const good = nativeDoc((d) => void (d.id = 'doc-good'));
      const res = await app.http.post('/api/import?format=jsonl&skipBad=1').set('Content-Type', 'application/x-ndjson').send(bad + good);
      expect([res.status, res.body.documents.imported, res.body.skipped]).toEqual([200, 1, [{ file: 'upload.jsonl', line: 1, item: 'record', reason: 'meta.url: must be an http:// or https:// URL' }]]);
      expect(app.store.has('doc-n')).toBe(false);
    });
  });

  describe('other formats', () => {
    test('when a doccano line has a javascript: url in its meta, then 400 names the line', async () => {
      await expectRefused(app, '/api/import?format=doccano', line({ text: 'Alpha beta.', label: [], meta: { url: 'javascript:alert(1)' } }), 'nothing was imported: upload.jsonl:1: meta.url: must be an http:// or https:// URL');
    });

    test('when a simple jsonl line has a control character in its title, then 400 names the line', async () => {
      await expectRefused(app, '/api/import?format=jsonl', line({ title: 'evil\u001b[31m', text: 'Alpha beta.' }), 'nothing was imported: upload.jsonl:1: meta.title: contains a control character');
    });

    test('when a w3c annotation names a speaker with control characters, then 400 names the annotation', async () => {
      await app.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(nativeDoc());
      const anno = { id: 'a1', type: 'Annotation', body: [{ type: 'TextualBody', purpose: 'classifying', value: 'opinion' }, { type: 'TextualBody', role: 'speaker', value: 'x\u0007y' }], target: { source: 'urn:framewise:document:doc-n', selector: { type: 'TextQuoteSelector', exact: 'gamma' } } };
      await expectRefused(app, '/api/import?format=w3c', line(anno), 'nothing was imported: upload.json:1: a1: speaker contains a control character');
    });

    test('when the annotator parameter holds control characters, then they are removed before it is stored as the labels\' author (the revision and events are the importer\'s)', async () => {
      const res = await app.http.post('/api/import?format=doccano&annotator=ev%00il%1b%5B31m').set('Content-Type', 'application/x-ndjson').send(line({ id: 'doc-a', text: 'Alpha beta.', label: [[0, 5, 'opinion']] }));
      expect(res.status).toBe(200);
      const doc = await readDocFile(app.dataDir, 'doc-a');
      expect([doc.revisions[0].author, doc.labels[0].annotator, doc.events.map((e) => e.actor)]).toEqual(['admin', 'evil[31m', ['admin']]);
    });

    test('when doccano labels are typed toString and constructor, then they are kept as those types', async () => {
      const res = await app.http.post('/api/import?format=doccano').set('Content-Type', 'application/x-ndjson').send(line({ id: 'doc-p', text: 'Alpha beta.', label: [[0, 5, 'toString'], [6, 10, 'constructor']] }));
      expect([res.status, res.body.typesAdded]).toEqual([200, ['toString', 'constructor']]);
      expect((await readDocFile(app.dataDir, 'doc-p')).labels.map((l) => l.type)).toEqual(['toString', 'constructor']);
    });

    test('when brat labels are typed toString and constructor, then they are kept as those types', async () => {
      const res = await app.http
        .post('/api/import?format=brat')
        .attach('file', Buffer.from('Alpha beta.'), 'doc-b.txt')
        .attach('file', Buffer.from('T1\ttoString 0 5\tAlpha\nT2\tconstructor 6 10\tbeta\n'), 'doc-b.ann');
      expect([res.status, res.body.typesAdded]).toEqual([200, ['toString', 'constructor']]);
      expect((await readDocFile(app.dataDir, 'doc-b')).labels.map((l) => l.type)).toEqual(['toString', 'constructor']);
    });

    test('when the map names __proto__, then it maps that type like any other', async () => {
      const res = await app.http.post('/api/import?format=doccano&map=__proto__%3Dopinion').set('Content-Type', 'application/x-ndjson').send(line({ id: 'doc-q', text: 'Alpha beta.', label: [[0, 5, '__proto__'], [6, 10, 'hasOwnProperty']] }));
      expect([res.status, res.body.typesAdded]).toEqual([200, ['hasOwnProperty']]);
      expect((await readDocFile(app.dataDir, 'doc-q')).labels.map((l) => l.type)).toEqual(['opinion', 'hasOwnProperty']);
    });
  });

  test('when the project is asked to add a type id no label could use, then it throws and project.json is not written', async () => {
    const before = await snapshotDir(app.dataDir);
    await expect(app.project.addTypes([{ id: 'Bad type\t<x>', name: 'x', color: '#000000' }])).rejects.toThrow('the label type id "Bad type\\t<x>" is not a usable type id');
    expect(await snapshotDir(app.dataDir)).toEqual(before);
  });
});
