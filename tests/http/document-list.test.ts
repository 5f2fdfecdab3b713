import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDocument } from '../../server/domain/documents.js';
import { ARRAY_CAP } from '../../server/routes/document-list.js';
import { DocumentStore } from '../../server/store/document-store.js';
import { expectDataUntouchedAfterEach, startTestApp, tempDataDir } from '../helpers/app.js';

const NOW = '2026-01-02T03:04:05.000Z';
const doc = (i: number, text = `Body of document ${i}.`) =>
  createDocument({ id: `doc-${String(i).padStart(5, '0')}`, body: text, format: 'text', meta: { title: `Story ${String(i).padStart(5, '0')}`, outlet: i % 2 ? 'Wire' : 'Post', publishedAt: `2024-01-${String((i % 28) + 1).padStart(2, '0')}` }, author: 't', now: NOW });

/** The path and query of a `Link: <…>; rel="next"` header. */
const nextLink = (link: string | undefined) => /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];

describe('GET /api/documents, paginated', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp({ seeds: true });
  });
  afterAll(() => t.cleanup());

  it('when asked with a limit, then pages of that size follow one another through the Link header and cover every document once', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/api/documents?sort=title&limit=2';
    let pages = 0;
    while (url) {
      const res = await t.http.get(url).expect(200);
      expect(res.body.total).toBe(5);
      expect(res.headers['x-total-count']).toBe('5');
      seen.push(...res.body.items.map((d: { title: string }) => d.title));
      url = nextLink(res.headers.link);
      expect(url === undefined).toBe(res.body.next === null);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(new Set(seen).size).toBe(5);
  });

  it('when filtered by outlet, then only that outlet comes, with its status', async () => {
    const all = (await t.http.get('/api/documents').expect(200)).body as Array<{ outlet: string }>;
    const outlet = all.find((d) => d.outlet)!.outlet;
    const res = await t.http.get(`/api/documents?outlet=${encodeURIComponent(outlet)}&limit=10`).expect(200);
    expect(res.body.items.length).toBe(all.filter((d) => d.outlet === outlet).length);
    expect(res.body.items.every((d: { outlet: string; status: string }) => d.outlet === outlet && d.status === 'unlabelled')).toBe(true);
  });

  describe('refusals', () => {
    const guard = expectDataUntouchedAfterEach(() => t);
    void guard;
    it.each([
      ['a tampered cursor', async () => {
        const { next } = (await t.http.get('/api/documents?limit=1').expect(200)).body;
        return `/api/documents?limit=1&cursor=${next.slice(0, -2)}xx`;
      }, 'invalid_cursor', /altered/],
      ['a cursor of another sort', async () => {
        const { next } = (await t.http.get('/api/documents?limit=1').expect(200)).body;
        return `/api/documents?limit=1&sort=title&cursor=${next}`;
      }, 'invalid_cursor', /another sort/],
      ['a page size over the cap', async () => `/api/documents?limit=${ARRAY_CAP + 1}`, 'invalid_query', /from 1 to 1000/],
      ['a page size that is not a number', async () => '/api/documents?limit=ten', 'invalid_query', /whole number/],
      ['an unknown sort key', async () => '/api/documents?sort=words', 'invalid_query', /unknown sort key "words"/],
      ['an unknown status', async () => '/api/documents?status=done', 'invalid_query', /unknown status/],
      ['a malformed date', async () => '/api/documents?from=yesterday', 'invalid_query', /YYYY-MM-DD/],
    ])('when given %s, then the answer is a 400 saying so', async (_name, url, code, message) => {
      const res = await t.http.get(await url()).expect(400);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(message);
    });
  });
});

