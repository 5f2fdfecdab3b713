import { readDocFile, startTestApp } from '../helpers/app.js';
import { importFiles, type ImportOptions } from '../../server/services/import.js';
import { reviseDocument } from '../../server/services/revisions.js';
import { createDocument } from '../../server/domain/documents.js';
import { latestRevision } from '../../server/domain/types.js';
import type { DocumentStore } from '../../server/store/document-store.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const NOW = '2026-01-01T00:00:00.000Z';
const TEXT = 'Minister says the plan is ready.';
const line = (o: unknown) => `${JSON.stringify(o)}\n`;
const file = (name: string, body: string) => [{ name, content: Buffer.from(body) }];
const options = (format: ImportOptions['format']): ImportOptions => ({ format, annotator: 'imp', skipBad: false, map: {}, now: NOW });

/**
 * The store as the import sees it, with `interlude` run once, just before the first call of `method`
 * for which `when` holds: another writer acting between the import's plan and its write, without timing.
 */
function interleaved(store: DocumentStore, method: 'update' | 'create', when: (id: string) => boolean, interlude: () => Promise<unknown>): DocumentStore {
  let fired = false;
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (prop === method) {
        return async (...args: [string & { id?: string }, never]) => {
          const id = typeof args[0] === 'string' ? args[0] : (args[0] as { id: string }).id;
          if (!fired && when(id)) {
            fired = true;
            await interlude();
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function addDoc(app: App, id: string, text = TEXT): Promise<void> {
  await app.store.create(createDocument({ id, body: text, format: 'text', meta: { title: id }, author: 'ana', now: NOW }));
}

const revise = (app: App, id: string, text: string) => reviseDocument(app.store, id, { text, author: 'eve', message: 'edited meanwhile' });

describe('imports and concurrent writers', () => {
  let app: App;
  beforeEach(async () => {
    app = await startTestApp();
  });
  afterEach(() => app.cleanup());

  test('when two imports with the same new ids run at once, then they run one after the other: both succeed and each document is stored once', async () => {
    const body = Array.from({ length: 20 }, (_, i) => line({ id: `race-${i}`, title: `Race ${i}`, text: `Text number ${i}.` })).join('');
    const reports = await Promise.all([importFiles(app.store, app.project, file('a.jsonl', body), options('jsonl')), importFiles(app.store, app.project, file('b.jsonl', body), options('jsonl'))]);
    expect(reports.map((r) => [r.committed, r.documents])).toEqual([
      [true, { imported: 20, revised: 0, unchanged: 0 }],
      [true, { imported: 0, revised: 0, unchanged: 20 }],
    ]);
    const doc = await readDocFile(app.dataDir, 'race-7');
    expect([doc.revisions.length, doc.revisions[0].text, doc.revisions[0].message]).toEqual([1, 'Text number 7.', 'Imported from a.jsonl (jsonl)']);
  });

  test('when a document is revised between a W3C import\'s plan and its write, then the label is not placed on other words and is reported as skipped', async () => {
    await addDoc(app, 'doc-w');
    const anno = { id: 'a1', type: 'Annotation', body: { type: 'TextualBody', purpose: 'classifying', value: 'opinion' }, target: { source: 'urn:framewise:document:doc-w', selector: [{ type: 'TextQuoteSelector', exact: 'the plan' }] } };
    const store = interleaved(app.store, 'update', (id) => id === 'doc-w', () => revise(app, 'doc-w', `BREAKING ${TEXT}`));
    const report = await importFiles(store, app.project, file('a.json', line(anno)), options('w3c'));
    expect([report.committed, report.labels.imported, report.skipped]).toEqual([true, 0, [{ file: 'a.json', line: 1, item: 'a1', reason: 'document doc-w was revised while importing (revision 2, not 1); import it again to add this label' }]]);
    const doc = await readDocFile(app.dataDir, 'doc-w');
    expect([doc.revisions.length, latestRevision(doc).text, doc.labels]).toEqual([2, `BREAKING ${TEXT}`, []]);
  });

  test('when a document is revised after a re-import\'s revision but before its labels are added, then they are reported as skipped, not dropped', async () => {
    await addDoc(app, 'doc-j');
    const newText = 'Minister says the plan is nearly ready.';
    const store = interleaved(app.store, 'update', (id) => latestRevision(app.store.get(id)!).rev === 2, () => revise(app, 'doc-j', `BREAKING ${newText}`));
    const report = await importFiles(store, app.project, file('d.jsonl', line({ id: 'doc-j', text: newText, label: [[14, 22, 'opinion']] })), options('doccano'));
    expect([report.committed, report.documents, report.labels.imported, report.skipped]).toEqual([
      true,
      { imported: 0, revised: 1, unchanged: 0 },
      0,
      [{ file: 'd.jsonl', line: 1, item: 'label 1', reason: 'document doc-j was revised while importing (revision 3, not 2); import it again to add this label' }],
    ]);
    const doc = await readDocFile(app.dataDir, 'doc-j');
    expect([doc.revisions.map((r) => r.author), latestRevision(doc).text, doc.labels]).toEqual([['ana', 'imp', 'eve'], `BREAKING ${newText}`, []]);
  });

  test('when a document is revised between a re-import\'s plan and its revision, then neither the text nor the labels are applied, and both are reported', async () => {
    await addDoc(app, 'doc-k');
    const store = interleaved(app.store, 'update', (id) => id === 'doc-k', () => revise(app, 'doc-k', `BREAKING ${TEXT}`));
    const report = await importFiles(store, app.project, file('d.jsonl', line({ id: 'doc-k', text: 'Minister says the plan is late.', label: [[14, 22, 'opinion']] })), options('doccano'));
    expect([report.committed, report.documents, report.labels.imported, report.skipped]).toEqual([
      true,
      { imported: 0, revised: 0, unchanged: 0 },
      0,
      [
        { file: 'd.jsonl', line: 1, item: 'document doc-k', reason: 'its text was revised by someone else while importing (revision 2); the imported text was not applied' },
        { file: 'd.jsonl', line: 1, item: 'label 1', reason: 'document doc-k was revised while importing; import it again to add this label' },
      ],
    ]);
    const doc = await readDocFile(app.dataDir, 'doc-k');
    expect([doc.revisions.map((r) => r.author), latestRevision(doc).text, doc.labels]).toEqual([['ana', 'eve'], `BREAKING ${TEXT}`, []]);
  });

  test('when a document with an id the import creates appears while it is written, then 409 says what was written', async () => {
    const body = line({ id: 'c-1', text: 'One.' }) + line({ id: 'c-2', text: 'Two.' });
    const store = interleaved(app.store, 'create', (id) => id === 'c-2', () => addDoc(app, 'c-2', 'Someone else.'));
    await expect(importFiles(store, app.project, file('c.jsonl', body), options('jsonl'))).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'the document c-2 was created by someone else while this import was being written: the 1 document(s) before it in this import were written; the rest were not. Import the file again to finish',
    });
    expect([latestRevision(await readDocFile(app.dataDir, 'c-1')).text, latestRevision(await readDocFile(app.dataDir, 'c-2')).text]).toEqual(['One.', 'Someone else.']);
  });
});

describe('POST /api/import, twice at once', () => {
  let app: App;
  beforeEach(async () => {
    app = await startTestApp();
  });
  afterEach(() => app.cleanup());

  test('when two uploads share new document ids, then both answer 200 and every document is stored once', async () => {
    const body = Array.from({ length: 20 }, (_, i) => line({ id: `race-${i}`, text: `Text number ${i}.` })).join('');
    const post = () => app.http.post('/api/import?format=jsonl').set('Content-Type', 'application/x-ndjson').send(body);
    const results = await Promise.all([post(), post()]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results.map((r) => r.body.documents.imported + r.body.documents.unchanged)).toEqual([20, 20]);
    expect(results.map((r) => r.body.documents.imported).sort()).toEqual([0, 20]);
    expect(app.store.list().length).toBe(20);
  });
});
