/**
 * The contract every Corpus backend passes (lowdb files, PostgreSQL): the DocumentRepository seam,
 * then the catalogue, trash and statement index snapshot of server/store/corpus.ts.
 * Call `repositoryContract(name, factory)` from a test file of the backend.
 */
import type { DocumentRecord, Label } from '../../server/domain/types.js';
import { createDocument } from '../../server/domain/documents.js';
import type { Corpus, TrashRecord } from '../../server/store/corpus.js';
import { DocumentIdTaken } from '../../server/store/document-store.js';
import { serializeStatementIndex, type StoredStatementIndex } from '../../server/store/index-files.js';
import { TRASH_DAYS } from '../../server/store/trash.js';

export interface ContractSubject {
  repo: Corpus;
  /** The same data opened again (a restart); omit when the backend has no persistence. */
  reopen?: () => Promise<Corpus>;
  /** Overwrites the stored statement index snapshot with `bytes`, behind the backend's back (a damaged file or row). */
  damageStatementIndex: (bytes: string) => Promise<void>;
  cleanup: () => Promise<void>;
}

export type RepositoryFactory = (options: { maxHistoryBytes?: number }) => Promise<ContractSubject>;

const NOW = '2026-01-02T03:04:05.000Z';

export function makeDoc(id: string, meta: { title?: string; outlet?: string; publishedAt?: string; url?: string } = {}, body = `Text of ${id}.`): DocumentRecord {
  return createDocument({ id, body, format: 'text', meta: { title: `Title ${id}`, ...meta }, author: 'tester', now: NOW });
}

function label(doc: DocumentRecord, exact: string, extra: Partial<Label> = {}): Label {
  const text = doc.revisions[doc.revisions.length - 1].text;
  const start = text.indexOf(exact);
  if (start < 0) throw new Error(`"${exact}" is not in ${doc.id}`);
  return {
    id: `l-${doc.labels.length + 1}`, type: 'direct-quote', start, end: start + exact.length, rev: doc.revisions.length,
    quote: { exact, prefix: '', suffix: '' }, annotator: 'tester', createdAt: NOW, updatedAt: NOW,
    anchor: { state: 'exact', method: 'created', fromRev: doc.revisions.length }, ...extra,
  };
}

async function statusOf(promise: Promise<unknown>): Promise<number | string> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return (err as { status?: number }).status ?? (err as Error).message;
  }
}