describe('GET /api/documents without a limit, past the array cap', () => {
  it(`when there are ${ARRAY_CAP + 1} documents, then the array holds ${ARRAY_CAP} and the Link header leads to the last one`, async () => {
    const dataDir = await tempDataDir();
    await mkdir(join(dataDir, 'documents'));
    for (let i = 0; i <= ARRAY_CAP; i++) {
      const d = doc(i);
      await writeFile(join(dataDir, 'documents', `${d.id}.json`), JSON.stringify(d));
    }
    const t = await startTestApp({ dataDir });
    try {
      const res = await t.http.get('/api/documents').expect(200);
      expect(Array.isArray(res.body)).toBe(true);
      expect(res.body).toHaveLength(ARRAY_CAP);
      expect(res.headers['x-total-count']).toBe(String(ARRAY_CAP + 1));
      const rest = await t.http.get(nextLink(res.headers.link)!).expect(200);
      expect(rest.body.items).toHaveLength(1);
      expect(rest.body.next).toBeNull();
      expect(new Set([...res.body.map((d: { id: string }) => d.id), rest.body.items[0].id]).size).toBe(ARRAY_CAP + 1);
    } finally {
      await t.cleanup();
    }
  });
});

describe('the / page', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 1; i <= 60; i++) await t.store.create(doc(i, i === 7 ? 'The lighthouse keeper said the lamp had failed twice.' : `Body of document ${i}.`));
  });
  afterAll(() => t.cleanup());

  it('when opened, then it shows 50 rows and a link to the next page, which shows the other 10', async () => {
    const first = await t.http.get('/?sort=title').expect(200);
    expect(first.text.match(/<tr>\s*<td class="title">/g)).toHaveLength(50);
    const next = /<a rel="next" href="([^"]+)"/.exec(first.text)![1].replace(/&amp;/g, '&');
    const second = await t.http.get(next).expect(200);
    expect(second.text.match(/<tr>\s*<td class="title">/g)).toHaveLength(10);
    expect(second.text).toContain('Story 00060');
    expect(second.text).not.toContain('rel="next"');
  });

  it('when a word of a text is searched, then the document comes with a snippet of its text', async () => {
    const res = await t.http.get('/?q=lighthouse').expect(200);
    expect(res.text).toContain('Story 00007');
    expect(res.text).toContain('<div class="snippet muted">The lighthouse keeper said the lamp had failed twice.</div>');
    expect(res.text).toContain('1 of 60 documents match');
  });

  it('when the cursor is tampered with, then the page answers 400', async () => {
    const res = await t.http.get('/?sort=title&cursor=abc.def').expect(400);
    expect(res.text).toContain('the cursor was altered');
  });
});

describe('GET /api/documents?q=', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 1; i <= 5; i++) await t.store.create(doc(i, `Harbour report ${i}. The harbour master spoke.`));
    await t.store.create(doc(6, 'Nothing about boats.'));
  });
  afterAll(() => t.cleanup());

  it('when a word is searched, then a page of hits with snippets comes back and the Link header leads to the rest', async () => {
    const first = await t.http.get('/api/documents?q=harbour&limit=3').expect(200);
    expect(first.body.total).toBe(5);
    expect(first.body.items).toHaveLength(3);
    expect(first.body.items[0].snippet).toMatch(/^Harbour report \d\. The harbour master spoke\.$/);
    const rest = await t.http.get(nextLink(first.headers.link)!).expect(200);
    expect(rest.body.items).toHaveLength(2);
    expect(rest.body.next).toBeNull();
    expect(new Set([...first.body.items, ...rest.body.items].map((d: { id: string }) => d.id)).size).toBe(5);
  });
});

