import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SpeakerStore } from '../../server/store/speaker-store.js';
import { startCluster, type TestCluster } from '../helpers/postgres-cluster.js';
import { tempDataDir } from '../helpers/app.js';
import { DocumentStore } from '../../server/store/document-store.js';
import type { Corpus } from '../../server/store/corpus.js';
import type { SpeakerData } from '../../server/domain/speakers/types.js';
import { editSpeaker, mergeSpeakers, resolveAllSpeakers, speakerStoreOf, splitSpeaker, undoMerge } from '../../server/services/speakers.js';
import { labelOn, NOW, pgDoc, server, sql } from './pg-helpers.js';

// Speaker undo, split and rename write the speaker state first (with a journal entry), then the
// documents one by one, then clear the entry: a document write that fails part-way is finished by
// the same operation retried or by the next one, on the data folder and on PostgreSQL alike, and on
// PostgreSQL the speakers row is not locked while the documents are written.

let cluster: TestCluster | undefined;
let dbCount = 0;
afterAll(() => cluster?.stop());

interface Backend {
  store: Corpus;
  /** On PostgreSQL: tries to lock the speakers row from another connection without waiting; `null` when it could. */
  lockSpeakersRow?: () => Promise<string | null>;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'a data folder',
    async () => {
      const dir = await tempDataDir();
      const store = await DocumentStore.open(dir);
      return { store, close: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      cluster ??= await startCluster();
      const url = cluster.createDatabase(`speaker_journal_${++dbCount}`);
      const opened = await server(url, 'speaker-journal');
      const lockSpeakersRow = async () => {
        const c = await sql(url);
        try {
          await c.query('BEGIN');
          await c.query("SELECT version FROM data_files WHERE name = 'speakers.json' FOR UPDATE NOWAIT");
          return null;
        } catch (err) {
          return (err as Error).message;
        } finally {
          await c.query('ROLLBACK').catch(() => undefined);
          await c.end();
        }
      };
      return { store: opened.documents, lockSpeakersRow, close: () => opened.close() };
    },
  ],
];

/**
 * `store` itself, except that its `write`th document update (counting from 1) fails as a lost
 * connection or a full disk would, after `before` ran; the real store underneath does everything else.
 */
