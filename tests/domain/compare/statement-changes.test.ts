import fc from 'fast-check';
import { clusterChanges } from '../../../server/domain/compare/cluster-changes.js';
import { DocumentList, DOCUMENT_CHUNK, patchSorted } from '../../../server/domain/compare/document-list.js';
import { LabelRenderingIndex } from '../../../server/domain/compare/label-rendering-index.js';
import { labelRenderings } from '../../../server/domain/compare/speakers.js';
import { FilteredClusters, filterClusters } from '../../../server/domain/compare/filters.js';
import type { CorpusDocument, Rendering, StatementCluster } from '../../../server/domain/compare/types.js';

/**
 * What a statement snapshot keeps from one update to the next instead of going through the whole
 * corpus (README "Benchmarks → Scale"): the statements formed and dropped, found in one walk of the
 * two lists; the documents in chunks shared between snapshots; the label renderings of a speaker's
 * page; a page of /compare read only as far as it needs.
 */

/** Statement `n`: `documents` documents, renderings under the given labels (label id, kind). */
function statement(n: number, documents = 2, labels: [string, Rendering['kind'] | 'reference'][] = []): StatementCluster {
  const renderings = labels.map(([id, kind], i) => ({ documentId: `d${i}`, kind: kind === 'reference' ? 'verbatim' : kind, isReference: kind === 'reference', label: { id } }) as unknown as Rendering);
  return { id: `s${n}`, renderings, documentCount: documents, labelledCount: labels.length, speakers: n % 3 ? ['Ana Lopes'] : [], outlets: [], types: [] };
}


describe('statements formed and dropped between two lists', () => {
  test('when an update takes statements out and puts new ones in anywhere, keeping the others in order, then exactly those are found', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), fc.array(fc.nat({ max: 60 }), { maxLength: 20 }), (keep, insertAt) => {
        const before = keep.map((_, i) => statement(i));
        let next = before.filter((_, i) => keep[i]);
        const added = insertAt.map((_, i) => statement(1000 + i));
        for (const [i, at] of insertAt.entries()) next = [...next.slice(0, at), added[i], ...next.slice(at)];
        const held = new Set(before);
        const found = clusterChanges(before, next, (c) => held.has(c));
        expect(found).not.toBeNull();
        expect(new Set(found!.added)).toEqual(new Set(added));
        expect(found!.dropped).toEqual(before.filter((_, i) => !keep[i]));
      }),
    );
  });

  test('when kept statements changed places, then the walk says it cannot tell (null) or still finds exactly the statements formed and dropped', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 2, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 30 }), fc.nat({ max: 5 }), (keep, order, newOnes) => {
        const before = keep.map((_, i) => statement(i));
        const kept = before.filter((_, i) => keep[i]);
        const shuffled = kept.map((c, i) => ({ c, k: order[i] ?? i })).sort((a, b) => a.k - b.k).map((x) => x.c);
        const next = [...shuffled, ...Array.from({ length: newOnes }, (_, i) => statement(500 + i))];
        const held = new Set(before);
        const found = clusterChanges(before, next, (c) => held.has(c));
        if (found === null) return;
        expect(new Set(found.added)).toEqual(new Set(next.filter((c) => !held.has(c))));
        expect(new Set(found.dropped)).toEqual(new Set(before.filter((c) => !next.includes(c))));
      }),
    );
    const [a, b] = [statement(1), statement(2)];
    expect(clusterChanges([a, b], [b, a], () => true)).toBeNull();
  });
});