describe('GET /api/documents?q=, answers exactly', () => {
  // The page's documents are read together and the words a snippet is centred on are looked for in
  // the lower-cased text (server/store/search-index.ts matchedTerms): the answers stay those below,
  // and the same from documents read from disk as from documents in memory.
  let t: Awaited<ReturnType<typeof startTestApp>>;
  const filler = 'Officials met on Monday and the talks went on late into the evening without any agreement. '.repeat(3);
  const texts: Array<[string, string, string]> = [
    ['Harbour budget', 'Post', 'Nothing else here.'],
    ['Quay works', 'Wire', `${filler}Then the harbourmaster said the budget was spent.`],
    ['Costs', 'Post', '“The harbour budget,” Ana Silva said, “is late.”'],
    ['Λιμάνι', 'Wire', 'Η ΟΔΟΣ ΠΡΟΣ ΤΟ harbour: the budget of ΤΟΥ ΛΙΜΑΝΙΟΥΣ.'],
    ['İstanbul', 'Post', 'İstanbul HARBOUR—budgets rise.'],
    ['Boats', 'Wire', 'Nothing about the port at all.'],
    ['Harbours', 'Post', 'The harbours and their budget, again: harbour budget.'],
    ['Doomed', 'Wire', 'A harbour budget story to be deleted.'],
  ];
  beforeAll(async () => {
    t = await startTestApp();
    for (const [i, [title, outlet, text]] of texts.entries()) {
      await t.store.create(createDocument({ id: `doc-${i + 1}`, body: text, format: 'text', meta: { title, outlet }, author: 't', now: NOW }));
    }
  });
  afterAll(() => t.cleanup());
  const ask = async (q: string) => {
    const res = await t.http.get(`/api/documents?q=${encodeURIComponent(q)}&limit=20`).expect(200);
    return { total: res.body.total as number, hits: (res.body.items as Array<{ id: string; score: number; snippet: string }>).map(({ id, score, snippet }) => ({ id, score, snippet })) };
  };

  it('when words are searched, then the hits, their snippets and the total are exact; after a delete the document is gone from both; and a store reading the documents from disk answers the same', async () => {
    const both = await ask('harbour budget');
    expect(both.total).toBe(7);
    expect(Object.fromEntries(both.hits.map((h) => [h.id, h.snippet]))).toEqual({
      'doc-1': 'Nothing else here.',
      'doc-2': '…into the evening without any agreement. Then the harbourmaster said the budget was spent.',
      'doc-3': '“The harbour budget,” Ana Silva said, “is late.”',
      'doc-4': 'Η ΟΔΟΣ ΠΡΟΣ ΤΟ harbour: the budget of ΤΟΥ ΛΙΜΑΝΙΟΥΣ.',
      'doc-5': 'İstanbul HARBOUR—budgets rise.',
      'doc-7': 'The harbours and their budget, again: harbour budget.',
      'doc-8': 'A harbour budget story to be deleted.',
    });
    // Best first (the title match), ties by id.
    expect(both.hits[0].id).toBe('doc-1');
    for (let i = 1; i < both.hits.length; i++) {
      const [a, b] = [both.hits[i - 1], both.hits[i]];
      expect(a.score > b.score || (a.score === b.score && a.id < b.id)).toBe(true);
    }
    const queries = ['harbour budget', 'harb', 'ΟΔΟΣ', 'budget', 'the', 'istanbul', 'port'];
    const before = new Map<string, Awaited<ReturnType<typeof ask>>>();
    for (const q of queries) before.set(q, await ask(q));
    expect(before.get('ΟΔΟΣ')).toEqual({ total: 1, hits: [{ id: 'doc-4', score: expect.any(Number), snippet: 'Η ΟΔΟΣ ΠΡΟΣ ΤΟ harbour: the budget of ΤΟΥ ΛΙΜΑΝΙΟΥΣ.' }] });
    expect(before.get('port')!.hits.map((h) => h.id)).toEqual(['doc-6']);

    await t.http.delete('/api/documents/doc-8').expect(200);
    for (const q of queries) {
      const now = await ask(q);
      const was = before.get(q)!;
      const gone = was.hits.some((h) => h.id === 'doc-8') ? 1 : 0;
      // The same documents and snippets (their order may change: the scores count documents).
      const byId = (hits: typeof now.hits) => hits.map(({ id, snippet }) => ({ id, snippet })).sort((a, b) => (a.id < b.id ? -1 : 1));
      expect({ q, total: now.total, hits: byId(now.hits) }).toEqual({ q, total: was.total - gone, hits: byId(was.hits.filter((h) => h.id !== 'doc-8')) });
    }

    // The same files opened again with no cache: every page's documents are read from disk.
    const cold = await DocumentStore.open(t.dataDir, { readOnly: true, cacheBytes: 1 });
    try {
      for (const q of queries) {
        const fromDisk = await cold.search(q, { limit: 20 });
        expect({ q, total: fromDisk.total, hits: fromDisk.items.map((h) => ({ id: h.summary.id, score: h.score, snippet: h.snippet })) }).toEqual({ q, ...(await ask(q)) });
      }
    } finally {
      await cold.close();
    }
  });
});

