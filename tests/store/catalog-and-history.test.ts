import { readFile, rm, writeFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentStore } from '../../server/store/document-store.js';
import { ProjectStore } from '../../server/store/project-store.js';
import { CursorSigner } from '../../server/store/cursor.js';
import { InvalidCursorError } from '../../server/store/repository.js';
import { COMPRESS_FROM_BYTES } from '../../server/store/history-codec.js';
import { tempDataDir } from '../helpers/app.js';
import { makeDoc } from './repository-contract.js';

const NOW = '2026-01-02T03:04:05.000Z';
const quiet = () => undefined;

describe('the catalogue file', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    for (let i = 1; i <= 5; i++) await store.create(makeDoc(`c${i}`, { title: `Title ${i}`, outlet: 'Wire' }));
    await store.close();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when nothing changed since it was written, then the start reads no document file', async () => {
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    expect(store.catalogReport).toEqual({ problem: null, reread: 0, dropped: 0 });
    expect((await store.listPage({ sort: 'title' })).items.map((s) => s.title)).toEqual(['Title 1', 'Title 2', 'Title 3', 'Title 4', 'Title 5']);
  });

  it('when a document file was changed behind its back, then only that file is read again and its new title is listed', async () => {
    const file = join(dataDir, 'documents', 'c3.json');
    const doc = JSON.parse(await readFile(file, 'utf8'));
    doc.meta.title = 'Edited by hand, longer';
    await writeFile(file, JSON.stringify(doc));
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    expect(store.catalogReport).toEqual({ problem: null, reread: 1, dropped: 0 });
    expect(store.summary('c3')!.title).toBe('Edited by hand, longer');
  });

  it('when a file kept its size but not its time, then it is read again too', async () => {
    const file = join(dataDir, 'documents', 'c2.json');
    const doc = JSON.parse(await readFile(file, 'utf8'));
    doc.meta.title = 'Title X';
    await writeFile(file, JSON.stringify(doc));
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    expect(store.catalogReport.reread).toBe(1);
    expect(store.summary('c2')!.title).toBe('Title X');
  });

  it('when a document file was removed, then its row is dropped', async () => {
    await rm(join(dataDir, 'documents', 'c4.json'));
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    expect(store.catalogReport.dropped).toBe(1);
    expect(store.has('c4')).toBe(false);
  });

  it.each([
    ['not JSON', '{"version":1,"rows":[{"summ'],
    ['lying about a title', null],
  ])('when catalog.json is %s, then it is not trusted: the documents are what is listed', async (_name, content) => {
    const file = join(dataDir, 'catalog.json');
    if (content === null) {
      // A row that claims another title but a stamp that does not match the file: re-read.
      const cat = JSON.parse(await readFile(file, 'utf8'));
      cat.rows[0].summary.title = 'Forged';
      cat.rows[0].stamp.size += 1;
      await writeFile(file, JSON.stringify(cat));
    } else {
      await writeFile(file, content);
    }
    const logged: string[] = [];
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy', log: (m) => logged.push(m) });
    expect((await store.listPage({ sort: 'title' })).items.map((s) => s.title)).toEqual(['Title 1', 'Title 2', 'Title 3', 'Title 4', 'Title 5']);
    if (content !== null) {
      expect(store.catalogReport.problem).toMatch(/catalog.json is damaged/);
      expect(logged).toEqual([expect.stringMatching(/catalog.json is damaged .*: rebuilding it from the 5 document files/)]);
      expect(store.catalogReport.reread).toBe(5);
    } else {
      expect(store.catalogReport.reread).toBe(1);
    }
    // And it is rewritten sound (a moment after the start, or at close).
    await store.close();
    expect(JSON.parse(await readFile(file, 'utf8')).rows).toHaveLength(5);
  });

  it('when updates were logged but catalog.json was not rewritten (a crash), then the log brings them back', async () => {
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    await store.update('c1', (d) => {
      d.meta.title = 'Renamed';
    });
    // No close(): as after a crash.
    const again = await DocumentStore.open(dataDir, { searchIndex: 'lazy', log: quiet });
    expect(again.catalogReport.reread).toBe(0);
    expect(again.summary('c1')!.title).toBe('Renamed');
  });
});

