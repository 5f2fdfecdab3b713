import fc from 'fast-check';
import { StatementIndex, type MatchRecord } from '../../../server/domain/compare/statement-index.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';
import type { Label } from '../../../server/domain/types.js';
import type { IndexOptions } from '../../../server/domain/compare/shingle-index.js';
import { QUOTABLE_SENTENCES } from '../../helpers/quotable-sentences.js';

/**
 * An update keeps in place the passages of a document that stay the same (same kind, range, words
 * and label id): a label saved on an unchanged text takes out and puts in only label passages, a
 * revision only the passages it changed. The index is then still exactly a fresh build over the same
 * documents: same matches (named by document and passage position, which a label added before the
 * sentences shifts), same statements, same boilerplate.
 */

const SENTENCES = [...QUOTABLE_SENTENCES, 'The weather was mild.'];

function label(id: string, start: number, end: number, speaker = 'Smith'): Label {
  return { id, type: 'direct-quote', start, end, rev: 1, quote: { exact: '', prefix: '', suffix: '' }, annotator: 't', createdAt: 'x', updatedAt: 'x', anchor: { state: 'exact', method: 'created', fromRev: 1 }, speaker };
}

const doc = (id: string, text: string, labels: Label[] = [], outlet = 'Ledger'): CorpusDocument => ({ id, title: id, outlet, rev: 1, text, labels });
const textOf = (picks: number[]) => picks.map((i) => SENTENCES[i % SENTENCES.length]).join(' ');
/** The UTF-16 range of the k-th sentence of a text made by textOf. */
function sentenceAt(picks: number[], k: number): [number, number] {
  const start = picks.slice(0, k).reduce((n, i) => n + SENTENCES[i % SENTENCES.length].length + 1, 0);
  return [start, start + SENTENCES[picks[k] % SENTENCES.length].length];
}

const sortedMatches = (index: StatementIndex): MatchRecord[] => index.matchRecords().sort((x, y) => (x.join() < y.join() ? -1 : x.join() > y.join() ? 1 : 0));

/** Expects `index` to hold what a fresh index over `docs` holds. */
function expectFresh(index: StatementIndex, docs: Iterable<CorpusDocument>, options?: IndexOptions) {
  const fresh = new StatementIndex(options);
  fresh.update([...docs].sort((a, b) => (a.id < b.id ? -1 : 1)).map((d) => ({ id: d.id, doc: d })));
  expect(sortedMatches(index)).toEqual(sortedMatches(fresh));
  expect(index.clusters()).toEqual(fresh.clusters());
  expect(index.boilerplateSkipped).toBe(fresh.boilerplateSkipped);
  expect(index.passageTotal).toBe(fresh.passageTotal);
}

/** Twelve documents of eight sentences each, every sentence shared with several others. */
function corpus(): Map<string, CorpusDocument> {
  const docs = new Map<string, CorpusDocument>();
  for (let d = 0; d < 12; d++) {
    const id = `d${String(d).padStart(2, '0')}`;
    docs.set(id, doc(id, textOf(Array.from({ length: 8 }, (_, k) => d + k)), [], ['Ledger', 'Courier', 'Post'][d % 3]));
  }
  return docs;
}

function built(docs: Map<string, CorpusDocument>, options?: IndexOptions): StatementIndex {
  const index = new StatementIndex(options);
  index.update([...docs.values()].map((d) => ({ id: d.id, doc: d })));
  index.clusters();
  return index;
}

