/**
 * The outlet table and the compare page's outlet list after an import (README "Benchmarks → Scale"):
 * - the outlet table catches up with a published snapshot in slices, with turns of the event loop
 *   between (the first one after a start reads every document's figures: about 3.5 s at 100,000
 *   documents, in one piece before); once a table was asked for, the catch-up starts when an
 *   update is published, not when the next request comes; while an import is being indexed the
 *   table is the last consistent one, row for row; after, it equals the table computed from scratch;
 * - the compare page's outlet list follows documents added, removed or moved to another outlet
 *   without counting every document again, equal to outletList over the snapshot's documents;
 * - the documents of a snapshot after an update equal the documents patched one change at a time.
 */
import fc from 'fast-check';
import { startTestApp } from '../helpers/app.js';
import { createDocument } from '../../server/domain/documents.js';
import { makeLabel } from '../../server/domain/labels.js';
import { CompareService, facetScans, patchSorted, type CompareSnapshot } from '../../server/services/compare.js';
import { OutletIndex, outletCatchUps } from '../../server/services/outlets.js';
import { outletMonths, outletTable } from '../../server/domain/compare/outlet-figures.js';
import { outletList } from '../../server/domain/compare/outlet-stats.js';
import type { CorpusDocument } from '../../server/domain/compare/types.js';
import { QUOTABLE_SENTENCES } from '../helpers/quotable-sentences.js';

const NOW = '2026-01-01T00:00:00.000Z';
const OUTLETS = ['Ledger', 'Courier', 'Herald'];

/** Document `d`: two of the quotable sentences, so statements form across documents. */
const textOf = (d: number) => `${QUOTABLE_SENTENCES[d % QUOTABLE_SENTENCES.length]} ${QUOTABLE_SENTENCES[(d * 7 + 3) % QUOTABLE_SENTENCES.length]}`;
const idOf = (d: number) => `doc-${String(d).padStart(4, '0')}`;
const json = (x: unknown) => JSON.parse(JSON.stringify(x));

