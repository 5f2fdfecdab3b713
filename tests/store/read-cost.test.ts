import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DocumentStore } from '../../server/store/document-store.js';
import { COMPRESS_FROM_BYTES } from '../../server/store/history-codec.js';
import { reviseDocument } from '../../server/services/revisions.js';
import { tempDataDir } from '../helpers/app.js';
import { makeDoc } from './repository-contract.js';

/**
 * A document read again from its file costs the event loop its JSON parse only when the file is
 * the one the store wrote: the schema check is skipped then (README, "Document cache"), and older
 * revisions are decompressed on the thread pool. A file changed behind the store's back is checked.
 */
describe('reading a document file again', () => {
  let dataDir: string;
  let store: DocumentStore;
  const file = (id: string) => join(dataDir, 'documents', `${id}.json`);
  // A budget of one byte: no document is kept in memory once written, every read goes to its file.
  const open = () => DocumentStore.open(dataDir, { searchIndex: 'lazy', cacheBytes: 1, log: () => undefined });

  beforeEach(async () => {
    dataDir = await tempDataDir();
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when the file is the one the store last wrote, then it is read back without a schema check and equal to what was written', async () => {
    await store.create(makeDoc('d1', { title: 'First' }));
    await store.update('d1', (d) => void (d.meta.title = 'Second'));
    const before = store.schemaChecks;
    const doc = await store.getDocument('d1');
    expect(doc!.meta.title).toBe('Second');
    expect(store.get('d1')!.meta.title).toBe('Second');
    expect(store.schemaChecks).toBe(before);
  });

  it('when older revisions are stored gzipped, then the read gives back their exact texts', async () => {
    const one = 'Alpha beta gamma. '.repeat(Math.ceil((COMPRESS_FROM_BYTES * 2) / 18));
    const two = `${one}Delta.`;
    await store.create(makeDoc('d2', {}, one));
    await reviseDocument(store, 'd2', { text: two, author: 'tester' });
    await reviseDocument(store, 'd2', { text: `${two} Epsilon.`, author: 'tester' });
    const stored = JSON.parse(await readFile(file('d2'), 'utf8'));
    expect(stored.revisions.map((r: { textGz?: string }) => typeof r.textGz)).toEqual(['string', 'string', 'undefined']);
    const doc = await store.getDocument('d2');
    expect(doc!.revisions.map((r) => r.text)).toEqual([one, two, `${two} Epsilon.`]);
  });

  it('when the file was changed behind the store\'s back into an invalid document, then the read is refused with the schema problem and the next start quarantines it', async () => {
    await store.create(makeDoc('d3'));
    const raw = JSON.parse(await readFile(file('d3'), 'utf8'));
    raw.labels = [{ id: 'x' }];
    await writeFile(file('d3'), JSON.stringify(raw));
    const before = store.schemaChecks;
    await expect(store.getDocument('d3')).rejects.toThrow(/^the file of document d3 changed on disk and does not match the document schema: labels\.0\./);
    expect(() => store.get('d3')).toThrow(/^the file of document d3 changed on disk and does not match the document schema: labels\.0\./);
    expect(store.schemaChecks).toBe(before + 2);
    await store.close();
    store = await open();
    expect(store.has('d3')).toBe(false);
    expect(store.problems.map((p) => [p.file, p.reason.startsWith('does not match the document schema: labels.0.')])).toEqual([[file('d3'), true]]);
  });

  it('when the file was replaced behind the store\'s back by a valid document, then the read checks it and gives its content', async () => {
    await store.create(makeDoc('d4', { title: 'Mine' }));
    const raw = JSON.parse(await readFile(file('d4'), 'utf8'));
    raw.meta.title = 'Edited by hand';
    await writeFile(file('d4'), JSON.stringify(raw));
    const before = store.schemaChecks;
    expect((await store.getDocument('d4'))!.meta.title).toBe('Edited by hand');
    expect(store.schemaChecks).toBe(before + 1);
  });

  it('when a gzipped older revision was damaged behind the store\'s back, then the read is refused naming that revision', async () => {
    const one = 'Alpha beta gamma. '.repeat(Math.ceil((COMPRESS_FROM_BYTES * 2) / 18));
    await store.create(makeDoc('d5', {}, one));
    await reviseDocument(store, 'd5', { text: `${one}Delta.`, author: 'tester' });
    const raw = JSON.parse(await readFile(file('d5'), 'utf8'));
    raw.revisions[0].textGz = Buffer.from('not gzip at all').toString('base64');
    await writeFile(file('d5'), JSON.stringify(raw));
    await expect(store.getDocument('d5')).rejects.toThrow(/^the file of document d5 changed on disk and does not match the document schema: the compressed text of revision 1 cannot be read/);
  });

  it('when a copy handed out is changed at any depth, then the stored document is not, and an own "__proto__" key stays a plain key', async () => {
    const big = await DocumentStore.open(dataDir + '-big', { searchIndex: 'lazy', log: () => undefined });
    try {
      const doc = makeDoc('d6');
      (doc.meta as unknown as Record<string, unknown>).extra = JSON.parse('{"__proto__":{"polluted":true},"deep":{"list":[{"n":1}]}}');
      await big.create(doc);
      const copy = (await big.getDocument('d6'))!;
      const extra = (copy.meta as unknown as { extra: Record<string, { list?: { n: number }[] }> }).extra;
      expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
      expect(Object.keys(extra)).toEqual(['__proto__', 'deep']);
      extra.deep.list![0].n = 2;
      extra['__proto__'].list = [];
      copy.revisions[0].text = 'changed';
      copy.events.push({ at: 'now', actor: 'x', kind: 'meta.updated' } as (typeof copy.events)[number]);
      const other = (await big.getDocument('d6'))!;
      other.labels = [];
      other.events = [];
      expect(Object.keys(other)).toEqual(Object.keys(doc));
      const again = (await big.getDocument('d6'))!;
      expect((again.meta as unknown as { extra: unknown }).extra).toEqual(JSON.parse('{"__proto__":{"polluted":true},"deep":{"list":[{"n":1}]}}'));
      expect(again.revisions[0].text).toBe('Text of d6.');
      expect(again.events).toEqual(doc.events);
      expect(JSON.stringify(again)).toBe(JSON.stringify(doc));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    } finally {
      await big.close();
      await rm(dataDir + '-big', { recursive: true, force: true });
    }
  });

  it('when a save makes a large revision older and nothing else changes meanwhile, then the change is computed once', async () => {
    const one = 'Alpha beta gamma. '.repeat(Math.ceil((COMPRESS_FROM_BYTES * 2) / 18));
    await store.create(makeDoc('d7', {}, one));
    let calls = 0;
    await store.update('d7', (draft) => {
      calls++;
      draft.revisions.push({ ...draft.revisions[0], rev: 2, text: `${one}Two.` });
    });
    expect(calls).toBe(1);
    const stored = JSON.parse(await readFile(file('d7'), 'utf8'));
    expect(stored.revisions.map((r: { rev: number; textGz?: string }) => [r.rev, typeof r.textGz])).toEqual([[1, 'string'], [2, 'undefined']]);
  });

  it('when another change lands while the older revision is being compressed, then the change is computed again on the newest state and both are kept', async () => {
    const one = 'Alpha beta gamma. '.repeat(Math.ceil((COMPRESS_FROM_BYTES * 2) / 18));
    await store.create(makeDoc('d8', { title: 'Before' }, one));
    let calls = 0;
    const revision = store.update('d8', (draft) => {
      calls++;
      draft.revisions.push({ ...draft.revisions[0], rev: 2, text: `${one}Two.` });
    });
    const title = store.update('d8', (draft) => void (draft.meta.title = 'After'));
    await Promise.all([revision, title]);
    expect(calls).toBe(2);
    const doc = (await store.getDocument('d8'))!;
    expect([doc.meta.title, doc.revisions.map((r) => r.rev)]).toEqual(['After', [1, 2]]);
  });

  it('when the search index read a document after the start, then the first request for it is answered from memory, not from its file again', async () => {
    const one = 'Alpha beta gamma. '.repeat(Math.ceil((COMPRESS_FROM_BYTES * 2) / 18));
    const roomy = () => DocumentStore.open(dataDir, { searchIndex: 'lazy', log: () => undefined });
    await store.create(makeDoc('p1', { title: 'Plain' }));
    await store.create(makeDoc('p2', { title: 'Gzipped' }, one));
    await reviseDocument(store, 'p2', { text: `${one}Two.`, author: 'tester' });
    await store.close();
    store = await roomy();
    await store.buildSearchIndex();
    // Changed behind the store's back after the index read them: a cached document does not see it.
    for (const id of ['p1', 'p2']) {
      const raw = JSON.parse(await readFile(file(id), 'utf8'));
      raw.meta.title = 'Edited by hand';
      await writeFile(file(id), JSON.stringify(raw));
    }
    expect((await store.getDocument('p1'))!.meta.title).toBe('Plain');
    // A file with compressed older revisions was only partly decoded for the index: read in full now.
    expect((await store.getDocument('p2'))!.meta.title).toBe('Edited by hand');
  });
});
