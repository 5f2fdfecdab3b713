/**
 * The contract every DocumentRepository backend passes (lowdb files today, PostgreSQL next):
 * call `repositoryContract(name, factory)` from a test file of the backend.
 */
import type { DocumentRecord, Label } from '../../server/domain/types.js';
import { createDocument } from '../../server/domain/documents.js';
import type { DocumentRepository } from '../../server/store/repository.js';

export interface ContractSubject {
  repo: DocumentRepository;
  /** The same data opened again (a restart); omit when the backend has no persistence. */
  reopen?: () => Promise<DocumentRepository>;
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
    let repo: DocumentRepository;
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
  });
}