export function repositoryContract(name: string, factory: RepositoryFactory): void {
  describe(`DocumentRepository contract: ${name}`, () => {
    let subject: ContractSubject;
    let repo: Corpus;
    beforeEach(async () => {
      subject = await factory({});
      repo = subject.repo;
    });
    afterEach(() => subject.cleanup());

    describe('documents', () => {
      it('when a document is created, then getDocument returns an equal copy that can be changed without changing the stored one', async () => {
        const doc = makeDoc('a1', { outlet: 'Wire' });
        await repo.create(structuredClone(doc));
        const got = await repo.getDocument('a1');
        expect(got).toEqual(doc);
        got!.meta.title = 'changed';
        got!.revisions[0].text = 'changed';
        expect(await repo.getDocument('a1')).toEqual(doc);
      });

      it('when an id is unknown, then getDocument gives null and update gives null', async () => {
        expect(await repo.getDocument('nope')).toBeNull();
        expect(await repo.update('nope', () => 1)).toBeNull();
      });

      it('when an id is taken, then create refuses and the first document stays as it was', async () => {
        await repo.create(makeDoc('a1'));
        await expect(repo.create(makeDoc('a1', { title: 'Other' }))).rejects.toThrow(/already exists/);
        expect((await repo.getDocument('a1'))!.meta.title).toBe('Title a1');
      });

      it('when an update runs, then it returns the mutator result and the new document, and later reads see it', async () => {
        await repo.create(makeDoc('a1'));
        const out = await repo.update('a1', (d) => {
          d.meta.title = 'New title';
          return 42;
        });
        expect(out!.result).toBe(42);
        expect(out!.doc.meta.title).toBe('New title');
        expect((await repo.getDocument('a1'))!.meta.title).toBe('New title');
        expect((await repo.listPage({ sort: 'title' })).items.map((s) => s.title)).toEqual(['New title']);
      });

      it('when a mutator throws, then the document is unchanged', async () => {
        await repo.create(makeDoc('a1'));
        const before = await repo.getDocument('a1');
        await expect(repo.update('a1', (d) => {
          d.meta.title = 'half done';
          throw new Error('refused');
        })).rejects.toThrow('refused');
        expect(await repo.getDocument('a1')).toEqual(before);
      });

      it('when 50 updates run at once, then every one of them is kept, in order', async () => {
        await repo.create(makeDoc('a1'));
        await Promise.all(Array.from({ length: 50 }, (_, i) => repo.update('a1', (d) => {
          d.events.push({ at: NOW, actor: 'tester', kind: `k${i}` });
        })));
        const kinds = (await repo.getDocument('a1'))!.events.map((e) => e.kind).slice(1);
        expect(kinds).toEqual(Array.from({ length: 50 }, (_, i) => `k${i}`));
      });

      it('when a document is deleted, then it is returned once and is gone from reads, lists, search and URL lookups', async () => {
        await repo.create(makeDoc('a1', { url: 'https://example.org/a' }, 'Zebras crossed the river.'));
        await repo.create(makeDoc('a2'));
        expect((await repo.delete('a1'))!.id).toBe('a1');
        expect(await repo.delete('a1')).toBeNull();
        expect(await repo.getDocument('a1')).toBeNull();
        expect((await repo.listPage()).items.map((s) => s.id)).toEqual(['a2']);
        expect((await repo.search('zebras')).items).toEqual([]);
        expect(await repo.findByUrl('https://example.org/a')).toEqual([]);
      });

      it('when a change is made, then the generation goes up and change listeners hear the id', async () => {
        const heard: string[] = [];
        const stop = repo.onChange((id) => heard.push(id));
        const g0 = repo.generation;
        await repo.create(makeDoc('a1'));
        await repo.update('a1', () => undefined);
        stop();
        await repo.update('a1', () => undefined);
        expect(repo.generation).toBeGreaterThanOrEqual(g0 + 3);
        expect(heard).toEqual(['a1', 'a1']);
      });

      it('when a document is deleted or moved to the trash, then listeners hear its id once it is out of the catalogue and the lists', async () => {
        await repo.create(makeDoc('gone-1'));
        await repo.create(makeDoc('gone-2'));
        await repo.create(makeDoc('kept'));
        const seen: Array<[string, boolean, unknown, string[]]> = [];
        const stop = repo.onChange((id) => void seen.push([id, repo.has(id), repo.summary(id), repo.summaries().map((s) => s.id).sort()]));
        try {
          await repo.delete('gone-1');
          await repo.moveToTrash('gone-2', { id: 'gone-2', title: 'Title gone-2', deletedAt: '2026-01-02T03:04:05.000Z', deletedBy: 'tester' });
          expect(seen).toEqual([
            ['gone-1', false, null, ['gone-2', 'kept']],
            ['gone-2', false, null, ['kept']],
          ]);
          expect((await repo.listPage()).items.map((s) => s.id)).toEqual(['kept']);
        } finally {
          stop();
        }
      });
    });

    describe('listing', () => {
      beforeEach(async () => {
        await repo.create(makeDoc('d1', { title: 'Bravo', outlet: 'Wire', publishedAt: '2024-03-01' }));
        await repo.create(makeDoc('d2', { title: 'alpha', outlet: 'Post', publishedAt: '2024-01-15' }));
        await repo.create(makeDoc('d3', { title: 'Charlie', outlet: 'Wire', publishedAt: '2023-12-31' }, 'He said “yes” twice.'));
        await repo.create(makeDoc('d4', { title: 'Delta', outlet: 'Times' }));
        await repo.update('d3', (d) => {
          d.labels.push(label(d, 'yes', { speaker: 'Ann' }));
          d.labels.push(label(d, 'twice', { id: 'l-2', anchor: { state: 'fuzzy', method: 'quote', fromRev: 1 } }));
        });
      });

      it('when no sort is given, then documents come newest first, undated last, with their summaries', async () => {
        const page = await repo.listPage();
        expect(page.items.map((s) => s.id)).toEqual(['d1', 'd2', 'd3', 'd4']);
        expect(page.total).toBe(4);
        expect(page.next).toBeNull();
        expect(page.items[2]).toMatchObject({ id: 'd3', title: 'Charlie', outlet: 'Wire', publishedAt: '2023-12-31', rev: 1, labelCount: 2, reviewCount: 1, status: 'needs-review', speakers: ['Ann'] });
      });

      it.each([
        [{ sort: 'title' as const }, ['d2', 'd1', 'd3', 'd4']],
        [{ sort: 'title' as const, order: 'desc' as const }, ['d4', 'd3', 'd1', 'd2']],
        [{ sort: 'outlet' as const }, ['d2', 'd4', 'd1', 'd3']],
        [{ sort: 'labels' as const }, ['d3', 'd1', 'd2', 'd4']],
        [{ sort: 'status' as const }, ['d1', 'd2', 'd4', 'd3']],
        [{ outlet: 'Wire' }, ['d1', 'd3']],
        [{ from: '2024-01-01' }, ['d1', 'd2']],
        [{ to: '2024-01-15' }, ['d2', 'd3']],
        [{ status: 'needs-review' as const }, ['d3']],
      ])('when listed with %j, then the ids are %j', async (query, ids) => {
        expect((await repo.listPage(query)).items.map((s) => s.id)).toEqual(ids);
      });

      it('when pages of 3 are followed by their cursors, then every document comes exactly once, in order, and the last page has no next', async () => {
        for (let i = 5; i <= 12; i++) await repo.create(makeDoc(`d${i}`, { title: `T${String(i).padStart(2, '0')}` }));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await repo.listPage({ sort: 'title', limit: 3, cursor });
          expect(page.total).toBe(12);
          seen.push(...page.items.map((s) => s.id));
          cursor = page.next ?? undefined;
          pages++;
        } while (cursor);
        expect(pages).toBe(4);
        expect(seen).toEqual(['d2', 'd1', 'd3', 'd4', ...Array.from({ length: 8 }, (_, i) => `d${i + 5}`)]);
      });

      it('when a document is added between two pages, then the next page neither repeats nor skips the ones already ordered', async () => {
        const first = await repo.listPage({ sort: 'title', limit: 2 });
        await repo.create(makeDoc('d0', { title: 'Aaa' }));
        const second = await repo.listPage({ sort: 'title', limit: 2, cursor: first.next! });
        expect([...first.items, ...second.items].map((s) => s.id)).toEqual(['d2', 'd1', 'd3', 'd4']);
      });

      it('when a cursor is altered, used with another sort or filter, or the query is bad, then it is refused with a 400', async () => {
        const { next } = await repo.listPage({ sort: 'title', limit: 1 });
        const flipped = `${next!.slice(0, 5)}${next![5] === 'A' ? 'B' : 'A'}${next!.slice(6)}`;
        expect(await statusOf(repo.listPage({ sort: 'title', limit: 1, cursor: flipped }))).toBe(400);
        expect(await statusOf(repo.listPage({ sort: 'title', limit: 1, cursor: 'garbage' }))).toBe(400);
        expect(await statusOf(repo.listPage({ sort: 'outlet', limit: 1, cursor: next! }))).toBe(400);
        expect(await statusOf(repo.listPage({ sort: 'title', outlet: 'Wire', limit: 1, cursor: next! }))).toBe(400);
        expect(await statusOf(repo.listPage({ sort: 'words' as never }))).toBe(400);
        expect(await statusOf(repo.listPage({ limit: 100_000 }))).toBe(400);
        expect(await statusOf(repo.listPage({ limit: 0 }))).toBe(400);
        expect(await statusOf(repo.listPage({ status: 'done' as never }))).toBe(400);
        expect(await statusOf(repo.listPage({ from: 'yesterday' }))).toBe(400);
      });

      it('when asked by URL or for speakers, then the exact matches and counts come back', async () => {
        await repo.create(makeDoc('u1', { url: 'https://example.org/x' }));
        expect(await repo.findByUrl('https://example.org/x')).toEqual(['u1']);
        expect(await repo.findByUrl('https://example.org/')).toEqual([]);
        expect(await repo.speakerCounts()).toEqual([{ speaker: 'Ann', documents: 1 }]);
      });

      it('when documents share a URL, one changes its URL, one is deleted and the store is reopened, then findByUrl follows every change', async () => {
        const A = 'https://example.org/a';
        const B = 'https://example.org/b';
        await repo.create(makeDoc('v2', { url: A }));
        await repo.create(makeDoc('v1', { url: A }));
        await repo.create(makeDoc('v3', { url: B }));
        expect(await repo.findByUrl(A)).toEqual(['v1', 'v2']);
        await repo.update('v2', (d) => {
          d.meta.url = B;
        });
        expect(await repo.findByUrl(A)).toEqual(['v1']);
        expect(await repo.findByUrl(B)).toEqual(['v2', 'v3']);
        await repo.update('v1', (d) => {
          delete d.meta.url;
        });
        expect(await repo.findByUrl(A)).toEqual([]);
        await repo.delete('v3');
        expect(await repo.findByUrl(B)).toEqual(['v2']);
        // A mutator that throws changes nothing, the URL index included.
        await expect(repo.update('v2', (d) => {
          d.meta.url = A;
          throw new Error('refused');
        })).rejects.toThrow('refused');
        expect(await repo.findByUrl(A)).toEqual([]);
        expect(await repo.findByUrl(B)).toEqual(['v2']);
        if (subject.reopen) {
          const again = await subject.reopen();
          expect(await again.findByUrl(B)).toEqual(['v2']);
          expect(await again.findByUrl(A)).toEqual([]);
        }
      });

      it('when a list is restricted to a set of ids, then only those come, paged, and a cursor of another set is refused', async () => {
        for (const id of ['o1', 'o2', 'o3', 'o4']) await repo.create(makeDoc(id));
        const only = { name: 'set-a', ids: new Set(['o1', 'o3', 'o4', 'gone']) };
        const first = await repo.listPage({ sort: 'title', only, limit: 2 });
        expect(first.items.map((s) => s.id)).toEqual(['o1', 'o3']);
        expect(first.total).toBe(3);
        const second = await repo.listPage({ sort: 'title', only, limit: 2, cursor: first.next! });
        expect(second.items.map((s) => s.id)).toEqual(['o4']);
        expect(second.next).toBeNull();
        expect(await statusOf(repo.listPage({ sort: 'title', only: { name: 'set-b', ids: only.ids }, limit: 2, cursor: first.next! }))).toBe(400);
      });
    });

    describe('search', () => {
      beforeEach(async () => {
        await repo.create(makeDoc('s1', { title: 'Harbour strike ends', outlet: 'Coast Daily' }, 'Dock workers returned on Monday after the harbour strike ended with a pay deal.'));
        await repo.create(makeDoc('s2', { title: 'Budget vote delayed', outlet: 'Capital Post' }, 'The council delayed its budget vote. A strike by bus drivers is planned for June.'));
        await repo.create(makeDoc('s3', { title: 'Weather', outlet: 'Coast Daily' }, 'Rain all week.'));
      });

      it('when a word of the text is searched, then the documents holding it come back with a snippet around it', async () => {
        const page = await repo.search('drivers');
        expect(page.items.map((h) => h.summary.id)).toEqual(['s2']);
        expect(page.items[0].snippet).toContain('strike by bus drivers');
      });

      it('when a title or outlet word is searched, then those documents come back, title matches first', async () => {
        expect((await repo.search('strike')).items.map((h) => h.summary.id)).toEqual(['s1', 's2']);
        expect((await repo.search('coast')).items.map((h) => h.summary.id).sort()).toEqual(['s1', 's3']);
      });

      it('when every word must match, then a document holding only one of them is left out', async () => {
        expect((await repo.search('strike pay')).items.map((h) => h.summary.id)).toEqual(['s1']);
      });

      it('when a document is revised, then search finds its new words and no longer its old ones', async () => {
        await repo.update('s3', (d) => {
          d.revisions.push({ rev: 2, text: 'Snow all week.', createdAt: NOW, author: 'tester', message: 'fix' });
        });
        expect((await repo.search('snow')).items.map((h) => h.summary.id)).toEqual(['s3']);
        expect((await repo.search('rain')).items).toEqual([]);
      });

      it('when results span pages, then the cursor gives the rest, and a tampered one is a 400', async () => {
        const first = await repo.search('coast', { limit: 1 });
        expect(first.total).toBe(2);
        const second = await repo.search('coast', { limit: 1, cursor: first.next! });
        expect(second.next).toBeNull();
        expect([...first.items, ...second.items].map((h) => h.summary.id).sort()).toEqual(['s1', 's3']);
        expect(await statusOf(repo.search('rain', { cursor: first.next! }))).toBe(400);
        expect(await statusOf(repo.search('coast', { limit: 1001 }))).toBe(400);
      });

      it('when the query is blank, then nothing comes back', async () => {
        expect(await repo.search('   ')).toEqual({ items: [], total: 0, next: null });
      });
    });

    describe('history limit', () => {
      it('when a revision would take the history over the limit, then the update is refused with a 413 and nothing changes', async () => {
        const limited = await factory({ maxHistoryBytes: 200_000 });
        try {
          const words = (seed: number) => Array.from({ length: 12_000 }, (_, i) => `w${(i * 7919 + seed * 104729) % 100_003}`).join(' ');
          await limited.repo.create(makeDoc('h1', {}, words(1)));
          let refused: unknown = null;
          let rev = 1;
          for (; rev < 40 && !refused; rev++) {
            try {
              await limited.repo.update('h1', (d) => {
                d.revisions.push({ rev: rev + 1, text: words(rev + 1), createdAt: NOW, author: 'tester', message: `r${rev + 1}` });
              });
            } catch (err) {
              refused = err;
            }
          }
          expect((refused as { status?: number }).status).toBe(413);
          expect((refused as Error).message).toMatch(/revision history, over the limit/);
          const kept = await limited.repo.getDocument('h1');
          expect(kept!.revisions).toHaveLength(rev - 2 + 1);
          expect(kept!.revisions[0].text).toBe(words(1));
          if (limited.reopen) expect((await (await limited.reopen()).getDocument('h1'))!.revisions.map((r) => r.text)).toEqual(kept!.revisions.map((r) => r.text));
        } finally {
          await limited.cleanup();
        }
      });
    });

    describe('persistence', () => {
      it('when the data is opened again, then documents, summaries and search are as they were', async () => {
        if (!subject.reopen) return;
        await repo.create(makeDoc('p1', { title: 'Kept', outlet: 'Wire', publishedAt: '2024-05-05' }, 'A walrus appeared.'));
        await repo.update('p1', (d) => {
          d.revisions.push({ rev: 2, text: 'A walrus appeared at noon.', createdAt: NOW, author: 'tester', message: 'more' });
        });
        const before = await repo.getDocument('p1');
        const again = await subject.reopen();
        expect(await again.getDocument('p1')).toEqual(before);
        expect((await again.listPage()).items.map((s) => [s.id, s.rev, s.outlet])).toEqual([['p1', 2, 'Wire']]);
        expect((await again.search('noon')).items.map((h) => h.summary.id)).toEqual(['p1']);
      });
    });

    describe('catalogue', () => {
      it('when documents are created, updated and deleted, then summary, summaries, has and count follow at once, without a read', async () => {
        expect(repo.count).toBe(0);
        expect(repo.summaries()).toEqual([]);
        await repo.create(makeDoc('c1', { outlet: 'Wire', publishedAt: '2024-02-02', url: 'https://example.org/c1' }, 'Ann said “yes”.'));
        await repo.create(makeDoc('c2'));
        expect(repo.count).toBe(2);
        expect(repo.has('c1')).toBe(true);
        expect(repo.has('nope')).toBe(false);
        expect(repo.summary('nope')).toBeNull();
        expect(repo.summary('c1')).toEqual({
          id: 'c1', title: 'Title c1', outlet: 'Wire', publishedAt: '2024-02-02', url: 'https://example.org/c1',
          rev: 1, labelCount: 0, reviewCount: 0, status: 'unlabelled', speakers: [],
        });
        await repo.update('c1', (d) => {
          d.meta.title = 'Renamed';
          d.labels.push(label(d, 'yes', { speaker: 'Ann', anchor: { state: 'fuzzy', method: 'quote', fromRev: 1 } }));
        });
        expect(repo.summary('c1')).toMatchObject({ title: 'Renamed', labelCount: 1, reviewCount: 1, status: 'needs-review', speakers: ['Ann'] });
        expect(repo.summaries().map((s) => s.id).sort()).toEqual(['c1', 'c2']);
        // summaries() is a fresh array each time.
        repo.summaries().pop();
        expect(repo.count).toBe(2);
        expect(repo.summaries()).toHaveLength(2);
        await repo.delete('c2');
        expect(repo.has('c2')).toBe(false);
        expect(repo.summary('c2')).toBeNull();
        expect(repo.count).toBe(1);
        await repo.refresh();
        expect(repo.summaries().map((s) => s.id)).toEqual(['c1']);
        if (subject.reopen) {
          const again = await subject.reopen();
          expect(again.summaries()).toEqual(repo.summaries());
          expect(again.count).toBe(1);
        }
      });

      it('when an update is refused, then the summary is as it was', async () => {
        await repo.create(makeDoc('c1'));
        const before = repo.summary('c1');
        await expect(repo.update('c1', (d) => {
          d.meta.title = 'half done';
          throw new Error('refused');
        })).rejects.toThrow('refused');
        expect(repo.summary('c1')).toEqual(before);
      });
    });

    describe('trash', () => {
      const day = 24 * 60 * 60 * 1000;
      const NOW_MS = Date.parse('2026-03-01T12:00:00.000Z');
      const record = (id: string, daysAgo: number, title = `Title ${id}`): TrashRecord => ({
        id, title, deletedAt: new Date(NOW_MS - daysAgo * day).toISOString(), deletedBy: 'editor-1',
      });

      it('when a document is moved to the trash and restored, then it comes back identical, and the trash, catalogue, reads and lists follow each step', async () => {
        const doc = makeDoc('t1', { outlet: 'Wire', url: 'https://example.org/t1' }, 'A long walrus text.');
        await repo.create(structuredClone(doc));
        await repo.update('t1', (d) => {
          d.labels.push(label(d, 'walrus', { speaker: 'Ann' }));
          d.revisions.push({ rev: 2, text: 'A longer walrus text.', createdAt: NOW, author: 'tester', message: 'more' });
        });
        const before = await repo.getDocument('t1');
        const heard: string[] = [];
        const stop = repo.onChange((id) => heard.push(id));
        const g0 = repo.generation;

        const moved = await repo.moveToTrash('t1', record('t1', 0));
        expect(moved).toEqual(before);
        expect(await repo.getDocument('t1')).toBeNull();
        expect(repo.has('t1')).toBe(false);
        expect(repo.count).toBe(0);
        expect((await repo.listPage()).total).toBe(0);
        expect((await repo.search('walrus')).items).toEqual([]);
        expect(await repo.findByUrl('https://example.org/t1')).toEqual([]);
        expect(await repo.trash.has('t1')).toBe(true);
        expect(await repo.trash.list()).toEqual([record('t1', 0)]);
        expect(await repo.moveToTrash('t1', record('t1', 0))).toBeNull();

        const restored = await repo.restoreFromTrash('t1');
        expect(restored).toEqual(before);
        expect(await repo.getDocument('t1')).toEqual(before);
        expect(repo.summary('t1')).toMatchObject({ id: 't1', rev: 2, labelCount: 1, speakers: ['Ann'] });
        expect(await repo.trash.has('t1')).toBe(false);
        expect(await repo.trash.list()).toEqual([]);
        expect((await repo.search('longer')).items.map((h) => h.summary.id)).toEqual(['t1']);
        expect(await repo.findByUrl('https://example.org/t1')).toEqual(['t1']);
        stop();
        expect(heard).toEqual(['t1', 't1']);
        expect(repo.generation).toBeGreaterThanOrEqual(g0 + 2);
        await expect(repo.restoreFromTrash('t1')).rejects.toThrow('no document with id "t1" in the trash');
        if (subject.reopen) expect(await (await subject.reopen()).getDocument('t1')).toEqual(before);
      });

      it('when a document with the id of a trashed one exists again, then restoring is refused with DocumentIdTaken and both stay as they were', async () => {
        await repo.create(makeDoc('t1', { title: 'First' }));
        const first = await repo.moveToTrash('t1', record('t1', 1, 'First'));
        await repo.create(makeDoc('t1', { title: 'Second' }));
        const err = await repo.restoreFromTrash('t1').catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DocumentIdTaken);
        expect((err as Error).message).toBe('a document with id "t1" exists already');
        expect((await repo.getDocument('t1'))!.meta.title).toBe('Second');
        expect(repo.summary('t1')!.title).toBe('Second');
        expect(await repo.trash.list()).toEqual([record('t1', 1, 'First')]);
        // Once the new one is trashed in its turn, the trash holds the newest, and it comes back.
        await repo.moveToTrash('t1', record('t1', 0, 'Second'));
        expect(await repo.trash.list()).toEqual([record('t1', 0, 'Second')]);
        expect((await repo.restoreFromTrash('t1')).meta.title).toBe('Second');
        expect(first!.meta.title).toBe('First');
      });

      it(`when the trash is purged, then exactly the documents deleted more than ${TRASH_DAYS} days before are deleted for good, newest listed first`, async () => {
        for (const id of ['old', 'edge', 'new', 'newest']) await repo.create(makeDoc(id));
        await repo.moveToTrash('old', record('old', TRASH_DAYS + 5));
        await repo.moveToTrash('edge', record('edge', TRASH_DAYS - 1));
        await repo.moveToTrash('new', record('new', 2));
        await repo.moveToTrash('newest', record('newest', 0));
        expect((await repo.trash.list()).map((r) => r.id)).toEqual(['newest', 'new', 'edge', 'old']);
        expect(await repo.trash.purge(new Date(NOW_MS))).toEqual(['old']);
        expect((await repo.trash.list()).map((r) => r.id)).toEqual(['newest', 'new', 'edge']);
        expect(await repo.trash.has('old')).toBe(false);
        await expect(repo.restoreFromTrash('old')).rejects.toThrow('no document with id "old" in the trash');
        expect(await repo.trash.remove('new')).toBe(true);
        expect(await repo.trash.remove('new')).toBe(false);
        expect((await repo.trash.empty()).sort()).toEqual(['edge', 'newest']);
        expect(await repo.trash.list()).toEqual([]);
        expect(repo.count).toBe(0);
      });
    });

    describe('statement index snapshot', () => {
      const snapshot: StoredStatementIndex = {
        version: 2,
        words: ['mayor', 'said', 'plan'],
        documents: [
          { id: 'a1', key: 'k-a1', words: Uint32Array.of(0, 1, 2), starts: Uint32Array.of(0, 6, 11), ends: Uint32Array.of(5, 10, 15), passages: [{ kind: 'sentence', start: 0, end: 15 }] },
          { id: 'a2', key: 'k-a2', words: Uint32Array.of(2, 0), starts: Uint32Array.of(4, 9), ends: Uint32Array.of(8, 14), passages: [{ kind: 'label', start: 4, end: 14, labelId: 'l-1' }, { kind: 'quote', start: 9, end: 14 }] },
        ],
        matches: [['a1', 0, 'a2', 0, 0, 3, 0, 2, 1]],
      };

      it('when a snapshot is written, then it reads back equal, and a second write replaces it whole', async () => {
        expect(await repo.statementIndex.read(() => {})).toBeNull();
        await repo.statementIndex.write(snapshot);
        expect(await repo.statementIndex.read()).toEqual(snapshot);
        const next: StoredStatementIndex = { version: 2, words: [], documents: [{ id: 'a3', key: 'k-a3', words: new Uint32Array(0), starts: new Uint32Array(0), ends: new Uint32Array(0), passages: [] }], matches: [] };
        await repo.statementIndex.write(next);
        expect(await repo.statementIndex.read()).toEqual(next);
        if (subject.reopen) expect(await (await subject.reopen()).statementIndex.read()).toEqual(next);
      });

      it.each([
        ['bytes that are not JSON', '{"version": 1, "keys": {', 'is not valid JSON'],
        ['another version', JSON.stringify({ ...snapshot, version: 99 }), 'is not a version 2 statement index'],
        ['a payload changed behind its checksum', serializeStatementIndex(snapshot).replace(/"checksum":"[0-9a-f]+"/, '"checksum":"00000000"'), 'does not match its checksum'],
      ])('when the stored snapshot holds %s, then read gives null and warns once, naming the problem', async (_what, bytes, problem) => {
        await repo.statementIndex.write(snapshot);
        await subject.damageStatementIndex(bytes);
        const warnings: string[] = [];
        expect(await repo.statementIndex.read((m) => warnings.push(m))).toBeNull();
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toContain(problem);
        expect(warnings[0]).toContain('it is rebuilt from the documents');
      });
    });

    describe('refresh and states', () => {
      it('when nothing changed elsewhere, then refresh resolves and changes nothing, and the states say where they are', async () => {
        await repo.create(makeDoc('r1'));
        const g = repo.generation;
        await repo.refresh();
        expect(repo.generation).toBe(g);
        expect(repo.summaries().map((s) => s.id)).toEqual(['r1']);
        expect(typeof repo.states.where).toBe('string');
      });
    });
  });
}
