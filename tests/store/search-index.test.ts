import MiniSearch from 'minisearch';
import { SearchIndex, VIEW_BYTES_PER_DOCUMENT, matchedTerms, snippetOf } from '../../server/store/search-index.js';
import { parseSearchIndex, writeSearchIndex } from '../../server/store/search-index-file.js';
import type { DocumentRecord } from '../../server/domain/types.js';
import { prng } from '../helpers/prng.js';
import { tempDataDir } from '../helpers/app.js';
import { readFile, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';

// The search index of our own, on its own: answers (ids, order, scores) against minisearch
// configured as the store used it before, updates, compaction, pages and the stored form.

const doc = (id: string, title: string, text: string, outlet = '', rev = 1): DocumentRecord =>
  ({ id, meta: { title, outlet }, labels: [], events: [], revisions: [{ rev, createdAt: `2026-01-0${rev}T00:00:00.000Z`, text }] }) as unknown as DocumentRecord;

function oracle(docs: DocumentRecord[]): MiniSearch<{ id: string; title: string; outlet: string; text: string }> {
  const mini = new MiniSearch<{ id: string; title: string; outlet: string; text: string }>({
    fields: ['title', 'outlet', 'text'],
    storeFields: [],
    searchOptions: { boost: { title: 3, outlet: 2 }, combineWith: 'AND', prefix: (term) => term.length >= 3 },
  });
  for (const d of docs) mini.add({ id: d.id, title: d.meta.title, outlet: d.meta.outlet ?? '', text: d.revisions[d.revisions.length - 1].text });
  return mini;
}
const byOracle = (mini: ReturnType<typeof oracle>, q: string) =>
  mini
    .search(q)
    .map((r) => ({ id: String(r.id), score: r.score }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/** Same ids in the same order, scores equal up to rounding (sums taken in another order). */
function expectSameHits(q: string, got: Array<{ id: string; score: number }>, expected: Array<{ id: string; score: number }>): void {
  expect({ q, ids: got.map((h) => h.id) }).toEqual({ q, ids: expected.map((h) => h.id) });
  got.forEach((h, i) => expect(Math.abs(h.score - expected[i].score)).toBeLessThanOrEqual(1e-9 * expected[i].score));
}

function randomCorpus(n: number, seed: number): DocumentRecord[] {
  const rand = prng(seed);
  const words = 'harbour harbours harbourmaster strike striking budget vote council minister said the of a and drivers dock pay deal rain snow week monday june élan Über café naïve'.split(' ');
  const pick = () => words[Math.floor(rand() * rand() * words.length)];
  return Array.from({ length: n }, (_, i) => {
    const text = Array.from({ length: 5 + Math.floor(rand() * 60) }, pick).join(rand() < 0.3 ? ', ' : ' ') + '.';
    return doc(`d${String(i).padStart(3, '0')}`, Array.from({ length: 1 + Math.floor(rand() * 5) }, pick).join(' '), text, ['Coast Daily', 'Capital Post', ''][i % 3]);
  });
}

const QUERIES = ['harbour', 'har', 'harbours', 'strike pay', 'the', 'Coast', 'COAST daily', 'said, minister!', 'snow rain', 'élan', 'über', 'caf', 'nothing-here', 'a', 'vote vote', 'dock-workers', 'strike of the week'];

describe('the search index', () => {
  const s1 = doc('s1', 'Harbour strike ends', 'Dock workers returned on Monday after the harbour strike ended with a pay deal.', 'Coast Daily');
  const s2 = doc('s2', 'Budget vote delayed', 'The council delayed its budget vote. A strike by bus drivers is planned for June.', 'Capital Post');
  const s3 = doc('s3', 'Weather', 'Rain all week.', 'Coast Daily');

  it('when known queries are asked, then exactly these documents come back, in this order', () => {
    const index = new SearchIndex();
    for (const d of [s1, s2, s3]) index.put(d);
    const ids = (q: string) => index.search(q).map((h) => h.id);
    expect(ids('strike')).toEqual(['s1', 's2']);
    // Both only by their outlet, the same one: equal scores, so by id.
    expect(ids('coast')).toEqual(['s1', 's3']);
    expect(index.search('coast')[0].score).toBe(index.search('coast')[1].score);
    expect(ids('strike pay')).toEqual(['s1']);
    expect(ids('drivers')).toEqual(['s2']);
    // A word of three characters or more also finds the words it starts; shorter words only themselves.
    expect(ids('harb')).toEqual(['s1']);
    expect(ids('ra')).toEqual([]);
    expect(ids('rai')).toEqual(['s3']);
    expect(ids('  ,;  ')).toEqual([]);
  });

  it('when a random corpus is searched, then ids, order and scores are those minisearch gave', () => {
    const docs = randomCorpus(300, 11);
    const index = new SearchIndex();
    for (const d of docs) index.put(d);
    const mini = oracle(docs);
    for (const q of QUERIES) {
      expectSameHits(q, index.search(q), byOracle(mini, q));
    }
  });

  it('when documents are revised, renamed and removed, then the answers are those of an index made afresh from what is left', () => {
    const docs = randomCorpus(200, 5);
    const index = new SearchIndex();
    for (const d of docs) index.put(d);
    const now = new Map(docs.map((d) => [d.id, d]));
    for (let i = 0; i < 200; i += 3) {
      const d = docs[i];
      if (i % 2) {
        index.remove(d.id);
        now.delete(d.id);
      } else {
        const revised = doc(d.id, `${d.meta.title} renamed`, `snow snow ${d.revisions[0].text}`, d.meta.outlet, 2);
        index.put(revised);
        now.set(d.id, revised);
      }
    }
    const fresh = new SearchIndex();
    for (const d of now.values()) fresh.put(d);
    expect(index.size).toBe(now.size);
    for (const q of [...QUERIES, 'renamed', 'snow']) expectSameHits(q, index.search(q), fresh.search(q));
    index.compact();
    expect(index.storage.deadDocuments).toBe(0);
    for (const q of [...QUERIES, 'renamed', 'snow']) expectSameHits(q, index.search(q), fresh.search(q));
    // And it goes on taking documents after the compaction.
    for (const d of [doc('d001', 'hail', 'hail and snow', 'Capital Post', 3), doc('n1', 'new harbour', 'harbour news')]) {
      index.put(d);
      fresh.put(d);
    }
    for (const q of [...QUERIES, 'hail', 'snow', 'news']) expectSameHits(q, index.search(q), fresh.search(q));
  });

  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('when dead documents pass half the live ones, then the compaction runs a slice per turn and every answer between turns is the one before it', async () => {
    const docs = randomCorpus(1600, 21);
    const index = new SearchIndex();
    index.sliceWork = 2048;
    for (const d of docs) index.put(d);
    let i = 0;
    while (!index.compacting) index.remove(docs[i++].id);
    // 1,000 dead against 600 live: it began, but nothing was rewritten yet.
    expect(i).toBe(1000);
    expect(index.compactionSlices).toBe(0);
    const before = new Map(QUERIES.map((q) => [q, index.search(q)]));
    let turns = 0;
    while (index.compacting) {
      await turn();
      turns++;
      // Exactly the same ids, order and scores while it is under way.
      for (const q of ['harbour', 'har', 'strike pay', 'the']) expect(index.search(q)).toEqual(before.get(q));
    }
    expect(index.compactionSlices).toBeGreaterThan(20);
    expect(turns).toBeGreaterThanOrEqual(index.compactionSlices);
    expect(index.storage.deadDocuments).toBe(0);
    for (const q of QUERIES) expect(index.search(q)).toEqual(before.get(q));
  });

  it('when documents are put, revised and removed between the slices of a compaction, then the answers are those of an index made afresh, during and after it', async () => {
    const docs = randomCorpus(1600, 23);
    const index = new SearchIndex();
    index.sliceWork = 1024;
    for (const d of docs) index.put(d);
    const now = new Map(docs.map((d) => [d.id, d]));
    const dir = await tempDataDir();
    let i = 0;
    while (!index.compacting) {
      index.remove(docs[i].id);
      now.delete(docs[i++].id);
    }
    try {
      let turns = 0;
      let writing: Promise<void> | null = null;
      const extra = randomCorpus(20, 29).map((d) => doc(`x${d.id}`, d.meta.title, `zebra ${d.revisions[0].text}`, d.meta.outlet));
      while (index.compacting) {
        const k = turns++;
        // One change of each kind per turn: a new document, a revision (a new word), a removal, and one added and removed again.
        if (k < extra.length) {
          index.put(extra[k]);
          now.set(extra[k].id, extra[k]);
          const old = docs[1000 + k * 7];
          const revised = doc(old.id, old.meta.title, `${old.revisions[0].text} quokka${k % 3}`, old.meta.outlet, 2);
          index.put(revised);
          now.set(old.id, revised);
          index.remove(docs[1003 + k * 7].id);
          now.delete(docs[1003 + k * 7].id);
          index.put(doc('gone', 'gone', 'zebra gone'));
          index.remove('gone');
        }
        // A copy written meanwhile holds the swap off until it is done.
        if (k === 5) writing = writeSearchIndex(join(dir, 'search.bin'), index);
        if (k % 5 === 0) {
          const fresh = new SearchIndex();
          for (const d of now.values()) fresh.put(d);
          for (const q of ['zebra', 'quokka', 'quokka1', 'harbour', 'strike pay', 'gone']) expectSameHits(q, index.search(q), fresh.search(q));
        }
        await turn();
      }
      expect(turns).toBeGreaterThan(extra.length);
      await writing;
      const fresh = new SearchIndex();
      for (const d of now.values()) fresh.put(d);
      expect(index.size).toBe(now.size);
      for (const q of [...QUERIES, 'zebra', 'quokka', 'quokka2', 'gone']) expectSameHits(q, index.search(q), fresh.search(q));
      // Only the documents removed during the compaction are left dead.
      expect(index.storage.deadDocuments).toBeLessThanOrEqual(3 * extra.length);
      // The copy written during it reads back to the same answers as the index had when it was begun.
      const read = await parseSearchIndex(await readFile(join(dir, 'search.bin')));
      if ('problem' in read) throw new Error(read.problem);
      expect(read.index.size).toBeGreaterThan(500);
      // And the compacted index goes on taking documents, and finds by id those put or revised during it.
      expect([index.has('gone'), index.has(extra[1].id), index.has(docs[1003].id), index.has(docs[1000].id)]).toEqual([false, true, false, true]);
      const last = doc('y1', 'Zebra crossing', 'a zebra crossing at the harbour');
      for (const target of [index, fresh]) {
        target.put(last);
        target.remove(extra[0].id);
        target.put(doc(docs[1000].id, 'walrus', 'walrus only', '', 3));
      }
      for (const q of ['zebra', 'harbour', 'crossing', 'walrus', 'quokka0']) expectSameHits(q, index.search(q), fresh.search(q));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the same document is put again unchanged, then it is not indexed again', () => {
    const index = new SearchIndex();
    index.put(s1);
    index.put(structuredClone(s1));
    expect(index.indexedDocuments).toBe(1);
    index.put(doc('s1', 'Harbour strike ends', 'Other words.', 'Coast Daily', 2));
    expect(index.indexedDocuments).toBe(2);
    expect(index.search('monday')).toEqual([]);
  });

  it('when results are asked a page at a time, then the pages are slices of the whole ranking, ties by id', () => {
    const docs = randomCorpus(250, 3);
    const index = new SearchIndex();
    for (const d of docs) index.put(d);
    for (const q of ['the', 'harbour', 'a']) {
      const all = index.search(q);
      expect(all.length).toBeGreaterThan(40);
      for (const [offset, limit] of [[0, 10], [10, 10], [35, 7], [all.length - 3, 10], [all.length + 5, 10]]) {
        const page = index.searchPage(q, { offset, limit });
        expect(page.total).toBe(all.length);
        expect(page.hits).toEqual(all.slice(offset, offset + limit));
      }
      const ties = all.filter((h, i) => i > 0 && h.score === all[i - 1].score);
      for (const t of ties) expect(all[all.indexOf(t) - 1].id < t.id).toBe(true);
    }
    const evenOnly = index.searchPage('the', { offset: 0, limit: 5, accept: (id) => Number(id.slice(1)) % 2 === 0 });
    expect(evenOnly.total).toBe(index.search('the').filter((h) => Number(h.id.slice(1)) % 2 === 0).length);
    expect(evenOnly.hits).toEqual(index.search('the').filter((h) => Number(h.id.slice(1)) % 2 === 0).slice(0, 5));
  });

  it('when pages are asked of a word in every document, a rare word with a common one, and ties across page boundaries, after removals and revisions, then every page and total are those of minisearch over what is left', () => {
    // Groups of seven identical documents (same score, ordered by id) so ties straddle pages of 5 and 10;
    // "every" is in every document; "rare" in a few; "gone" only in documents removed or revised later,
    // where it is repeated so that their stale postings would rank first if they were still counted.
    const docs: DocumentRecord[] = [];
    for (let g = 0; g < 18; g++) {
      for (let k = 0; k < 7; k++) {
        const id = `t${String(g * 7 + k).padStart(3, '0')}`;
        const extra = g % 6 === 0 ? ' rare' : '';
        docs.push(doc(id, `every group${g}`, `${'every '.repeat(1 + (g % 4))}common words here${extra}${g % 5 === 0 ? ' gone gone gone gone' : ''}`, g % 2 ? 'Coast Daily' : ''));
      }
    }
    const index = new SearchIndex();
    for (const d of docs) index.put(d);
    const now = new Map(docs.map((d) => [d.id, d]));
    // Removed: a whole tie group and single members of others; revised: "gone" taken out, "rare" added.
    for (const d of docs) {
      const i = Number(d.id.slice(1));
      if (i < 7 || i % 11 === 3) {
        index.remove(d.id);
        now.delete(d.id);
      } else if (i % 13 === 5) {
        const revised = doc(d.id, d.meta.title, `every rare ${d.revisions[0].text.replace(/gone/g, 'went')}`, d.meta.outlet, 2);
        index.put(revised);
        now.set(d.id, revised);
      }
    }
    expect(index.storage.deadDocuments).toBeGreaterThan(10);
    const mini = oracle([...now.values()]);
    for (const q of ['every', 'rare every', 'every rare', 'common every', 'gone', 'gone every', 'rare', 'coast every', 'eve', 'group1']) {
      const all = byOracle(mini, q);
      const whole = index.searchPage(q, { offset: 0, limit: 1000 });
      expect({ q, total: whole.total }).toEqual({ q, total: all.length });
      expectSameHits(q, whole.hits, all);
      for (const [offset, limit] of [[0, 5], [5, 5], [0, 10], [10, 10], [3, 7], [20, 1], [Math.max(0, all.length - 2), 5], [all.length, 5]]) {
        const page = index.searchPage(q, { offset, limit });
        expect({ q, offset, total: page.total }).toEqual({ q, offset, total: all.length });
        // A page is exactly that slice of the whole ranking: same ids, same scores to the bit.
        expect(page.hits).toEqual(whole.hits.slice(offset, offset + limit));
      }
    }
    // Ties: whole groups of equal scores, ordered by id, cut by the page boundaries above.
    const every = index.search('every');
    const tiedRuns = every.filter((h, i) => i > 0 && h.score === every[i - 1].score);
    expect(tiedRuns.length).toBeGreaterThan(50);
    for (const t of tiedRuns) expect(every[every.indexOf(t) - 1].id < t.id).toBe(true);
    // Nothing removed comes back, nor a revised document for a word it no longer holds.
    expect(index.search('gone').every((h) => now.has(h.id) && now.get(h.id)!.revisions.at(-1)!.text.includes('gone'))).toBe(true);
    // And with documents left out by `accept`: counted and paged among the others only.
    const odd = (id: string) => Number(id.slice(1)) % 2 === 1;
    const kept = index.search('every').filter((h) => odd(h.id));
    for (const [offset, limit] of [[0, 5], [5, 5], [kept.length - 1, 5]]) {
      const page = index.searchPage('every', { offset, limit, accept: odd });
      expect(page.total).toBe(kept.length);
      expect(page.hits).toEqual(kept.slice(offset, offset + limit));
    }
  });

  it.each([
    ['with room for every view', 32 * 2 ** 20],
    ['with room for four views at a time', 4 * VIEW_BYTES_PER_DOCUMENT * 1024],
  ])('when long lists are looked up in dense views (%s), then answers stay those of minisearch and of an index made afresh, through removals, revisions, appends and a compaction', (_name, budget) => {
    const docs = randomCorpus(400, 41);
    const index = new SearchIndex();
    index.denseFrom = 1;
    index.denseBudget = budget;
    for (const d of docs) index.put(d);
    const queries = [...QUERIES, 'naïve harbour', 'café the', 'drivers harbour said', 'élan über the', 'monday a', 'deal harbour'];
    const mini = oracle(docs);
    for (const q of queries) expectSameHits(q, index.search(q), byOracle(mini, q));
    // The rare-then-common queries were answered from views (one kept at least, whatever the budget).
    expect(index.denseViews.count).toBeGreaterThan(0);
    expect(index.denseViews.bytes).toBeLessThanOrEqual(budget);
    if (budget < 2 ** 20) expect(index.denseViews.count).toBe(4);
    // Changes after the views were made: removals, revisions (new words, old ones gone), new documents.
    const now = new Map(docs.map((d) => [d.id, d]));
    const change = (round: number) => {
      for (let i = round; i < 400; i += 5) {
        const d = now.get(docs[i].id);
        if (!d) continue;
        if (i % 3 === 0) {
          index.remove(d.id);
          now.delete(d.id);
        } else {
          const revised = doc(d.id, d.meta.title, `${i % 2 ? 'harbour ' : ''}${d.revisions.at(-1)!.text.replace(/the|said/g, 'snow')}`, d.meta.outlet, round + 2);
          index.put(revised);
          now.set(d.id, revised);
        }
      }
      for (let k = 0; k < 10; k++) {
        const added = doc(`n${round}-${k}`, 'harbour the', `naïve drivers ${k % 2 ? 'harbour' : 'the'} said deal`, 'Coast Daily');
        index.put(added);
        now.set(added.id, added);
      }
    };
    const fresh = () => {
      const f = new SearchIndex();
      for (const d of now.values()) f.put(d);
      return f;
    };
    for (const round of [0, 1]) {
      change(round);
      const f = fresh();
      for (const q of queries) {
        expectSameHits(q, index.search(q), f.search(q));
        for (const [offset, limit] of [[0, 5], [5, 5]]) expect(index.searchPage(q, { offset, limit })).toEqual({ total: f.search(q).length, hits: index.search(q).slice(offset, offset + limit) });
      }
    }
    const before = new Map(queries.map((q) => [q, index.search(q)]));
    index.compact();
    expect(index.denseViews.count).toBe(0);
    expect(index.denseFrom).toBe(1);
    for (const q of queries) expect(index.search(q)).toEqual(before.get(q));
    expect(index.denseViews.count).toBeGreaterThan(0);
    change(2);
    const f = fresh();
    for (const q of queries) expectSameHits(q, index.search(q), f.search(q));
    expectSameHits('all', [...now.keys()].length ? index.search('naïve harbour') : [], byOracle(oracle([...now.values()]), 'naïve harbour'));
  });

  it('when every query word has a long list, then totals come from the lists\' bits and only the documents that can reach the page are scored, with the same pages, totals and scores to the bit as the lists decoded', () => {
    // "budget" in every title and text; "silva" in every text and in the title of 30 documents only, all
    // alike (tied scores, ordered by id), which pages of 5 and 7 cut through; "every" everywhere.
    const docs: DocumentRecord[] = [];
    for (let i = 0; i < 300; i++) {
      const named = i % 20 === 3 || i % 20 === 11;
      const title = named ? 'Budget talks: Ana Silva speaks' : `Budget talks: ${['Ben Okoro', 'Chen Wei'][i % 2]} speaks`;
      const text = named ? 'every budget plan said silva' : `every budget plan ${'budget '.repeat(i % 4)}said silva ${'silva '.repeat(i % 3)}week ${i % 7}`;
      docs.push(doc(`b${String(i).padStart(3, '0')}`, title, text, i % 3 ? 'Coast Daily' : 'Capital Post'));
    }
    const index = new SearchIndex();
    index.denseFrom = 1;
    const reference = new SearchIndex();
    reference.denseFrom = Number.POSITIVE_INFINITY;
    for (const d of docs) {
      index.put(d);
      reference.put(d);
    }
    const same = (q: string, offset: number, limit: number) => {
      const got = index.searchPage(q, { offset, limit });
      expect({ q, offset, limit, got }).toEqual({ q, offset, limit, got: reference.searchPage(q, { offset, limit }) });
      return got;
    };
    const scored = (run: () => void) => {
      const before = index.boundedScored;
      run();
      return index.boundedScored - before;
    };
    // The first page of "budget silva" scores the 30 documents with silva in the title, not the 300.
    let page: ReturnType<SearchIndex['searchPage']> | null = null;
    expect(scored(() => (page = same('budget silva', 0, 5)))).toBe(30);
    expect(page!.total).toBe(300);
    const titled = same('budget silva', 0, 30).hits;
    expect(titled.map((h) => h.id)).toEqual(docs.filter((d) => d.meta.title.includes('Silva')).map((d) => d.id));
    expect(new Set(titled.map((h) => h.score)).size).toBe(1);
    for (const [offset, limit] of [[0, 1], [5, 5], [6, 2], [7, 7], [28, 5], [29, 2], [0, 20], [295, 10], [300, 5]]) same('budget silva', offset, limit);
    // A page beyond those 30 needs every match scored (the same answer still).
    expect(scored(() => same('silva budget', 40, 5))).toBe(300);
    // A word in every document, alone or with others; words of very different frequencies; prefixes.
    const queries = ['every', 'every silva', 'budget', 'silva every budget', 'speaks silva', 'bud sil', 'capital silva', 'coast budget', 'ana', 'talks every'];
    for (const q of queries) for (const [offset, limit] of [[0, 5], [5, 5], [0, 50], [60, 7]]) same(q, offset, limit);
    const searches = index.boundedSearches;
    expect(searches).toBeGreaterThan(40);
    // After removals (half of one tie group, other documents), revisions and additions.
    for (const d of docs) {
      const i = Number(d.id.slice(1));
      if (i % 40 === 11 || i % 9 === 0) {
        index.remove(d.id);
        reference.remove(d.id);
      } else if (i % 13 === 0) {
        const revised = doc(d.id, 'Budget: Silva again', `silva silva budget ${d.revisions[0].text}`, d.meta.outlet, 2);
        index.put(revised);
        reference.put(revised);
      }
    }
    for (let k = 0; k < 20; k++) {
      const added = doc(`n${k}`, k % 5 ? 'Budget' : 'Silva budget', `every budget silva ${'week '.repeat(k)}`, 'Coast Daily');
      index.put(added);
      reference.put(added);
    }
    for (const q of ['budget silva', ...queries]) for (const [offset, limit] of [[0, 5], [5, 5], [3, 9], [0, 300]]) same(q, offset, limit);
    expect(index.boundedSearches).toBeGreaterThan(searches);
    index.compact();
    for (const q of ['budget silva', 'every']) same(q, 0, 10);
  });

  it('when random corpora are searched with long lists looked up in bounded views, then every page and total is the one of the lists decoded, to the bit', () => {
    const vocab = ['budget', 'budgets', 'silva', 'silvan', 'every', 'week', 'plan', 'harbour', 'coast'];
    const word = fc.constantFrom(...vocab);
    const field = (max: number) => fc.array(word, { maxLength: max }).map((ws) => ws.join(' '));
    const docArb = fc.record({ title: field(4), text: field(12), outlet: fc.constantFrom('', 'Coast Daily', 'Plan Post'), every: fc.boolean() });
    const queryArb = fc.array(fc.constantFrom(...vocab, 'bud', 'sil', 'eve', 'coa'), { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' '));
    let bounded = 0;
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 80 }), fc.array(fc.nat(79), { maxLength: 20 }), fc.array(fc.tuple(queryArb, fc.nat(30), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 8 }), (specs, removed, asks) => {
        const index = new SearchIndex();
        index.denseFrom = 1;
        const reference = new SearchIndex();
        reference.denseFrom = Number.POSITIVE_INFINITY;
        const put = (d: DocumentRecord) => {
          index.put(d);
          reference.put(d);
        };
        specs.forEach((x, i) => put(doc(`r${String(i).padStart(2, '0')}`, x.title, `${x.every ? 'every ' : ''}${x.text}`, x.outlet)));
        const ask = () => {
          for (const [q, offset, limit] of asks) expect({ q, offset, limit, page: index.searchPage(q, { offset, limit }) }).toEqual({ q, offset, limit, page: reference.searchPage(q, { offset, limit }) });
        };
        ask();
        for (const r of removed) {
          index.remove(`r${String(r).padStart(2, '0')}`);
          reference.remove(`r${String(r).padStart(2, '0')}`);
        }
        put(doc('late', 'silva budget', 'every budget week', 'Coast Daily'));
        ask();
        bounded += index.boundedSearches;
      }),
      { numRuns: 300, seed: 29 },
    );
    expect(bounded).toBeGreaterThan(300);
  });

  it('when a snippet is made, then it is centred on the first word the query matched, prefixes included', () => {
    const text = 'We start here. Much later the article about the harbour follows, and then more.';
    const terms = matchedTerms('art harb', { title: 'T', text });
    expect(terms.sort()).toEqual(['article', 'harbour']);
    // "art" inside "start" is not a word the query matched: the snippet is not placed there.
    expect(snippetOf(text, terms, 40)).toBe('…later the article about the harbour…');
  });

  it('when matched words are looked for in the lower-cased text instead of cut word by word, then they are the same words in the same order, whatever the characters', () => {
    // The reference: every word of each field cut as the index cuts it (matchedTerms before it looked
    // for the query words in the lower-cased field).
    const reference = (q: string, fields: { title: string; outlet?: string; text: string }): string[] => {
      const words = (s: string) => s.split(/[\n\r\p{Z}\p{P}]+/u).filter(Boolean).map((w) => w.toLowerCase());
      const wanted = [...new Set(words(q))];
      const found = new Set<string>();
      for (const field of [fields.title, fields.outlet ?? '', fields.text.slice(0, 100_000)]) {
        for (const word of words(field)) if (!found.has(word) && wanted.some((w) => word === w || (w.length >= 3 && word.startsWith(w)))) found.add(word);
      }
      return [...found];
    };
    // Pieces where lower-casing the whole text and each word may part: capital sigma (final or not by
    // what follows, apostrophes and periods included), U+0130 (longer in lower case), other scripts,
    // a surrogate pair with a case, punctuation outside ASCII, tab (not a separator), symbols.
    const pieces = ['the', 'The', 'THE', 'harbour', 'Harbourmaster', 'harb', 'ha', ' ', '  ', '\n', '\r\n', '\t', '.', "'", '’', '“', '”', '—', '-', '$', '+', '|', '~', 'ΑΣ', 'Σ', 'ς', 'σ', 'ΟΔΟΣ', 'İstanbul', 'i̇', 'Über', 'über', 'ÉLAN', 'élan', '𐐀𐐨', '𐐨', '\u00a0', '\u2028', '\u3000', '、', 'ǅ', 'ß', 'ẞ', 'Ⅻ', 'ⓐⒶ', '\u{10100}', 'x', 'zq12x'];
    const text = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((xs) => xs.join(''));
    const query = fc.array(fc.constantFrom('the', 'harb', 'harbour', 'ha', 'σ', 'ς', 'ος', 'ΟΔΟΣ', 'i̇stanbul', 'istanbul', 'über', 'élan', '𐐨', 'ǆ', 'ß', 'ⓐⓐ', 'x', 'zq12x', 'Über', 'ΑΣ'), { minLength: 1, maxLength: 3 }).map((xs) => xs.join(' '));
    fc.assert(
      fc.property(query, text, text, fc.oneof(text, fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 })), (q, title, outlet, body) => {
        expect(matchedTerms(q, { title, outlet, text: body })).toEqual(reference(q, { title, outlet, text: body }));
      }),
      { numRuns: 3000, seed: 13 },
    );
    // A word across the indexed end (100,000 characters) is matched as cut there, in both.
    const long = `${'a '.repeat(49_996)}harbourmaster`;
    expect(matchedTerms('harbour', { title: '', text: long })).toEqual(['harbourm']);
    expect(matchedTerms('harbour', { title: '', text: long })).toEqual(reference('harbour', { title: '', text: long }));
    expect(matchedTerms('the ΟΔΟΣ harb', { title: 'Harbour: ΟΔΟΣ', outlet: 'The Times', text: 'the harbourmaster, the harbour' })).toEqual(['harbour', 'οδος', 'the', 'harbourmaster']);
  });

  it('when the index is stored and read back, then it answers the same and keeps taking documents', async () => {
    const dir = await tempDataDir();
    try {
      const docs = randomCorpus(120, 9);
      const index = new SearchIndex();
      for (const d of docs) index.put(d);
      index.remove('d004');
      await writeSearchIndex(join(dir, 'search.bin'), index);
      const read = await parseSearchIndex(await readFile(join(dir, 'search.bin')));
      if ('problem' in read) throw new Error(read.problem);
      for (const q of QUERIES) expectSameHits(q, read.index.search(q), index.search(q));
      const extra = doc('z1', 'Zebra harbour', 'zebras at the harbour');
      read.index.put(extra);
      index.put(extra);
      read.index.put(doc('d007', 'moved', 'elsewhere entirely', '', 2));
      index.put(doc('d007', 'moved', 'elsewhere entirely', '', 2));
      for (const q of [...QUERIES, 'zebra', 'elsewhere']) expectSameHits(q, read.index.search(q), index.search(q));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when documents keep coming while the index is written, then every list in the file is the one of its word as of the write (lists that grow move and their old blocks are reused)', async () => {
    const dir = await tempDataDir();
    try {
      const rand = prng(7);
      const words = Array.from({ length: 600 }, (_, i) => `w${i.toString(36)}q`);
      const text = () => words.filter(() => rand() < 0.01).map((w) => `${w} `.repeat(1 + Math.floor(rand() * 3))).join(' ');
      const index = new SearchIndex();
      for (let i = 0; i < 40; i++) index.put(doc(`d${i}`, `t${i}`, text()));
      const before = new Map(words.map((w) => [w, index.search(w)]));
      // New documents with new words between every turn of the write (its chunk is tiny, so it waits often).
      let stop = false;
      let k = 0;
      let fresh = 0;
      const churn = () => {
        if (stop) return;
        for (let r = 0; r < 5; r++) index.put(doc(`n${k++}`, 'n', `${text()} ${Array.from({ length: 30 }, () => `z${fresh++}`).join(' ')}`));
        setImmediate(churn);
      };
      setImmediate(churn);
      await writeSearchIndex(join(dir, 'search.bin'), index, () => null, 64);
      stop = true;
      expect(k).toBeGreaterThan(100);
      const read = await parseSearchIndex(await readFile(join(dir, 'search.bin')));
      if ('problem' in read) throw new Error(read.problem);
      const stored = new Set(read.index.ids());
      expect(stored.size).toBeGreaterThan(40);
      // The file holds the 40 documents and the new ones its snapshot took (none changes after it is
      // put): each word finds in it what the live index finds among those documents (ids only: the
      // scores depend on how many documents there are). The first 40 are found as before the write.
      for (const w of [...words, ...Array.from({ length: 200 }, (_, i) => `z${i}`)]) {
        const got = read.index.search(w).map((h) => h.id).sort();
        expect({ w, ids: got }).toEqual({ w, ids: index.search(w).map((h) => h.id).filter((id) => stored.has(id)).sort() });
        if (before.has(w)) expect({ w, ids: got.filter((id) => id.startsWith('d')) }).toEqual({ w, ids: before.get(w)!.map((h) => h.id).sort() });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when a large index is written and read, then the work is done a chunk or a block of lines at a time, with turns for other work between, and the copy answers the same', async () => {
    const dir = await tempDataDir();
    try {
      const docs = randomCorpus(3000, 31);
      const index = new SearchIndex();
      for (const d of docs) index.put(d);
      for (let i = 0; i < 3000; i += 9) index.remove(docs[i].id);
      const file = join(dir, 'search.bin');
      // The writer asks for each live document's file stamp as it writes its line: the most asked
      // between two turns of the event loop is the most documents written in one piece.
      let asked = 0;
      let most = 0;
      let writing = true;
      const spin = (async () => {
        let seen = 0;
        while (writing) {
          await turn();
          most = Math.max(most, asked - seen);
          seen = asked;
        }
      })();
      await writeSearchIndex(file, index, (id) => (asked++, { size: id.length, mtimeMs: 7 }), 4096);
      writing = false;
      await spin;
      expect(asked).toBe(2666);
      // A block of lines (64 K characters, about 90 a line) at a time.
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThan(1000);
      const bytes = await readFile(file);
      let pauses = 0;
      const read = await parseSearchIndex(bytes, async () => {
        pauses++;
        await turn();
      });
      if ('problem' in read) throw new Error(read.problem);
      // 2,667 documents of about 90 characters a line: at least four blocks of lines, a turn after each, and the terms.
      expect(pauses).toBeGreaterThanOrEqual(5);
      expect(read.stamps.get('d001')).toEqual([4, 7]);
      expect(read.stamps.has('d000')).toBe(false);
      for (const q of QUERIES) expect(read.index.search(q)).toEqual(index.search(q));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the stored file is of the first version (documents in one JSON header), then it is still read, with the same answers', async () => {
    const docs = randomCorpus(200, 37);
    const index = new SearchIndex();
    for (const d of docs) index.put(d);
    index.remove('d010');
    const snap = index.snapshot();
    const u32 = (...values: number[]) => {
      const b = Buffer.alloc(4 * values.length);
      values.forEach((v, i) => (v < 0 ? b.writeInt32LE(v, 4 * i) : b.writeUInt32LE(v, 4 * i)));
      return b;
    };
    const header = Buffer.from(JSON.stringify({ savedAt: 1, ids: snap.ids, keys: snap.keys, stamps: snap.ids.map((id) => (id ? [3, 4] : null)) }));
    const terms = Buffer.from(snap.terms.join('\n'));
    const parts: Buffer[] = [Buffer.from('FWSEARCH'), u32(1, snap.ids.length, header.length), header, Buffer.from(snap.lens.buffer, snap.lens.byteOffset, 12 * snap.ids.length), u32(snap.terms.length, terms.length), terms];
    snap.terms.forEach((_, i) => parts.push(u32(snap.count[i], snap.last[i], snap.used[i]), Buffer.from(index.postingsOf(snap.t[i], snap.used[i]))));
    const body = Buffer.concat(parts);
    const read = await parseSearchIndex(Buffer.concat([body, createHash('sha256').update(body).digest()]));
    if ('problem' in read) throw new Error(read.problem);
    expect(read.stamps.get('d011')).toEqual([3, 4]);
    for (const q of QUERIES) expect(read.index.search(q)).toEqual(index.search(q));
  });

  it.each([
    ['cut short', (b: Buffer) => b.subarray(0, b.length - 10)],
    ['with a flipped byte', (b: Buffer) => Buffer.from(b.map((x, i) => (i === Math.floor(b.length / 2) ? x ^ 1 : x)))],
    ['of another kind', () => Buffer.from('{"version":1}')],
    ['empty', () => Buffer.alloc(0)],
  ])('when the stored bytes are %s, then they are refused with the reason', async (_name, spoil) => {
    const dir = await tempDataDir();
    try {
      const index = new SearchIndex();
      index.put(s1);
      await writeSearchIndex(join(dir, 'search.bin'), index);
      const read = await parseSearchIndex(spoil(await readFile(join(dir, 'search.bin'))));
      expect(read).toEqual({ problem: expect.stringMatching(/checksum|not a search index file/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
