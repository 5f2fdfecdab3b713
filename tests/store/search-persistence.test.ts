import { readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DocumentStore } from '../../server/store/document-store.js';
import { searchIndexPath, TEMP_MARK } from '../../server/store/search-index-file.js';
import { snapshotDir, tempDataDir } from '../helpers/app.js';
import { makeDoc } from './repository-contract.js';

// The search index kept beside the documents (<dataDir>/index/search.bin): a restart reads it
// instead of indexing every document, checks it against the catalogue, and never trusts a
// damaged or stale one.

const NOW = '2026-01-02T03:04:05.000Z';

describe('the stored search index', () => {
  let dataDir: string;
  const logged: string[] = [];
  const open = () => DocumentStore.open(dataDir, { searchIndex: 'lazy', log: (m) => logged.push(m) });
  const ids = async (store: DocumentStore, q: string) => (await store.search(q)).items.map((h) => h.summary.id);

  beforeEach(async () => {
    logged.length = 0;
    dataDir = await tempDataDir();
    const store = await open();
    await store.buildSearchIndex();
    await store.create(makeDoc('h1', { title: 'Harbour strike ends', outlet: 'Coast Daily' }, 'Dock workers returned after the harbour strike ended with a pay deal.'));
    await store.create(makeDoc('h2', { title: 'Budget vote delayed', outlet: 'Capital Post' }, 'The council delayed its budget vote. A strike by bus drivers is planned.'));
    await store.create(makeDoc('h3', { title: 'Weather', outlet: 'Coast Daily' }, 'Rain all week.'));
    await store.close();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when the store is closed and opened again, then the index is read from its file, nothing is indexed again and the answers are the same', async () => {
    expect((await stat(searchIndexPath(dataDir))).size).toBeGreaterThan(0);
    const store = await open();
    expect(await ids(store, 'strike')).toEqual(['h1', 'h2']);
    expect(store.searchIndexReport).toEqual({ loaded: true, problem: null, reindexed: 0, dropped: 0 });
    expect(store.searchIndexedDocuments).toBe(0);
    expect((await store.search('drivers')).items[0].snippet).toContain('strike by bus drivers');
    expect(await ids(store, 'coast')).toEqual(['h1', 'h3']);
    await store.close();
  });

  it('when documents change after the reopen, then the change is saved with the index and the next start does not index them again', async () => {
    let store = await open();
    await store.buildSearchIndex();
    await store.update('h3', (d) => {
      d.revisions.push({ rev: 2, text: 'Snow all week.', createdAt: NOW, author: 'tester', message: 'fix' });
    });
    await store.delete('h2');
    await store.create(makeDoc('h4', { title: 'Ferry news' }, 'The ferry sails again.'));
    await store.close();
    store = await open();
    expect(await ids(store, 'snow')).toEqual(['h3']);
    expect(await ids(store, 'rain')).toEqual([]);
    expect(await ids(store, 'strike')).toEqual(['h1']);
    expect(await ids(store, 'ferry')).toEqual(['h4']);
    expect(store.searchIndexReport).toEqual({ loaded: true, problem: null, reindexed: 0, dropped: 0 });
    await store.close();
  });

  it('when documents changed after the index was written (a crash before its next write), then just those are indexed again and the gone one dropped', async () => {
    const crashed = await open();
    await crashed.buildSearchIndex();
    await crashed.update('h3', (d) => {
      d.revisions.push({ rev: 2, text: 'Snow all week.', createdAt: NOW, author: 'tester', message: 'fix' });
    });
    await crashed.create(makeDoc('h4', { title: 'Ferry news' }, 'The ferry sails again.'));
    // No close: the index file is still the one written before these changes. h2 is removed behind the store's back.
    await rm(join(dataDir, 'documents', 'h2.json'));
    const store = await open();
    expect(await ids(store, 'snow')).toEqual(['h3']);
    expect(await ids(store, 'rain')).toEqual([]);
    expect(await ids(store, 'ferry')).toEqual(['h4']);
    expect(await ids(store, 'strike')).toEqual(['h1']);
    expect(store.searchIndexReport).toEqual({ loaded: true, problem: null, reindexed: 2, dropped: 1 });
    expect(store.searchIndexedDocuments).toBe(2);
    await store.close();
  });

  it('when a document was deleted and made again with the same id, revision and title but another text, then its new text is what is found', async () => {
    const crashed = await open();
    await crashed.buildSearchIndex();
    await crashed.delete('h3');
    await crashed.create(makeDoc('h3', { title: 'Weather', outlet: 'Coast Daily' }, 'Fog all week.'));
    const store = await open();
    expect(await ids(store, 'fog')).toEqual(['h3']);
    expect(await ids(store, 'rain')).toEqual([]);
    await store.close();
  });

  it('when a document is revised while the stored index is being read, then the revision is what is found', async () => {
    const store = await open();
    const building = store.buildSearchIndex();
    await store.update('h3', (d) => {
      d.revisions.push({ rev: 2, text: 'Hail all week.', createdAt: NOW, author: 'tester', message: 'fix' });
    });
    await building;
    expect(await ids(store, 'hail')).toEqual(['h3']);
    expect(await ids(store, 'rain')).toEqual([]);
    await store.close();
  });

  it('when a read-only store searches, then it uses the stored index and never writes it', async () => {
    const file = searchIndexPath(dataDir);
    const before = await readFile(file);
    const { mtimeMs } = await stat(file);
    // A temporary file as the server beside it would be writing: a reader leaves it alone.
    const temp = join(dirname(file), `${TEMP_MARK}0123456789ab`);
    await writeFile(temp, 'being written by the server');
    const store = await DocumentStore.open(dataDir, { readOnly: true, log: (m) => logged.push(m) });
    expect(await ids(store, 'strike')).toEqual(['h1', 'h2']);
    expect(store.searchIndexReport.loaded).toBe(true);
    await store.close();
    expect(await readFile(file)).toEqual(before);
    expect((await stat(file)).mtimeMs).toBe(mtimeMs);
    expect(await readFile(temp, 'utf8')).toBe('being written by the server');
  });

  it.each([
    ['cut short', async (file: string) => truncate(file, 40)],
    ['overwritten with other bytes', async (file: string) => writeFile(file, 'not an index at all')],
    ['changed in one byte', async (file: string) => {
      const b = await readFile(file);
      b[Math.floor(b.length / 2)] ^= 0xff;
      await writeFile(file, b);
    }],
  ])('when the index file is %s, then it is reported and rebuilt from the documents, whose files stay as they were', async (_name, spoil) => {
    await spoil(searchIndexPath(dataDir));
    const before = await snapshotDir(dataDir);
    const store = await open();
    expect(await ids(store, 'strike')).toEqual(['h1', 'h2']);
    expect(await ids(store, 'rain')).toEqual(['h3']);
    expect(store.searchIndexReport).toEqual({ loaded: false, problem: expect.any(String), reindexed: 3, dropped: 0 });
    expect(logged).toEqual([expect.stringMatching(/^search index .*search\.bin .*: rebuilding it from the 3 documents$/)]);
    await store.close();
    const after = await snapshotDir(dataDir);
    // Only the catalogue may have been rewritten (equal content); the documents are untouched.
    for (const name of Object.keys(before).filter((n) => n.startsWith('documents/'))) expect(after[name]).toBe(before[name]);
    // And the index is written sound again.
    const again = await open();
    expect(await ids(again, 'strike')).toEqual(['h1', 'h2']);
    expect(again.searchIndexReport).toEqual({ loaded: true, problem: null, reindexed: 0, dropped: 0 });
    await again.close();
  });
});