describe('statement index: passages that stay are kept in place', () => {
  it('when a label is saved on an unchanged text of many sentences, then only the label passage is put in, only its pairs are judged, and the index equals a fresh build', () => {
    const docs = corpus();
    const index = built(docs);
    const d = docs.get('d05')!;
    // A label over the third sentence without its last word: a passage of its own, before every sentence.
    const [start, end] = sentenceAt([5, 6, 7, 8, 9, 10, 11, 12], 2);
    const labelled = { ...d, labels: [label('l1', start, end - 12)] };
    docs.set(d.id, labelled);
    const stats = index.update([{ id: d.id, doc: labelled }]);
    expect(stats.passagesRemoved).toBe(0);
    expect(stats.passagesAdded).toBe(1);
    // The label passage shares shingles with the sentence it is cut from and its copies in the
    // other documents (at most eleven); taking every sentence out and back judged every pair the
    // document's eight sentences make (well over a hundred here).
    expect(stats.pairsJudged).toBeLessThanOrEqual(12);
    expectFresh(index, docs.values());
  });

  it('when a label is removed from an unchanged text, then only its passage is taken out and the index equals a fresh build', () => {
    const docs = corpus();
    const d = docs.get('d03')!;
    const [start, end] = sentenceAt([3, 4, 5, 6, 7, 8, 9, 10], 1);
    docs.set(d.id, { ...d, labels: [label('l1', start, end - 5), label('l2', 0, 40)] });
    const index = built(docs);
    docs.set(d.id, { ...d, labels: [label('l2', 0, 40)] });
    const stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect(stats.passagesRemoved).toBe(1);
    expect(stats.passagesAdded).toBe(0);
    expectFresh(index, docs.values());
  });

  it('when a label is moved to another span of an unchanged text, then one passage leaves and one comes, and the index equals a fresh build', () => {
    const docs = corpus();
    const d = docs.get('d07')!;
    const picks = [7, 8, 9, 10, 11, 12, 13, 14];
    const [s1, e1] = sentenceAt(picks, 2);
    const [s2, e2] = sentenceAt(picks, 5);
    docs.set(d.id, { ...d, labels: [label('l1', s1, e1 - 3)] });
    const index = built(docs);
    docs.set(d.id, { ...d, labels: [label('l1', s2, e2 - 3)] });
    const stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([1, 1]);
    expectFresh(index, docs.values());
  });

  it('when a label over a whole sentence is saved, then the sentence passage gives way to the label passage (same range) and the index equals a fresh build', () => {
    const docs = corpus();
    const index = built(docs);
    const d = docs.get('d02')!;
    const [start, end] = sentenceAt([2, 3, 4, 5, 6, 7, 8, 9], 3);
    docs.set(d.id, { ...d, labels: [label('l1', start, end)] });
    const stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([1, 1]);
    expectFresh(index, docs.values());
    // And back: the label removed, the sentence comes back.
    docs.set(d.id, { ...d, labels: [] });
    expect(index.update([{ id: d.id, doc: docs.get(d.id)! }])).toMatchObject({ passagesRemoved: 1, passagesAdded: 1 });
    expectFresh(index, docs.values());
  });

  it('when a label is replaced by one over the same span with another id and speaker, then its statement shows the new label, as a fresh build does', () => {
    const docs = corpus();
    const d = docs.get('d04')!;
    const [start, end] = sentenceAt([4, 5, 6, 7, 8, 9, 10, 11], 0);
    docs.set(d.id, { ...d, labels: [label('old-id', start, end, 'Smith')] });
    const index = built(docs);
    docs.set(d.id, { ...d, labels: [label('new-id', start, end, 'Mayor')] });
    const stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([1, 1]);
    const labelIds = index.clusters().flatMap((c) => c.renderings.filter((r) => r.documentId === d.id && r.label).map((r) => r.label!.id));
    expect(labelIds).toEqual(['new-id']);
    expectFresh(index, docs.values());
    // A record taken before the change still names the old label (records do not change after).
    const record = index.documentRecord(d.id)!;
    docs.set(d.id, { ...d, labels: [label('third-id', start, end, 'Smith')] });
    index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect(record.passages.filter((p) => p.kind === 'label').map((p) => p.labelId)).toEqual(['new-id']);
    expectFresh(index, docs.values());
  });

  it('when labels are added before the sentences of a document, then its kept sentences move to their new positions and the stored matches name them there', () => {
    const docs = corpus();
    const index = built(docs);
    const before = index.matchRecords().filter((m) => m[0] === 'd06' || m[2] === 'd06').length;
    expect(before).toBeGreaterThan(4);
    const d = docs.get('d06')!;
    docs.set(d.id, { ...d, labels: [label('a', 0, 30), label('b', 100, 160), label('c', 200, 260)] });
    const stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect(stats.passagesRemoved).toBe(0);
    expect(stats.passagesAdded).toBe(3);
    expectFresh(index, docs.values());
    // Two of them removed: the sentences move back by two.
    docs.set(d.id, { ...d, labels: [label('b', 100, 160)] });
    expect(index.update([{ id: d.id, doc: docs.get(d.id)! }])).toMatchObject({ passagesRemoved: 2, passagesAdded: 0 });
    expectFresh(index, docs.values());
  });

  it('when a text is revised, then the passages before the change are kept and only those it changed leave and come, and the index equals a fresh build', () => {
    const docs = corpus();
    const index = built(docs);
    const d = docs.get('d08')!;
    // The last sentence rewritten: seven kept.
    docs.set(d.id, { ...d, rev: 2, text: textOf([8, 9, 10, 11, 12, 13, 14, 1]) });
    let stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([1, 1]);
    expectFresh(index, docs.values());
    // A sentence added at the end: all kept, one new.
    docs.set(d.id, { ...d, rev: 3, text: textOf([8, 9, 10, 11, 12, 13, 14, 1, 6]) });
    stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([0, 1]);
    expectFresh(index, docs.values());
    // A word of the sixth sentence changed for one of the same length (nothing after it moves): one out, one in.
    const a = SENTENCES[4];
    const b = a.replace('half', 'full');
    expect(b).not.toBe(a);
    docs.set(d.id, { ...d, rev: 4, text: docs.get(d.id)!.text.replace(a, b) });
    stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([1, 1]);
    expectFresh(index, docs.values());
    // The word written in capitals: another text, the same words (normalised) in the same ranges: nothing leaves.
    docs.set(d.id, { ...d, rev: 5, text: docs.get(d.id)!.text.replace('full', 'FULL') });
    stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([0, 0]);
    expectFresh(index, docs.values());
  });

  it('when a sentence in the middle is rewritten at another length, then the passages after it are kept at their moved ranges, with their matches moved, as a fresh build finds them', () => {
    const docs = corpus();
    const d = docs.get('d09')!;
    const picks = [9, 10, 11, 12, 13, 14, 15, 16];
    // A label on the sixth sentence (after the edit): re-anchored by the store, it moves with it.
    const [ls, le] = sentenceAt(picks, 5);
    docs.set(d.id, { ...d, labels: [label('l', ls, le - 4)] });
    const index = built(docs);
    const regionsOf = () => index.clusters().flatMap((c) => c.renderings.filter((r) => r.documentId === d.id).map((r) => [r.start, r.end]));
    const after = regionsOf().filter(([start]) => start >= ls);
    expect(after.length).toBeGreaterThan(0);
    // The third sentence (index 2: a quotation and its sentence) replaced by a shorter one.
    const next = picks.map((p, i) => (i === 2 ? 8 : p));
    const text = textOf(next);
    const shift = text.length - d.text.length;
    expect(shift).toBeLessThan(0);
    docs.set(d.id, { ...d, rev: 2, text, labels: [label('l', ls + shift, le - 4 + shift)] });
    const stats = index.update([{ id: d.id, doc: docs.get(d.id)! }]);
    // The quotation and its sentence leave; the weather sentence is too short to be a passage.
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([2, 0]);
    // Renderings after the edit are found at their moved ranges.
    expect(regionsOf().filter(([start]) => start >= ls + shift)).toEqual(after.map(([start, end]) => [start + shift, end + shift]));
    expectFresh(index, docs.values());
    // And back (longer): one sentence and its quotation come, all after move back.
    docs.set(d.id, { ...d, rev: 3, text: d.text, labels: [label('l', ls, le - 4)] });
    expect(index.update([{ id: d.id, doc: docs.get(d.id)! }])).toMatchObject({ passagesRemoved: 0, passagesAdded: 2 });
    expectFresh(index, docs.values());
  });

  it('when the same text comes back with a word changed in place, then the sentence whose words changed leaves even though its range is the same', () => {
    const docs = new Map([
      ['a', doc('a', 'The council approved the harbour budget on Monday after a long debate. Nothing else happened today at all.')],
      ['b', doc('b', 'The council approved the harbour budget on Monday after a long debate.')],
    ]);
    const index = built(docs);
    expect(index.matchCount).toBe(1);
    docs.set('a', { ...docs.get('a')!, rev: 2, text: docs.get('a')!.text.replace('harbour', 'railway') });
    const stats = index.update([{ id: 'a', doc: docs.get('a')! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([1, 1]);
    expectFresh(index, docs.values());
  });

  it('when a revision brings a kept sentence over the boilerplate cap, and the next takes it back under, then its copies leave and come back as in a fresh build', () => {
    const options: IndexOptions = { maxPosting: 32, window: 4, minCommon: 200, commonShare: 0.005, maxCopies: 2 };
    const S = SENTENCES[4];
    const docs = new Map([
      ['a', doc('a', `${S} ${SENTENCES[0]}`)],
      ['b', doc('b', `${SENTENCES[5]} ${S}`)],
      ['c', doc('c', `${SENTENCES[1]} ${SENTENCES[6]}`)],
    ]);
    const index = built(docs, options);
    expect(index.boilerplateSkipped).toBe(0);
    // 'a' gains a second copy of S (three in all: boilerplate) and keeps its first in place.
    docs.set('a', { ...docs.get('a')!, rev: 2, text: `${S} ${SENTENCES[0]} ${S}` });
    let stats = index.update([{ id: 'a', doc: docs.get('a')! }]);
    expect([stats.passagesRemoved, stats.passagesAdded]).toEqual([0, 1]);
    expect(index.boilerplateSkipped).toBe(3);
    expectFresh(index, docs.values(), options);
    // A label over the kept copy in 'a' (the same range: the label passage replaces the sentence) while 'c' gains one: four copies.
    docs.set('a', { ...docs.get('a')!, labels: [label('l', 0, S.length)] });
    docs.set('c', { ...docs.get('c')!, rev: 2, text: `${SENTENCES[1]} ${SENTENCES[6]} ${S}` });
    stats = index.update([
      { id: 'a', doc: docs.get('a')! },
      { id: 'c', doc: docs.get('c')! },
    ]);
    expect(index.boilerplateSkipped).toBe(4);
    expectFresh(index, docs.values(), options);
    // Both extra copies gone in one update: two left, back in the postings.
    docs.set('a', { ...docs.get('a')!, rev: 3, text: `${S} ${SENTENCES[0]}` });
    docs.set('c', { ...docs.get('c')!, rev: 3, text: `${SENTENCES[1]} ${SENTENCES[6]}` });
    stats = index.update([
      { id: 'c', doc: docs.get('c')! },
      { id: 'a', doc: docs.get('a')! },
    ]);
    expect(index.boilerplateSkipped).toBe(0);
    expect(index.matchCount).toBeGreaterThan(0);
    expectFresh(index, docs.values(), options);
  });

  it('when one update names a document twice, then its last change is the one indexed', () => {
    const docs = corpus();
    const index = built(docs);
    const d = docs.get('d01')!;
    const stats = index.update([
      { id: d.id, doc: { ...d, labels: [label('x', 0, 40)] } },
      { id: d.id, doc: { ...d, labels: [label('y', 10, 60)] } },
    ]);
    docs.set(d.id, { ...d, labels: [label('y', 10, 60)] });
    expect(stats.documents).toBe(1);
    expectFresh(index, docs.values());
  });
});

/** Label saves (new, moved, same span with a new id, removed) and revisions of one sentence, in any order, on a corpus of shared sentences. */
type Step =
  | { kind: 'label'; at: number; sentence: number; cut: number }
  | { kind: 'relabel'; at: number }
  | { kind: 'unlabel'; at: number; which: number }
  | { kind: 'revise'; at: number; sentence: number; pick: number }
  | { kind: 'import'; picks: number[] }
  | { kind: 'delete'; at: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('label' as const), at: fc.nat(), sentence: fc.nat(), cut: fc.constantFrom(0, 0, 5, 12) }),
  fc.record({ kind: fc.constant('relabel' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unlabel' as const), at: fc.nat(), which: fc.nat() }),
  fc.record({ kind: fc.constant('revise' as const), at: fc.nat(), sentence: fc.nat(), pick: fc.nat(SENTENCES.length - 1) }),
  fc.record({ kind: fc.constant('import' as const), picks: fc.array(fc.nat(SENTENCES.length - 1), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
);

function checkSequences(options: IndexOptions, runs: number) {
  fc.assert(
    fc.property(fc.array(fc.array(fc.nat(SENTENCES.length - 1), { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 6 }), fc.array(step, { minLength: 1, maxLength: 20 }), (initial, steps) => {
      const picksOf = new Map<string, number[]>();
      const docs = new Map<string, CorpusDocument>();
      let n = 0;
      const add = (picks: number[]) => {
        const id = `d${String(n++).padStart(2, '0')}`;
        picksOf.set(id, picks);
        docs.set(id, doc(id, textOf(picks), [], ['Ledger', 'Courier'][n % 2]));
      };
      initial.forEach(add);
      const index = built(docs, options);
      for (const s of steps) {
        const ids = [...docs.keys()].sort();
        if (s.kind === 'import') {
          add(s.picks);
          const id = `d${String(n - 1).padStart(2, '0')}`;
          index.update([{ id, doc: docs.get(id)! }]);
          continue;
        }
        if (!ids.length) continue;
        const id = ids[s.at % ids.length];
        const d = docs.get(id)!;
        const picks = picksOf.get(id)!;
        if (s.kind === 'label') {
          const [start, end] = sentenceAt(picks, s.sentence % picks.length);
          docs.set(id, { ...d, labels: [...d.labels, label(`l${n++}`, start, end - s.cut, ['Smith', 'Mayor'][n % 2])] });
        } else if (s.kind === 'relabel') {
          if (!d.labels.length) continue;
          docs.set(id, { ...d, labels: d.labels.map((l, i) => (i === 0 ? { ...l, id: `l${n++}` } : l)) });
        } else if (s.kind === 'unlabel') {
          if (!d.labels.length) continue;
          docs.set(id, { ...d, labels: d.labels.filter((_, i) => i !== s.which % d.labels.length) });
        } else if (s.kind === 'revise') {
          const next = picks.map((p, i) => (i === s.sentence % picks.length ? s.pick : p));
          picksOf.set(id, next);
          docs.set(id, { ...d, rev: d.rev + 1, text: textOf(next), labels: [] });
        } else {
          docs.delete(id);
        }
        index.update([{ id, doc: docs.get(id) ?? null }]);
        if (s.at % 3 === 0) index.clusters();
      }
      expectFresh(index, docs.values(), options);
    }),
    { numRuns: runs },
  );
}

describe('statement index: label saves and revisions in any order', () => {
  it('when labels are saved, moved, given new ids and removed and sentences revised, in any order, then the matches and statements equal a fresh build', () => {
    checkSequences({ maxPosting: 32, window: 4, minCommon: 200, commonShare: 0.005 }, 40);
  });

  it('when postings cross the neighbour window, the stop threshold and the boilerplate cap meanwhile, then they still equal a fresh build', () => {
    checkSequences({ maxPosting: 2, window: 1, minCommon: 3, commonShare: 0.1, maxCopies: 3 }, 40);
    checkSequences({ maxPosting: 2, window: 1, minCommon: 8, commonShare: 0.15, maxCopies: 2 }, 40);
  });
});