describe('GET /api/documents and / filtered by assignee', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  const ids = (n: number[]) => n.map((i) => `doc-${String(i).padStart(5, '0')}`);
  beforeAll(async () => {
    const dataDir = await tempDataDir();
    await mkdir(join(dataDir, 'documents'));
    for (let i = 0; i < 8; i++) {
      const d = doc(i);
      await writeFile(join(dataDir, 'documents', `${d.id}.json`), JSON.stringify(d));
    }
    t = await startTestApp({ dataDir });
    await t.as('ana');
    await t.as('ben');
    // ana: 1, 2, 4, 6, 7; ben: 2, 3.
    await t.team.assign({ 'doc-00001': ['ana'], 'doc-00002': ['ana', 'ben'], 'doc-00003': ['ben'], 'doc-00004': ['ana'], 'doc-00006': ['ana'], 'doc-00007': ['ana'] }, 'admin');
  });
  afterAll(() => t.cleanup());

  it('when filtered by an assignee, then the array holds exactly the documents assigned to them', async () => {
    const res = await t.http.get('/api/documents?assignee=ana&sort=title').expect(200);
    expect(res.body.map((d: { id: string }) => d.id)).toEqual(ids([1, 2, 4, 6, 7]));
    expect(res.headers['x-total-count']).toBe('5');
    const ben = await t.http.get('/api/documents?assignee=ben&sort=title').expect(200);
    expect(ben.body.map((d: { id: string }) => d.id)).toEqual(ids([2, 3]));
  });

  it('when filtered by an assignee, sorted by title descending and paged by 2, then the cursor pages cover their documents once, in order, and keep the filter', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/api/documents?assignee=ana&sort=title&order=desc&limit=2';
    while (url) {
      const res = await t.http.get(url).expect(200);
      expect(res.body.total).toBe(5);
      seen.push(...res.body.items.map((d: { id: string }) => d.id));
      url = nextLink(res.headers.link);
      if (url) expect(url).toContain('assignee=ana');
    }
    expect(seen).toEqual(ids([7, 6, 4, 2, 1]));
  });

  it('when filtered by an assignee and the outlet, then both filters hold', async () => {
    const res = await t.http.get('/api/documents?assignee=ana&outlet=Wire&sort=title').expect(200);
    expect(res.body.map((d: { id: string }) => d.id)).toEqual(ids([1, 7]));
  });

  it('when the / page is filtered by an assignee, then it lists only their documents and says so', async () => {
    const res = await t.http.get('/?assignee=ben').expect(200);
    expect(res.text).toContain('2 of 8 documents are assigned to ben.');
    expect(res.text).toContain('Story 00002');
    expect(res.text).toContain('Story 00003');
    expect(res.text).not.toContain('Story 00001');
  });

  describe('refusals', () => {
    const guard = expectDataUntouchedAfterEach(() => t);
    void guard;
    it('when the assignee is not a user, then the answer is a 400 naming them, on the API and the page', async () => {
      const res = await t.http.get('/api/documents?assignee=nobody').expect(400);
      expect(res.body.error.code).toBe('invalid_query');
      expect(res.body.error.message).toContain('there is no user "nobody"');
      const page = await t.http.get('/?assignee=nobody').expect(400);
      expect(page.text).toContain('nobody');
    });

    it("when a cursor of one assignee's list is used for another's, then the answer is a 400", async () => {
      const { next } = (await t.http.get('/api/documents?assignee=ana&limit=1').expect(200)).body;
      const res = await t.http.get(`/api/documents?assignee=ben&limit=1&cursor=${next}`).expect(400);
      expect(res.body.error.code).toBe('invalid_cursor');
    });
  });
});
