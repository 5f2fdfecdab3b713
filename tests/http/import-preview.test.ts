import { zipSync, strToU8 } from 'fflate';
import { snapshotDir, startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { encodeNativeLine } from '../../server/domain/formats/jsonl.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const TEXT = 'Ana said the plan works. Critics called it reckless.\n';
const ANN = 'T1\tQuote 0 3\tAna\nT2\tClaim 9 23\tthe plan works\n';
const bratZip = () => Buffer.from(zipSync({ 'x.txt': strToU8(TEXT), 'x.ann': strToU8(ANN) }));

describe('import preview, matching types and labels already there', () => {
  let app: App;
  beforeEach(async () => {
    app = await startTestApp();
  });
  afterEach(() => app.cleanup());

  const importZip = (query: string) => app.http.post(`/api/import?format=brat&filename=x.zip&${query}`).set('Content-Type', 'application/zip').send(bratZip());

  test('when an import is posted with dryRun=1, then the report says what it would do and the data folder stays byte-identical', async () => {
    const before = await snapshotDir(app.dataDir);
    const res = await importZip('dryRun=1&map=Quote=direct-quote');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ committed: false, dryRun: true, documents: { imported: 1, revised: 0, unchanged: 0 }, labels: { imported: 2, existing: 0 }, typesAdded: ['Claim'] });
    expect(res.body.types).toEqual([
      { name: 'direct-quote', type: 'direct-quote', how: 'mapped' },
      { name: 'Claim', type: 'Claim', how: 'new' },
    ]);
    expect(await snapshotDir(app.dataDir)).toEqual(before);
  });

  test('when the import page is sent with its Preview button, then it shows what the import would do and writes nothing', async () => {
    const before = await snapshotDir(app.dataDir);
    const res = await app.http.post('/import').field('format', 'brat').field('map', 'Quote=direct-quote').field('dryRun', '1').attach('file', bratZip(), 'x.zip');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Preview: nothing written yet');
    expect(res.text).toMatch(/This import would bring 1 new document,\s+0 revised, 0 unchanged,\s+2 new labels \(0 already there\)\./);
    expect(res.text).toContain('<code>Claim</code> → <code>Claim</code> (new type)');
    expect(await snapshotDir(app.dataDir)).toEqual(before);
  });

  test('when the same mapped brat zip is imported twice, then the second time adds no label and the preview said so first', async () => {
    expect((await importZip('map=Quote=direct-quote,Claim=reported-claim')).body.labels).toEqual({ imported: 2, existing: 0 });
    const before = await snapshotDir(app.dataDir);
    const preview = await importZip('map=Quote=direct-quote,Claim=reported-claim&dryRun=1');
    expect([preview.body.documents, preview.body.labels]).toEqual([{ imported: 0, revised: 0, unchanged: 1 }, { imported: 0, existing: 2 }]);
    expect(await snapshotDir(app.dataDir)).toEqual(before);
    const again = await importZip('map=Quote=direct-quote,Claim=reported-claim');
    expect(again.body.labels).toEqual({ imported: 0, existing: 2 });
    expect(app.store.get('x')!.labels.map((l) => [l.type, l.quote.exact])).toEqual([['direct-quote', 'Ana'], ['reported-claim', 'the plan works']]);
  });

  test('when a brat zip imported unmapped has its labels moved to our type, then re-importing it mapped does not add them a second time', async () => {
    await importZip('');
    const doc = app.store.get('x')!;
    for (const l of doc.labels.filter((x) => x.type === 'Quote')) {
      expect((await app.http.patch(`/api/documents/x/labels/${l.id}`).send({ type: 'direct-quote' })).status).toBe(200);
    }
    const res = await importZip('map=Quote=direct-quote');
    expect(res.body.labels).toEqual({ imported: 0, existing: 2 });
    expect(app.store.get('x')!.labels.map((l) => l.type).sort()).toEqual(['Claim', 'direct-quote']);
  });

  test('when a map names types in another case (quote=Direct-Quote), then it applies and meets our type', async () => {
    const res = await importZip('map=quote=Direct-Quote,CLAIM=Reported_Claim');
    expect(res.body.typesAdded).toEqual([]);
    expect(app.store.get('x')!.labels.map((l) => l.type)).toEqual(['direct-quote', 'reported-claim']);
  });

  test('when doccano labels are Direct-Quote and OPINION, then they become our direct-quote and opinion, and no look-alike type is added', async () => {
    const line = JSON.stringify({ id: 'doc-d', text: 'Ana said it works. A reckless plan.', label: [[0, 3, 'Direct-Quote'], [21, 29, 'OPINION']] });
    const res = await app.http.post('/api/import?format=doccano').set('Content-Type', 'application/x-ndjson').send(`${line}\n`);
    expect([res.status, res.body.typesAdded]).toEqual([200, []]);
    expect(res.body.types).toEqual([
      { name: 'Direct-Quote', type: 'direct-quote', how: 'known' },
      { name: 'OPINION', type: 'opinion', how: 'known' },
    ]);
    expect(app.store.get('doc-d')!.labels.map((l) => l.type)).toEqual(['direct-quote', 'opinion']);
    expect(app.project.labelTypes().map((t) => t.id)).toEqual(['direct-quote', 'reported-claim', 'opinion']);
  });

  test('when a native JSONL line claims another author, old times and events, then they are kept only as claims: the history is the importer\'s, now', async () => {
    const forged = createDocument({ id: 'forged', body: 'The minister resigned today.', format: 'text', meta: { title: 'Forged' }, author: 'the-minister', now: '1999-01-01T00:00:00.000Z' });
    forged.events.push({ at: '1999-01-02T00:00:00.000Z', actor: 'chief-editor', kind: 'label.created', labelId: 'nothing' });
    const started = new Date().toISOString();
    const res = await app.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(encodeNativeLine(forged));
    expect(res.status).toBe(200);
    const doc = app.store.get('forged')!;
    const at = doc.revisions[0].createdAt;
    expect(at >= started).toBe(true);
    expect(doc.revisions).toEqual([{ rev: 1, text: 'The minister resigned today.', createdAt: at, author: 'admin', message: forged.revisions[0].message, importedFrom: { author: 'the-minister', at: '1999-01-01T00:00:00.000Z' } }]);
    expect(doc.events).toEqual([
      { at, actor: 'admin', kind: 'document.created', rev: 1, importedFrom: { author: 'the-minister', at: '1999-01-01T00:00:00.000Z' } },
      { at, actor: 'admin', kind: 'label.created', labelId: 'nothing', importedFrom: { author: 'chief-editor', at: '1999-01-02T00:00:00.000Z' } },
      { at, actor: 'admin', kind: 'document.imported', rev: 1, after: { format: 'jsonl', file: 'upload.jsonl' } },
    ]);
  });
});