describe('outlet figures while the statement index takes in changes', () => {
  let t: Awaited<ReturnType<typeof startTestApp>>;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.cleanup());

  /** Documents `from` to `from + count - 1`, outlets in turn from `outlets`; every third with a quote label crediting a speaker. */
  async function addDocuments(from: number, count: number, outlets = OUTLETS.slice(0, 2)): Promise<void> {
    for (let d = from; d < from + count; d++) {
      const doc = createDocument({ id: idOf(d), body: textOf(d), format: 'text', meta: { title: `Doc ${d}`, outlet: outlets[d % outlets.length], publishedAt: `2025-0${1 + (d % 3)}-10` }, author: 'test', now: NOW });
      if (d % 3 === 0) doc.labels.push(makeLabel(doc, { id: `l-${d}`, type: 'direct-quote', start: 0, end: 30, speaker: 'Ana Lopes', cue: 'said', sourcing: 'named' }, 'test', NOW));
      await t.store.create(doc);
    }
  }

  test('when more documents are imported than an answer waits for, then the outlet table is the last consistent one, row for row, while they are indexed, and once published it is caught up before anyone asks and equals the table computed from scratch', async () => {
    const service = new CompareService(t.store, { waitForUpdateOf: 3 });
    const table = new OutletIndex(service);
    await addDocuments(0, 6);
    await service.snapshot();
    const before = await table.current();
    const rowsBefore = json(before.rows);
    const monthsBefore = json(before.months);
    expect(rowsBefore.map((r: { outlet: string; documents: number }) => [r.outlet, r.documents])).toEqual([
      ['Courier', 3],
      ['Ledger', 3],
    ]);

    await addDocuments(6, 6, OUTLETS);
    const during = await service.answer();
    expect(during.state).toBe('updating');
    const whileUpdating = await table.current();
    expect(whileUpdating.snapshot).toBe(before.snapshot);
    expect(json(whileUpdating.rows)).toEqual(rowsBefore);
    expect(json(whileUpdating.months)).toEqual(monthsBefore);

    const runs = outletCatchUps.runs;
    const published = await service.snapshot();
    // Started by the update being published, not by a request.
    expect(outletCatchUps.runs).toBe(runs + 1);
    const now = await table.current();
    expect(now.snapshot).toBe(published);
    expect(outletCatchUps.runs).toBe(runs + 1);
    expect(now.rows.map((r) => [r.outlet, r.documents])).toEqual([
      ['Courier', 5],
      ['Herald', 2],
      ['Ledger', 5],
    ]);
    const fresh = await new CompareService(t.store).snapshot();
    expect(fresh.clusters.length).toBeGreaterThan(0);
    expect(json(now.rows)).toEqual(json(outletTable(fresh.docs, fresh.clusters)));
    expect(json(now.months)).toEqual(json(outletMonths(fresh.docs, fresh.clusters)));
  });

  test('when the first outlet table is made over many documents, then other work gets turns of the event loop between its slices, and the table equals the one computed from scratch', async () => {
    await addDocuments(0, 150, OUTLETS);
    const service = new CompareService(t.store);
    const table = new OutletIndex(service, { sliceMs: 0 });
    const snap = await service.snapshot();
    const order: string[] = [];
    const made = table.current().then((x) => (order.push('table'), x));
    setImmediate(() => order.push('other request'));
    const result = await made;
    expect(order).toEqual(['other request', 'table']);
    expect(result.snapshot).toBe(snap);
    expect(json(result.rows)).toEqual(json(outletTable(snap.docs, snap.clusters)));
    expect(json(result.months)).toEqual(json(outletMonths(snap.docs, snap.clusters)));
  });

  test('when documents with outlets come, go or change outlet after the compare page\'s outlet list was counted, then the list equals outletList over the snapshot\'s documents, counted again only when the document whose spelling an outlet shows leaves it', async () => {
    await addDocuments(0, 6);
    const service = new CompareService(t.store);
    const exact = (s: CompareSnapshot) => expect(s.outlets()).toEqual(outletList(s.docs));
    const first = await service.snapshot();
    expect(first.outlets()).toEqual([
      { outlet: 'Courier', documents: 3 },
      { outlet: 'Ledger', documents: 3 },
    ]);
    const scans = facetScans.outlets;

    // Imported after: another spelling of Ledger (a later id keeps "Ledger") and a new outlet.
    await t.store.create(createDocument({ id: 'doc-0100', body: textOf(100), format: 'text', meta: { title: 'Late', outlet: 'ledger ' }, author: 'test', now: NOW }));
    await t.store.create(createDocument({ id: 'doc-0101', body: textOf(101), format: 'text', meta: { title: 'New', outlet: 'Herald' }, author: 'test', now: NOW }));
    const second = await service.snapshot();
    expect(second.outlets()).toEqual([
      { outlet: 'Courier', documents: 3 },
      { outlet: 'Herald', documents: 1 },
      { outlet: 'Ledger', documents: 4 },
    ]);
    exact(second);
    // An earlier id with yet another spelling: the list shows it, as a count over the documents does.
    await t.store.create(createDocument({ id: 'a-first', body: textOf(102), format: 'text', meta: { title: 'First', outlet: 'LEDGER' }, author: 'test', now: NOW }));
    const third = await service.snapshot();
    expect(third.outlets().find((o) => o.documents === 5)?.outlet).toBe('LEDGER');
    exact(third);
    // A document moved from Courier to Herald (the first of neither).
    await t.store.update(idOf(3), (d) => {
      d.meta.outlet = 'Herald';
    });
    const fourth = await service.snapshot();
    expect(fourth.outlets()).toEqual([
      { outlet: 'Courier', documents: 2 },
      { outlet: 'Herald', documents: 2 },
      { outlet: 'LEDGER', documents: 5 },
    ]);
    exact(fourth);
    expect(facetScans.outlets).toBe(scans);

    // The document whose spelling Ledger shows leaves: counted again.
    await t.store.delete('a-first');
    const fifth = await service.snapshot();
    expect(fifth.outlets()).toEqual([
      { outlet: 'Courier', documents: 2 },
      { outlet: 'Herald', documents: 2 },
      { outlet: 'Ledger', documents: 4 },
    ]);
    exact(fifth);
    expect(facetScans.outlets).toBe(scans + 1);
  });

  test('when a snapshot\'s documents are patched with a batch of changes, then they equal the documents changed one at a time, sorted by id', () => {
    const doc = (id: string, rev: number): CorpusDocument => ({ id, title: id, rev, text: '', labels: [] });
    const id = fc.integer({ min: 0, max: 40 }).map((n) => `d${String(n).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.uniqueArray(id), fc.array(fc.tuple(id, fc.boolean()), { maxLength: 30 }), (ids, changes) => {
        const docs = [...ids].sort().map((i) => doc(i, 1));
        const batch = changes.map(([i, present], n) => ({ id: i, doc: present ? doc(i, n + 2) : null }));
        const expected = new Map(docs.map((d) => [d.id, d]));
        for (const c of batch) {
          if (c.doc) expected.set(c.id, c.doc);
          else expected.delete(c.id);
        }
        const patched = patchSorted(docs, batch);
        expect(patched).toEqual([...expected.values()].sort((a, b) => (a.id < b.id ? -1 : 1)));
        expect(docs.map((d) => d.id)).toEqual([...ids].sort());
      }),
    );
  });
});
