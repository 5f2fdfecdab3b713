import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Adapter } from 'lowdb';
import { DocumentStore } from '../../server/store/document-store.js';
import { AtomicJSONFile } from '../../server/store/atomic-json-file.js';
import { createDocument } from '../../server/domain/documents.js';
import type { DocumentRecord } from '../../server/domain/types.js';
import { readDocFile, tempDataDir } from '../helpers/app.js';

const NOW = '2026-01-02T03:04:05.000Z';
const doc = (id: string): DocumentRecord =>
  createDocument({ id, body: `Text of ${id}.`, format: 'text', meta: { title: `Title ${id}` }, author: 'tester', now: NOW });
const addEvent = (kind: string) => (d: DocumentRecord) => {
  d.events.push({ at: NOW, actor: 'tester', kind });
};
const kinds = (d: DocumentRecord | null) => d?.events.map((e) => e.kind);

/** A write the test lets through to the real file (`pass`) or fails (`fail`). */
interface HeldWrite {
  data: DocumentRecord;
  pass: () => void;
  fail: (err: Error) => void;
}

/** An adapter factory whose writes wait for the test; `next()` resolves with the next write asked for. */
function heldWrites() {
  const arrived: HeldWrite[] = [];
  const waiters: Array<(w: HeldWrite) => void> = [];
  const factory = (filename: string): Adapter<DocumentRecord> => {
    const real = new AtomicJSONFile<DocumentRecord>(filename);
    return {
      read: () => real.read(),
      write: (data) =>
        new Promise<void>((resolve, reject) => {
          const w: HeldWrite = { data: structuredClone(data), pass: () => void real.write(data).then(resolve, reject), fail: reject };
          const waiter = waiters.shift();
          if (waiter) waiter(w);
          else arrived.push(w);
        }),
    };
  };
  const next = () => new Promise<HeldWrite>((resolve) => (arrived.length ? resolve(arrived.shift()!) : waiters.push(resolve)));
  return { factory, next };
}

/** Lets the pending promise callbacks run, so updates asked for now queue behind a running write. */
const settle = () => new Promise((r) => setImmediate(r));

describe('DocumentStore, when a save fails', () => {
  let dataDir: string;
  let docsDir: string;
  beforeEach(async () => {
    dataDir = await tempDataDir();
    docsDir = join(dataDir, 'documents');
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  /** Puts a plain file where the documents folder was, so every write there fails with ENOTDIR. */
  async function breakFolder(): Promise<void> {
    await rename(docsDir, `${docsDir}.away`);
    await writeFile(docsDir, 'not a folder');
  }
  async function mendFolder(): Promise<void> {
    await rm(docsDir);
    await rename(`${docsDir}.away`, docsDir);
  }

  it('when the write of an update fails, then the change is gone from memory and a later save does not write it', async () => {
    const store = await DocumentStore.open(dataDir);
    await store.create(doc('a'));
    const generation = store.generation;
    await breakFolder();

    await expect(store.update('a', (d) => { d.meta.title = 'Lost'; addEvent('lost')(d); })).rejects.toThrow(/ENOTDIR/);

    expect(store.get('a')!.meta.title).toBe('Title a');
    expect(kinds(store.get('a'))).toEqual(['document.created']);
    expect(store.list().find((e) => e.id === 'a')!.title).toBe('Title a');
    expect(store.generation).toBeGreaterThan(generation);
    await mendFolder();
    await store.update('a', (d) => { d.meta.outlet = 'Wire'; addEvent('kept')(d); });
    const disk = await readDocFile(dataDir, 'a');
    expect([disk.meta.title, disk.meta.outlet, kinds(disk)]).toEqual(['Title a', 'Wire', ['document.created', 'kept']]);
    expect(store.get('a')).toEqual(disk);
  });

  it('when a write fails while other updates wait behind it, then they are applied again to the saved document and written without the failed change', async () => {
    await (await DocumentStore.open(dataDir)).create(doc('a'));
    const held = heldWrites();
    const store = await DocumentStore.open(dataDir, { adapter: held.factory });

    const failed = store.update('a', addEvent('failed'));
    const write1 = await held.next();
    const behind = store.update('a', addEvent('behind'));
    const dependent = store.update('a', (d) => {
      if (!d.events.some((e) => e.kind === 'failed')) throw new Error('needs the failed change');
      addEvent('dependent')(d);
    });
    await settle();
    write1.fail(new Error('disk full'));

    await expect(failed).rejects.toThrow('disk full');
    await expect(dependent).rejects.toThrow('needs the failed change');
    expect(kinds(store.get('a'))).toEqual(['document.created', 'behind']);
    const write2 = await held.next();
    expect(kinds(write2.data)).toEqual(['document.created', 'behind']);
    write2.pass();
    const kept = await behind;
    expect(kinds(kept!.doc)).toEqual(['document.created', 'behind']);
    expect(kinds(await readDocFile(dataDir, 'a'))).toEqual(['document.created', 'behind']);
  });

  it('when a coalesced write of several updates fails, then every one of them is undone and an update queued behind it is kept', async () => {
    await (await DocumentStore.open(dataDir)).create(doc('a'));
    const held = heldWrites();
    const store = await DocumentStore.open(dataDir, { adapter: held.factory });

    const first = store.update('a', addEvent('first'));
    const write1 = await held.next();
    const batch = [store.update('a', addEvent('b1')), store.update('a', addEvent('b2'))];
    await settle();
    write1.pass();
    await first;
    const write2 = await held.next();
    expect(kinds(write2.data)).toEqual(['document.created', 'first', 'b1', 'b2']);
    const behind = store.update('a', addEvent('behind'));
    await settle();
    write2.fail(new Error('disk full'));

    for (const p of batch) await expect(p).rejects.toThrow('disk full');
    expect(kinds(store.get('a'))).toEqual(['document.created', 'first', 'behind']);
    const write3 = await held.next();
    expect(kinds(write3.data)).toEqual(['document.created', 'first', 'behind']);
    write3.pass();
    await behind;
    expect(kinds(await readDocFile(dataDir, 'a'))).toEqual(['document.created', 'first', 'behind']);
  });

  it('when the write of a new document fails, then the document is gone, an update queued on it fails, and the id can be used again', async () => {
    const held = heldWrites();
    const store = await DocumentStore.open(dataDir, { adapter: held.factory });

    const created = store.create(doc('b'));
    const write1 = await held.next();
    const behind = store.update('b', addEvent('behind'));
    await settle();
    write1.fail(new Error('disk full'));

    await expect(created).rejects.toThrow('disk full');
    await expect(behind).rejects.toThrow('disk full');
    expect([store.has('b'), store.get('b'), store.list()]).toEqual([false, null, []]);
    const again = store.create(doc('b'));
    (await held.next()).pass();
    await again;
    expect(kinds(await readDocFile(dataDir, 'b'))).toEqual(['document.created']);
  });

  it('when the folder cannot take a new document, then create fails, nothing is listed and a retry after the fix succeeds', async () => {
    const store = await DocumentStore.open(dataDir);
    await breakFolder();
    await expect(store.create(doc('b'))).rejects.toThrow(/ENOTDIR/);
    expect([store.has('b'), store.list()]).toEqual([false, []]);
    await mendFolder();
    await store.create(doc('b'));
    expect((await readDocFile(dataDir, 'b')).id).toBe('b');
  });
});
