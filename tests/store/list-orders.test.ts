import { rm } from 'node:fs/promises';
import { DocumentStore } from '../../server/store/document-store.js';
import { sortValue } from '../../server/store/list-query.js';
import { SORT_KEYS, type DocumentSummary, type SortKey } from '../../server/store/repository.js';
import type { Label } from '../../server/domain/types.js';
import { prng } from '../helpers/prng.js';
import { tempDataDir } from '../helpers/app.js';
import { makeDoc } from './repository-contract.js';

// The list's orders are sorted once per order and kept in order as documents are created, changed
// and deleted (a change moves its id), instead of being sorted again over the whole corpus after
// every change: at 100,000 documents each of those sorts took 100-300 ms of one request.

const NOW = '2026-01-02T03:04:05.000Z';
const ORDERS = SORT_KEYS.flatMap((sort) => (['asc', 'desc'] as const).map((order) => ({ sort, order })));
const OUTLETS = ['Daily', 'daily', 'Herald', 'Post', undefined];
const TITLES = ['Budget', 'budget', 'Council vote', 'Zoning', 'Árbol', 'apple'];

function labelOn(text: string, n: number, fuzzy = false): Label {
  return {
    id: `l-${n}`, type: 'opinion', start: 0, end: 4, rev: 1, quote: { exact: text.slice(0, 4), prefix: '', suffix: '' },
    annotator: 'tester', createdAt: NOW, updatedAt: NOW, anchor: { state: fuzzy ? 'fuzzy' : 'exact', method: 'created', fromRev: 1 },
  } as Label;
}

/** The ids in the order the list promises: by the sort's value (in `order`), ties by id ascending. */
function expected(summaries: DocumentSummary[], sort: SortKey, order: 'asc' | 'desc'): string[] {
  const dir = order === 'desc' ? -1 : 1;
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return [...summaries].sort((a, b) => dir * cmp(sortValue(a, sort), sortValue(b, sort)) || cmp(a.id, b.id)).map((s) => s.id);
}

describe('list orders kept in order as documents change', () => {
  let dataDir: string;
  let store: DocumentStore;
  const rand = prng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const date = () => (rand() < 0.15 ? undefined : `202${Math.floor(rand() * 3)}-0${1 + Math.floor(rand() * 3)}-1${Math.floor(rand() * 3)}`);
  const newDoc = (id: string) => makeDoc(id, { title: pick(TITLES), outlet: pick(OUTLETS), publishedAt: date() });

  beforeEach(async () => {
    dataDir = await tempDataDir();
    store = await DocumentStore.open(dataDir, { searchIndex: 'lazy' });
    for (let i = 0; i < 80; i++) await store.create(newDoc(`d-${String(i).padStart(3, '0')}`));
  });
  afterEach(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every page of an order, followed by its cursors. */
  async function listed(sort: SortKey, order: 'asc' | 'desc'): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listPage({ sort, order, limit: 7, cursor });
      ids.push(...page.items.map((s) => s.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    return ids;
  }

  async function expectEveryOrderRight(): Promise<void> {
    for (const { sort, order } of ORDERS) expect({ sort, order, ids: await listed(sort, order) }).toEqual({ sort, order, ids: expected(store.summaries(), sort, order) });
  }

  it('when documents are created, retitled, redated, labelled and deleted, then every order lists them as a fresh sort would, and no order is sorted again', async () => {
    await expectEveryOrderRight();
    expect(store.listSorts).toBe(ORDERS.length);
    for (let round = 0; round < 40; round++) {
      const id = pick(store.summaries()).id;
      const what = round % 5;
      if (what === 0) await store.create(newDoc(`n-${round}`));
      else if (what === 1) await store.update(id, (d) => { d.meta.title = pick(TITLES); d.meta.outlet = pick(OUTLETS); });
      else if (what === 2) await store.update(id, (d) => { const at = date(); if (at === undefined) delete d.meta.publishedAt; else d.meta.publishedAt = at; });
      else if (what === 3) await store.update(id, (d) => { d.labels.push(labelOn(d.revisions[0].text, d.labels.length + 1, rand() < 0.4)); });
      else await store.delete(id);
    }
    await expectEveryOrderRight();
    expect(store.listSorts).toBe(ORDERS.length);
  });

  it('when documents change while an order is first being sorted, then that order comes out right', async () => {
    const first = store.listPage({ sort: 'title', limit: 200 });
    const changes = Promise.all([
      store.create(newDoc('late-1')),
      store.update('d-005', (d) => { d.meta.title = 'Aardvark'; }),
      store.delete('d-010'),
      store.create(newDoc('late-2')),
    ]);
    const [page] = await Promise.all([first, changes]);
    expect(page.items.length).toBeGreaterThan(0);
    expect(await listed('title', 'asc')).toEqual(expected(store.summaries(), 'title', 'asc'));
    expect(store.listSorts).toBe(1);
  });

  it('when most documents change while every order is first being sorted, then each order comes out as a fresh sort would', async () => {
    const firsts = ORDERS.map(({ sort, order }) => store.listPage({ sort, order, limit: 5 }));
    const changes: Array<Promise<unknown>> = [];
    for (let i = 0; i < 80; i += 2) {
      const id = `d-${String(i).padStart(3, '0')}`;
      changes.push(i % 10 === 0 ? store.delete(id) : store.update(id, (d) => { d.meta.title = pick(TITLES); d.meta.publishedAt = date() ?? '2020-01-01'; }));
    }
    for (let i = 0; i < 15; i++) changes.push(store.create(newDoc(`late-${i}`)));
    await Promise.all([...firsts, ...changes]);
    await expectEveryOrderRight();
    expect(store.listSorts).toBe(ORDERS.length);
  });
});