describe('revision history on disk', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when a large text is revised, then the older revision is stored gzipped and reads back exactly; the latest stays plain', async () => {
    const big = 'Ünïcode 🎉 and words. '.repeat(Math.ceil(COMPRESS_FROM_BYTES / 20) + 10);
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    await store.create(makeDoc('h1', {}, big));
    const first = (await store.getDocument('h1'))!.revisions[0].text;
    await store.update('h1', (d) => {
      d.revisions.push({ rev: 2, text: `${first} One more.`, createdAt: NOW, author: 't', message: 'more' });
    });
    const onDisk = JSON.parse(await readFile(join(dataDir, 'documents', 'h1.json'), 'utf8'));
    expect(onDisk.revisions[0].text).toBeUndefined();
    expect(typeof onDisk.revisions[0].textGz).toBe('string');
    expect(onDisk.revisions[0].textGz.length).toBeLessThan(Buffer.byteLength(first) / 10);
    expect(onDisk.revisions[1].text).toBe(`${first} One more.`);
    const again = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    expect((await again.getDocument('h1'))!.revisions.map((r) => r.text)).toEqual([first, `${first} One more.`]);
  });

  it('when a small text is revised, then both revisions stay plain text in the file', async () => {
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    await store.create(makeDoc('h2', {}, 'Short.'));
    await store.update('h2', (d) => {
      d.revisions.push({ rev: 2, text: 'Short, revised.', createdAt: NOW, author: 't', message: 'm' });
    });
    const onDisk = JSON.parse(await readFile(join(dataDir, 'documents', 'h2.json'), 'utf8'));
    expect(onDisk.revisions.map((r: { text: string }) => r.text)).toEqual(['Short.', 'Short, revised.']);
  });

  it('when a compressed text is damaged, then the file is quarantined at start with the reason', async () => {
    await writeFile(join(dataDir, 'x.txt'), '');
    const doc = makeDoc('h3') as unknown as { revisions: Array<Record<string, unknown>> };
    doc.revisions.unshift({ rev: 1, textGz: 'bm90IGd6aXA=', createdAt: NOW, author: 't', message: 'm' });
    doc.revisions[1].rev = 2;
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dataDir, 'documents'));
    await writeFile(join(dataDir, 'documents', 'h3.json'), JSON.stringify(doc));
    const store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    expect(store.has('h3')).toBe(false);
    expect(store.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/compressed text of revision 1 cannot be read/)]);
  });
});

describe('the document cache', () => {
  it('when the cache holds less than the corpus, then every document still reads back whole, from disk', async () => {
    const dataDir = await tempDataDir();
    try {
      const store = await DocumentStore.open(dataDir, { cacheBytes: 20_000, searchIndex: 'lazy' });
      const docs = Array.from({ length: 20 }, (_, i) => makeDoc(`k${i}`, {}, `Document ${i}. ${'word '.repeat(1000)}`));
      for (const d of docs) await store.create(structuredClone(d));
      for (const d of docs) expect(await store.getDocument(d.id)).toEqual(d);
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.update(`k${i % 5}`, (d) => {
        d.events.push({ at: NOW, actor: 't', kind: `e${i}` });
      })));
      expect((await store.getDocument('k0'))!.events.map((e) => e.kind)).toEqual(['document.created', 'e0', 'e5', 'e10', 'e15']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('cursors', () => {
  it('when a cursor is older than its lifetime, then it is refused as expired', () => {
    let now = 1_000_000;
    const signer = new CursorSigner(Buffer.alloc(32, 1), 60_000, () => now);
    const cursor = signer.sign('q', [1, 'a']);
    expect(signer.open(cursor, 'q')).toEqual([1, 'a']);
    now += 60_001;
    expect(() => signer.open(cursor, 'q')).toThrow(InvalidCursorError);
    expect(() => signer.open(cursor, 'q')).toThrow(/expired/);
  });
});

describe('ProjectStore', () => {
  it('when two label types are added at the same time, then both are kept, in memory and in project.json', async () => {
    const dataDir = await tempDataDir();
    try {
      const project = await ProjectStore.open(dataDir);
      const [a, b] = await Promise.all([
        project.addTypes([{ id: 'source', name: 'Source', color: '#123456' }]),
        project.addTypes([{ id: 'cue', name: 'Cue', color: '#654321' }]),
      ]);
      expect([a.map((t) => t.id), b.map((t) => t.id)]).toEqual([['source'], ['cue']]);
      const again = await ProjectStore.open(dataDir);
      expect(again.labelTypes().map((t) => t.id).slice(-2)).toEqual(['source', 'cue']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