describe('the documents of a snapshot, in chunks', () => {
  const doc = (id: string, rev: number): CorpusDocument => ({ id, title: id, rev, text: '', labels: [] });
  const idOf = (n: number) => `d${String(n).padStart(5, '0')}`;

  test('when a list is patched again and again, then it equals the sorted array patched the same way, finds each document by id, and the lists made before are unchanged', () => {
    const id = fc.integer({ min: 0, max: 3 * DOCUMENT_CHUNK }).map(idOf);
    fc.assert(
      fc.property(fc.uniqueArray(id, { maxLength: 3 * DOCUMENT_CHUNK }), fc.array(fc.array(fc.tuple(id, fc.boolean()), { maxLength: 40 }), { maxLength: 6 }), (ids, batches) => {
        let flat = [...ids].sort().map((i) => doc(i, 1));
        let list = DocumentList.of(flat);
        const made: [DocumentList, CorpusDocument[]][] = [[list, flat]];
        for (const [b, batch] of batches.entries()) {
          const changes = batch.map(([i, present], n) => ({ id: i, doc: present ? doc(i, 10 * b + n + 2) : null }));
          flat = patchSorted(flat, changes);
          list = list.patched(changes);
          made.push([list, flat]);
        }
        for (const [l, f] of made) {
          expect(l.toArray()).toEqual(f);
          expect(l.length).toBe(f.length);
          for (const d of f) expect(l.get(d.id)).toBe(d);
        }
        expect(list.get('missing')).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  test('when one document of 10,000 changes, then the new list shares every chunk but one with the old (no copy of the whole corpus)', () => {
    const docs = Array.from({ length: 10_000 }, (_, n) => doc(idOf(n), 1));
    const list = DocumentList.of(docs);
    const next = list.patched([{ id: idOf(4321), doc: doc(idOf(4321), 2) }]);
    const chunksOf = (l: DocumentList) => (l as unknown as { chunks: CorpusDocument[][] }).chunks;
    const shared = chunksOf(next).filter((c, i) => c === chunksOf(list)[i]).length;
    expect(chunksOf(next)).toHaveLength(chunksOf(list).length);
    expect(shared).toBe(chunksOf(list).length - 1);
    expect(next.get(idOf(4321))?.rev).toBe(2);
    expect(list.get(idOf(4321))?.rev).toBe(1);
  });
});

describe('label renderings kept up to date statement by statement', () => {
  test('when statements are formed and dropped at random, then every label gives what labelRenderings over the list gives, and the count of statements across documents is right', () => {
    const labelIds = ['l1', 'l2', 'l3', 'l4'];
    const kinds = ['verbatim', 'cut', 'altered', 'reference'] as const;
    const arbStatement = fc.record({ documents: fc.integer({ min: 1, max: 3 }), labels: fc.array(fc.tuple(fc.constantFrom(...labelIds), fc.constantFrom(...kinds)), { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.boolean(), arbStatement, fc.nat()), { maxLength: 8 }), { maxLength: 6 }), (steps) => {
        const index = new LabelRenderingIndex();
        let list: StatementCluster[] = [];
        let n = 0;
        for (const step of steps) {
          let next = list.slice();
          for (const [drop, s, at] of step) {
            if (drop && next.length) next.splice(at % next.length, 1);
            else next.splice(at % (next.length + 1), 0, statement(n++, s.documents, s.labels));
          }
          const changes = clusterChanges(list, next, (c) => index.has(c));
          if (changes) index.apply(changes);
          else index.reset(next);
          list = next;
          const whole = labelRenderings(list);
          for (const id of labelIds) expect(index.get(id, list)).toEqual(whole.get(id));
          expect(index.acrossDocuments).toBe(list.filter((c) => c.documentCount >= 2).length);
        }
      }),
    );
  });
});

describe('a page of statements read only as far as it needs', () => {
  test('when the first page of 2 is asked of 1,000 statements, then 2 are looked at, the count comes from what the index keeps, and the pages equal filterClusters', () => {
    const list = Array.from({ length: 1000 }, (_, i) => statement(i, i < 900 ? 2 : 1));
    const filter = { minDocuments: 2 };
    const view = new FilteredClusters(list, filter, 900);
    expect(view.slice(0, 2)).toEqual(list.slice(0, 2));
    expect((view as unknown as { scanned: number }).scanned).toBe(2);
    expect(view.length).toBe(900);
    expect((view as unknown as { scanned: number }).scanned).toBe(2);
    expect(view.slice(850, 1050)).toEqual(filterClusters(list, filter).slice(850, 1050));
  });

  test('when a filter the index keeps no count for is given, then the length counts every statement that passes and the pages equal filterClusters', () => {
    const list = Array.from({ length: 300 }, (_, i) => statement(i, 1 + (i % 2)));
    const filter = { minDocuments: 1, speaker: 'ana lopes' };
    const view = new FilteredClusters(list, filter);
    const expected = filterClusters(list, filter);
    expect(view.slice(0, 10)).toEqual(expected.slice(0, 10));
    expect(view.length).toBe(expected.length);
    expect(view.slice(190, 400)).toEqual(expected.slice(190, 400));
  });
});
