import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDataDir } from '../helpers/app.js';
import { CREATE_WINDOW, importFiles, type ImportOptions } from '../../server/services/import.js';
import { createDocument } from '../../server/domain/documents.js';
import { latestRevision, type DocumentRecord } from '../../server/domain/types.js';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';

// The import writes new documents CREATE_WINDOW at a time (their durable writes overlap, which is
// what makes `npm run import` fast); what it reports and leaves on disk stays what it did.

const NOW = '2026-01-01T00:00:00.000Z';
const lines = (ids: string[]) => Buffer.from(ids.map((id) => `${JSON.stringify({ id, title: `Title ${id}`, text: `Text of ${id}.` })}\n`).join(''));
const ids = (n: number) => Array.from({ length: n }, (_, i) => `c-${String(i + 1).padStart(2, '0')}`);

describe('importing more new documents than the create window', () => {
  let dataDir: string;
  let store: DocumentStore;
  let project: ProjectStore;
  beforeEach(async () => {
    dataDir = await tempDataDir();
    store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    project = await ProjectStore.open(dataDir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const storedIds = async () => (await readdir(join(dataDir, 'documents'))).filter((n) => n.endsWith('.json')).map((n) => n.replace(/\.json$/, '')).sort();
  const storedText = async (id: string) => latestRevision(JSON.parse(await readFile(join(dataDir, 'documents', `${id}.json`), 'utf8')) as DocumentRecord).text;

  test('when 40 documents are imported, then all are on disk and the progress names them one by one in file order', async () => {
    const progress: string[] = [];
    const options: ImportOptions = { format: 'jsonl', annotator: 'imp', skipBad: false, map: {}, now: NOW, onProgress: (n, total, id) => progress.push(`${n}/${total} ${id}`) };
    const report = await importFiles(store, project, [{ name: 'c.jsonl', content: lines(ids(40)) }], options);
    expect(CREATE_WINDOW).toBeLessThan(40);
    expect([report.committed, report.documents]).toEqual([true, { imported: 40, revised: 0, unchanged: 0 }]);
    expect(progress).toEqual(ids(40).map((id, i) => `${i + 1}/40 ${id}`));
    expect(await storedIds()).toEqual(ids(40));
    expect(await storedText('c-40')).toBe('Text of c-40.');
  });

  test('when someone else creates the 20th document while the import writes, then the 409 counts the documents before it and those written beside it, and no write is left running', async () => {
    // Another writer, just before the import's create of c-20 (no timing: a wrapper around create).
    const other = new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop !== 'create') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (doc: DocumentRecord) => {
          if (doc.id === 'c-20') await target.create(createDocument({ id: 'c-20', body: 'Someone else.', format: 'text', author: 'eve', now: NOW }));
          return target.create(doc);
        };
      },
    });
    const progress: string[] = [];
    const options: ImportOptions = { format: 'jsonl', annotator: 'imp', skipBad: false, map: {}, now: NOW, onProgress: (_n, _t, id) => progress.push(id) };
    // c-20 is the oldest in the window when it fails: the CREATE_WINDOW - 1 creates after it were already under way.
    const beside = CREATE_WINDOW - 1;
    await expect(importFiles(other, project, [{ name: 'c.jsonl', content: lines(ids(40)) }], options)).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      message: `the document c-20 was created by someone else while this import was being written: the 19 document(s) before it in this import were written, and ${beside} after it that were being written at the same time; the rest were not. Import the file again to finish`,
      details: { documents: { imported: 19 + beside, revised: 0, unchanged: 0 } },
    });
    expect(progress).toEqual(ids(19));
    const written = ids(20 + beside);
    expect(await storedIds()).toEqual(written);
    expect([await storedText('c-19'), await storedText('c-20'), await storedText(written[written.length - 1])]).toEqual(['Text of c-19.', 'Someone else.', `Text of ${written[written.length - 1]}.`]);
  });
});