function failingWrite(store: Corpus, write: number, before: () => Promise<void> = async () => {}): Corpus {
  let writes = 0;
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'update') {
        return async (...args: Parameters<Corpus['update']>) => {
          if (++writes === write) {
            await before();
            throw new Error('the document write failed (test)');
          }
          return target.update(...args);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Three documents quoting "Jon Smyth" and one quoting "Mayor John Smith", speakers resolved. */
async function corpusWithSpeakers(store: Corpus): Promise<{ jon: string; john: string; docs: string[] }> {
  const docs = ['doc-1', 'doc-2', 'doc-3'];
  for (const id of docs) {
    const doc = pgDoc(id, `Jon Smyth said “we will build it ${id}.”`);
    doc.labels.push({ ...labelOn(doc, `${id}-label`, 9), speaker: 'Jon Smyth' });
    await store.create(doc);
  }
  const other = pgDoc('doc-4', 'Mayor John Smith said “the bridge is coming.”');
  other.labels.push({ ...labelOn(other, 'doc-4-label', 16), speaker: 'Mayor John Smith' });
  await store.create(other);
  await resolveAllSpeakers(store);
  const data = await speakerData(store);
  return { jon: data.speakers.find((s) => s.name === 'Jon Smyth')!.id, john: data.speakers.find((s) => s.name === 'John Smith')!.id, docs };
}

const speakerData = async (store: Corpus): Promise<SpeakerData> => (await speakerStoreOf(store)).read();

/** Each document's label as [speakerId, speaker], and the number of events of `kind` on it. */
async function labelsOf(store: Corpus, ids: string[], kind: string): Promise<Array<[string | undefined, string | undefined, number]>> {
  const out: Array<[string | undefined, string | undefined, number]> = [];
  for (const id of ids) {
    const doc = (await store.getDocument(id))!;
    out.push([doc.labels[0].speakerId, doc.labels[0].speaker, doc.events.filter((e) => e.kind === kind).length]);
  }
  return out;
}

describe.each(backends)('speaker undo, split and rename on %s, journaled', (_name, open) => {
  let b: Backend;
  beforeEach(async () => {
    b = await open();
  }, 120_000);
  afterEach(() => b.close());

  /** While the walk is under way (before the failing write), whether another server could lock the speakers row. */
  function probeLock(): { before: () => Promise<void>; seen: () => string | null | undefined } {
    let seen: string | null | undefined;
    return {
      before: async () => {
        seen = b.lockSpeakersRow ? await b.lockSpeakersRow() : null;
      },
      seen: () => seen,
    };
  }

  test('when an undo fails at the second document, then the undo is recorded with a journal entry, the speakers row is free meanwhile, and retrying the undo moves the other labels back exactly once', async () => {
    const { jon, john, docs } = await corpusWithSpeakers(b.store);
    const merge = await mergeSpeakers(b.store, jon, john, 'editor');
    expect(await labelsOf(b.store, docs, 'speaker.merged')).toEqual(docs.map(() => [john, 'John Smith', 1]));

    const probe = probeLock();
    await expect(undoMerge(failingWrite(b.store, 2, probe.before), merge.id, 'editor')).rejects.toThrow('the document write failed (test)');
    expect(probe.seen()).toBeNull();
    const half = await speakerData(b.store);
    expect(half.merges[0]).toMatchObject({ id: merge.id, undoneBy: 'editor' });
    expect(half.speakers.find((s) => s.id === jon)!.mergedInto).toBeUndefined();
    expect(half.relabels).toEqual([{ id: expect.any(String), at: expect.any(String), actor: 'editor', kind: 'undo', mergeId: merge.id }]);
    expect(await labelsOf(b.store, docs, 'speaker.merge-undone')).toEqual([[jon, 'Jon Smyth', 1], [john, 'John Smith', 0], [john, 'John Smith', 0]]);

    const retried = await undoMerge(b.store, merge.id, 'editor');
    expect(retried).toMatchObject({ id: merge.id, undoneBy: 'editor' });
    expect(await labelsOf(b.store, docs, 'speaker.merge-undone')).toEqual(docs.map(() => [jon, 'Jon Smyth', 1]));
    expect((await speakerData(b.store)).relabels).toBeUndefined();
  });

  test('when a split fails at the second document, then the new speaker is recorded with a journal entry, and the next operation (another speaker edit) moves the other labels to it', async () => {
    const { jon, john, docs } = await corpusWithSpeakers(b.store);
    await mergeSpeakers(b.store, jon, john, 'editor');

    const probe = probeLock();
    await expect(splitSpeaker(failingWrite(b.store, 2, probe.before), john, 'Jon Smyth', 'editor')).rejects.toThrow('the document write failed (test)');
    expect(probe.seen()).toBeNull();
    const half = await speakerData(b.store);
    const created = half.speakers.find((s) => s.name === 'Jon Smyth' && s.id !== jon)!;
    expect(half.speakers.find((s) => s.id === john)!.aliases).not.toContain('Jon Smyth');
    expect(half.relabels).toEqual([{ id: expect.any(String), at: expect.any(String), actor: 'editor', kind: 'split', from: john, alias: 'Jon Smyth', to: created.id }]);
    expect((await labelsOf(b.store, docs, 'speaker.split')).map(([id, , n]) => [id, n])).toEqual([[created.id, 1], [john, 0], [john, 0]]);

    await editSpeaker(b.store, john, { role: 'Mayor of Springfield' }, 'someone else');
    expect(await labelsOf(b.store, docs, 'speaker.split')).toEqual(docs.map(() => [created.id, 'Jon Smyth', 1]));
    const after = await speakerData(b.store);
    expect(after.relabels).toBeUndefined();
    expect(after.speakers.find((s) => s.id === john)!.role).toBe('Mayor of Springfield');
  });

  test('when a rename fails at the second document, then the new name is recorded with a journal entry, and retrying the rename relabels the other labels exactly once', async () => {
    const { jon, docs } = await corpusWithSpeakers(b.store);

    const probe = probeLock();
    await expect(editSpeaker(failingWrite(b.store, 2, probe.before), jon, { name: 'Jonathan Smyth' }, 'editor')).rejects.toThrow('the document write failed (test)');
    expect(probe.seen()).toBeNull();
    const half = await speakerData(b.store);
    expect(half.speakers.find((s) => s.id === jon)).toMatchObject({ name: 'Jonathan Smyth', aliases: ['Jon Smyth', 'Jonathan Smyth'] });
    expect(half.relabels).toEqual([{ id: expect.any(String), at: expect.any(String), actor: 'editor', kind: 'rename', speakerId: jon }]);
    expect(await labelsOf(b.store, docs, 'speaker.renamed')).toEqual([[jon, 'Jonathan Smyth', 1], [jon, 'Jon Smyth', 0], [jon, 'Jon Smyth', 0]]);

    const retried = await editSpeaker(b.store, jon, { name: 'Jonathan Smyth' }, 'editor');
    expect(retried.name).toBe('Jonathan Smyth');
    expect(await labelsOf(b.store, docs, 'speaker.renamed')).toEqual(docs.map(() => [jon, 'Jonathan Smyth', 1]));
    expect((await speakerData(b.store)).relabels).toBeUndefined();
  });
});

// Two app servers (each its own pool, repository and speaker state) on one database: their relabel
// walks take turns (an advisory lock, not the speakers row) and each walk relabels with the speaker
// state as it is when its turn comes, so the labels always end with the names the speakers end with.
describe('speaker relabels of two servers on one PostgreSQL database', () => {
  let url: string;
  let a: Corpus;
  let b: Corpus;
  let closers: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    cluster ??= await startCluster();
    url = cluster.createDatabase(`speaker_journal_${++dbCount}`);
    const sa = await server(url, 'server-a');
    const sb = await server(url, 'server-b');
    a = sa.documents;
    b = sb.documents;
    closers = [() => sa.close(), () => sb.close()];
  }, 120_000);
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** Thirteen documents quoting "Jon Smyth" and one quoting "Mayor John Smith", created and resolved on server A. */
  async function corpus(): Promise<{ jon: string; john: string; docs: string[] }> {
    const docs = Array.from({ length: 13 }, (_, i) => `doc-${String(i + 1).padStart(2, '0')}`);
    for (const id of docs) {
      const doc = pgDoc(id, `Jon Smyth said “we will build it ${id}.”`);
      doc.labels.push({ ...labelOn(doc, `${id}-label`, 9), speaker: 'Jon Smyth' });
      await a.create(doc);
    }
    const other = pgDoc('doc-99', 'Mayor John Smith said “the bridge is coming.”');
    other.labels.push({ ...labelOn(other, 'doc-99-label', 16), speaker: 'Mayor John Smith' });
    await a.create(other);
    await resolveAllSpeakers(a);
    const data = await speakerData(a);
    return { jon: data.speakers.find((s) => s.name === 'Jon Smyth')!.id, john: data.speakers.find((s) => s.name === 'John Smith')!.id, docs };
  }

  /** As a request does first on each server: catch up with what the other one did. */
  async function request<T>(store: Corpus, work: () => Promise<T>): Promise<T> {
    await store.refresh();
    return work();
  }

  /** The speaker's name, as a fresh server reads it, and the names on the labels credited to it that differ from it. */
  async function mismatches(speakerId: string, docs: string[]): Promise<{ name: string; wrong: string[]; journal: unknown }> {
    await a.refresh();
    const data = await speakerData(a);
    const name = data.speakers.find((s) => s.id === speakerId)!.name;
    const wrong: string[] = [];
    for (const id of docs) {
      const label = (await a.getDocument(id))!.labels[0];
      if (label.speakerId === speakerId && label.speaker !== name) wrong.push(`${id}: ${label.speaker}`);
    }
    return { name, wrong, journal: data.relabels };
  }

  test('when two servers rename the same speaker at the same moment, twelve times over, then every label ends with the name the speaker ends with and the journal is empty', async () => {
    const { jon, docs } = await corpus();
    await b.refresh();
    const diverged: string[] = [];
    for (let trial = 1; trial <= 12; trial++) {
      await Promise.all([
        request(a, () => editSpeaker(a, jon, { name: `Jonathan B${trial}` }, 'editor a')),
        request(b, () => editSpeaker(b, jon, { name: `Jonathan C${trial}` }, 'editor b')),
      ]);
      const { name, wrong, journal } = await mismatches(jon, docs);
      expect([`Jonathan B${trial}`, `Jonathan C${trial}`]).toContain(name);
      expect(journal).toBeUndefined();
      if (wrong.length) diverged.push(`trial ${trial}: speaker named "${name}", labels ${wrong.join(', ')}`);
    }
    expect(diverged).toEqual([]);
  }, 120_000);

  test('when server A undoes a merge and server B renames the merge\'s "from" speaker while A is moving the labels back, then every label moved back carries the new name and the journal is empty', async () => {
    const { jon, john, docs } = await corpus();
    const merge = await mergeSpeakers(a, jon, john, 'editor');
    await speakerStoreOf(b);
    await b.refresh();
    const watcher = await sql(url);
    let renaming: Promise<unknown> | undefined;
    // After A's undo has moved the first label back: B renames Jon Smyth (allowed again once the undo
    // is recorded; B's request caught up just before A's undo, so B does not know of its journal
    // entry), and A goes on only once B's rename is done, or is waiting for its turn to relabel.
    const hooked = new Proxy(a, {
      get(target, prop) {
        if (prop === 'update') {
          return async (...args: Parameters<Corpus['update']>) => {
            const out = await target.update(...args);
            if (!renaming) {
              let done = false;
              renaming = editSpeaker(b, jon, { name: 'Jonathan Smyth' }, 'editor b').finally(() => (done = true));
              renaming.catch(() => undefined);
              for (;;) {
                if (done) break;
                const { rows } = await watcher.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
                if (rows[0].n > 0) break;
                await new Promise((r) => setTimeout(r, 20));
              }
            }
            return out;
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
      },
    });
    try {
      await undoMerge(hooked, merge.id, 'editor a');
      await renaming;
    } finally {
      await watcher.end();
    }
    expect(renaming).toBeDefined();
    const { name, wrong, journal } = await mismatches(jon, docs);
    expect(name).toBe('Jonathan Smyth');
    expect(wrong).toEqual([]);
    expect(journal).toBeUndefined();
    for (const id of docs) expect((await a.getDocument(id))!.labels[0]).toMatchObject({ speakerId: jon, speaker: 'Jonathan Smyth' });
  }, 120_000);

  test('when server B last saw a merge pending and A finished and undid it since, then the next operation on B does not merge the labels again', async () => {
    const { jon, john, docs } = await corpus();
    await speakerStoreOf(b);
    await expect(mergeSpeakers(failingWrite(a, 2), jon, john, 'editor a')).rejects.toThrow('the document write failed (test)');
    await b.refresh();
    expect((await speakerData(b)).merges[0].pending).toBe(true);
    const merge = await mergeSpeakers(a, jon, john, 'editor a');
    await undoMerge(a, merge.id, 'editor a');
    // B's request caught up just before A finished the merge: it still lists the merge as pending.
    await editSpeaker(b, john, { role: 'Mayor of Springfield' }, 'editor b');
    await a.refresh();
    for (const id of docs) expect((await a.getDocument(id))!.labels[0]).toMatchObject({ speakerId: jon, speaker: 'Jon Smyth' });
    const data = await speakerData(a);
    expect(data.merges[0]).toMatchObject({ id: merge.id, undoneBy: 'editor a', labels: docs.map((id) => ({ documentId: id, labelId: `${id}-label` })) });
    expect(data.merges[0].pending).toBeUndefined();
    expect(data.speakers.find((s) => s.id === jon)!.mergedInto).toBeUndefined();
    expect(data.speakers.find((s) => s.id === john)!.role).toBe('Mayor of Springfield');
  }, 120_000);
});

// A journal entry this release cannot finish (written by hand, or by a newer release) is a damaged
// speaker state, refused when it is opened with a message saying which entry and why, rather than
// a TypeError from every speaker operation afterwards.
describe('a speaker journal this release cannot finish', () => {
  const jon = { id: 'sp-1', name: 'Jon Smyth', aliases: ['Jon Smyth'], createdAt: NOW };
  const withJournal = (relabels: unknown) => JSON.stringify({ speakers: [jon], merges: [], relabels });

  test.each([
    ['an entry of an unknown kind', [{ id: 'relabel-1', at: NOW, actor: 'editor', kind: 'recolor', speakerId: 'sp-1' }], 'relabels[0] has kind "recolor", which this release cannot finish (it knows undo, split and rename)'],
    ['a split entry without its alias', [{ id: 'relabel-1', at: NOW, actor: 'editor', kind: 'rename', speakerId: 'sp-1' }, { id: 'relabel-2', at: NOW, actor: 'editor', kind: 'split', from: 'sp-1', to: 'sp-2' }], 'relabels[1] (split) has no text "alias"'],
    ['an object instead of a list', { kind: 'rename' }, 'relabels is not a list'],
    ['a string instead of an entry', ['rename'], 'relabels[0] is not an object'],
  ])('when speakers.json in a data folder holds %s in its journal, then opening it is refused naming the problem, a speaker operation says so too, and the file is left as it was', async (_what, relabels, problem) => {
    const dir = await tempDataDir();
    const store = await DocumentStore.open(dir);
    try {
      const file = join(dir, 'speakers.json');
      await writeFile(file, withJournal(relabels));
      const message = `${file} is damaged (${problem}); restore it from a backup or fix it by hand`;
      await expect(SpeakerStore.open(dir)).rejects.toThrow(message);
      await expect(editSpeaker(store, 'sp-1', { name: 'Jonathan Smyth' }, 'editor')).rejects.toThrow(message);
      expect(await readFile(file, 'utf8')).toBe(withJournal(relabels));
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('when the speakers row on PostgreSQL holds an entry of an unknown kind, then opening it is refused naming the row and the entry; written under a running server, the next speaker operation says which entry it cannot finish', async () => {
    cluster ??= await startCluster();
    const url = cluster.createDatabase(`speaker_journal_${++dbCount}`);
    const opened = await server(url, 'speaker-journal');
    const c = await sql(url);
    try {
      const bad = withJournal([{ id: 'relabel-1', at: NOW, actor: 'editor', kind: 'recolor', speakerId: 'sp-1' }]);
      await c.query('INSERT INTO data_files (name, content) VALUES ($1, $2)', ['speakers.json', bad]);
      await expect(SpeakerStore.open(opened.documents.states)).rejects.toThrow(
        'the data_files row "speakers.json" in the database is damaged (relabels[0] has kind "recolor", which this release cannot finish (it knows undo, split and rename))',
      );

      // A running server whose speaker state was fine when opened, changed by hand meanwhile.
      await c.query('UPDATE data_files SET content = $1, version = version + 1 WHERE name = $2', [withJournal([]), 'speakers.json']);
      const other = await server(url, 'speaker-journal-2');
      try {
        await speakerStoreOf(other.documents);
        await c.query('UPDATE data_files SET content = $1, version = version + 1 WHERE name = $2', [bad, 'speakers.json']);
        await other.documents.refresh();
        const err = await editSpeaker(other.documents, 'sp-1', { name: 'Jonathan Smyth' }, 'editor').catch((e: unknown) => e);
        expect(err).not.toBeInstanceOf(TypeError);
        expect((err as Error).message).toBe(
          'the speaker journal holds a relabel this release cannot finish (relabels[0] has kind "recolor", which this release cannot finish (it knows undo, split and rename)); fix speakers.json by hand or restore it from a backup',
        );
        expect((await c.query('SELECT content FROM data_files WHERE name = $1', ['speakers.json'])).rows[0].content).toBe(bad);
      } finally {
        await other.close();
      }
    } finally {
      await c.end();
      await opened.close();
    }
  }, 120_000);
});
