import fc from 'fast-check';
import { StatementIndex } from '../../../server/domain/compare/statement-index.js';
import { findStatements } from '../../../server/domain/compare/statements.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';
import type { Label } from '../../../server/domain/types.js';
import type { IndexOptions } from '../../../server/domain/compare/shingle-index.js';
import { loadFixtureCorpus } from './fixture-corpus.js';
import { QUOTABLE_SENTENCES } from '../../helpers/quotable-sentences.js';

/**
 * The incremental index against a fresh build: after any sequence of changes (a label added or
 * removed, a text revised, a document deleted, restored or imported), its statements equal those
 * of an index built from scratch over the same documents.
 */

const SENTENCES = [...QUOTABLE_SENTENCES, 'The weather was mild.'];

function label(id: string, type: string, start: number, end: number, speaker?: string): Label {
  return { id, type, start, end, rev: 1, quote: { exact: '', prefix: '', suffix: '' }, annotator: 't', createdAt: 'x', updatedAt: 'x', anchor: { state: 'exact', method: 'created', fromRev: 1 }, ...(speaker ? { speaker } : {}) };
}

function makeDoc(id: string, picks: number[], rev = 1, outlet = 'Ledger'): CorpusDocument {
  return { id, title: id, outlet, rev, text: picks.map((i) => SENTENCES[i % SENTENCES.length]).join(' '), labels: [] };
}

type Step =
  | { kind: 'import'; picks: number[] }
  | { kind: 'revise'; at: number; picks: number[] }
  | { kind: 'label'; at: number; from: number; len: number; speaker: string }
  | { kind: 'unlabel'; at: number }
  | { kind: 'delete'; at: number }
  | { kind: 'restore' };

const picks = fc.array(fc.nat(SENTENCES.length - 1), { minLength: 1, maxLength: 5 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('import' as const), picks }),
  fc.record({ kind: fc.constant('revise' as const), at: fc.nat(), picks }),
  fc.record({ kind: fc.constant('label' as const), at: fc.nat(), from: fc.nat(200), len: fc.integer({ min: 5, max: 120 }), speaker: fc.constantFrom('Smith', 'John Smith', 'Mayor') }),
  fc.record({ kind: fc.constant('unlabel' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('restore' as const) }),
);

/** Applies a step to the corpus model; returns the ids it changed. */
function apply(corpus: Map<string, CorpusDocument>, trash: CorpusDocument[], s: Step, counter: { n: number }): string[] {
  const ids = [...corpus.keys()].sort();
  const pick = (at: number) => (ids.length ? ids[at % ids.length] : null);
  switch (s.kind) {
    case 'import': {
      const id = `d${String(counter.n++).padStart(3, '0')}`;
      corpus.set(id, makeDoc(id, s.picks, 1, ['Ledger', 'Courier', 'Post'][counter.n % 3]));
      return [id];
    }
    case 'revise': {
      const id = pick(s.at);
      if (!id) return [];
      const old = corpus.get(id)!;
      corpus.set(id, { ...makeDoc(id, s.picks, old.rev + 1, old.outlet), labels: [] });
      return [id];
    }
    case 'label': {
      const id = pick(s.at);
      if (!id) return [];
      const d = corpus.get(id)!;
      const start = Math.min(s.from, d.text.length - 1);
      const end = Math.min(d.text.length, start + s.len);
      corpus.set(id, { ...d, labels: [...d.labels, label(`l${counter.n++}`, 'direct-quote', start, end, s.speaker)] });
      return [id];
    }
    case 'unlabel': {
      const id = pick(s.at);
      if (!id) return [];
      const d = corpus.get(id)!;
      corpus.set(id, { ...d, labels: d.labels.slice(1) });
      return [id];
    }
    case 'delete': {
      const id = pick(s.at);
      if (!id) return [];
      trash.push(corpus.get(id)!);
      corpus.delete(id);
      return [id];
    }
    case 'restore': {
      const d = trash.pop();
      if (!d || corpus.has(d.id)) return [];
      corpus.set(d.id, d);
      return [d.id];
    }
  }
}

const sorted = (m: Map<string, CorpusDocument>) => [...m.values()].sort((a, b) => a.id.localeCompare(b.id));

function checkSequences(options: IndexOptions, runs: number) {
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), (steps, initial) => {
      const corpus = new Map<string, CorpusDocument>();
      const trash: CorpusDocument[] = [];
      const counter = { n: 0 };
      for (let i = 0; i < initial; i++) apply(corpus, trash, { kind: 'import', picks: [i, i + 2, i + 3] }, counter);
      const index = new StatementIndex(options);
      index.update(sorted(corpus).map((doc) => ({ id: doc.id, doc })));
      for (const s of steps) {
        const changed = apply(corpus, trash, s, counter);
        index.update(changed.map((id) => ({ id, doc: corpus.get(id) ?? null })));
        if (Math.random() < 0.3) index.clusters(); // sometimes read between changes, sometimes not
      }
      expect(index.clusters()).toEqual(findStatements(sorted(corpus), options).clusters);
    }),
    { numRuns: runs },
  );
}

describe('incremental statement index', () => {
  test('when documents are imported, labelled, revised, deleted and restored in any order, then the statements equal a fresh build', () => {
    checkSequences({ maxPosting: 32, window: 4, minCommon: 200, commonShare: 0.005 }, 60);
  });

  test('when postings are long enough for the neighbour window and stop-shingle rules, then the statements still equal a fresh build', () => {
    // Tiny thresholds: postings cross maxPosting and the stop threshold all the time in a small corpus.
    checkSequences({ maxPosting: 2, window: 1, minCommon: 3, commonShare: 0.1 }, 40);
    // Room between maxPosting and the stop threshold: inserts and removals move neighbours in the window.
    checkSequences({ maxPosting: 2, window: 1, minCommon: 8, commonShare: 0.15 }, 50);
  });

  test('when passages cross the boilerplate cap of identical copies up and down, then the statements still equal a fresh build', () => {
    // A cap of 2: the eight sentences are picked often enough that copies cross it both ways.
    checkSequences({ maxPosting: 32, window: 4, minCommon: 200, commonShare: 0.005, maxCopies: 2 }, 60);
    checkSequences({ maxPosting: 2, window: 1, minCommon: 8, commonShare: 0.15, maxCopies: 3 }, 40);
  });

  test('when the fixture corpus arrives one document at a time, then the statements equal a build of all of it at once', () => {
    const { docs } = loadFixtureCorpus();
    const index = new StatementIndex();
    for (const doc of [...docs].reverse()) index.update([{ id: doc.id, doc }]);
    const fresh = findStatements([...docs].sort((a, b) => a.id.localeCompare(b.id))).clusters;
    expect(fresh.length).toBeGreaterThan(3);
    expect(index.clusters()).toEqual(fresh);
  });

  test('when one label is saved, then only the pairs of that document and its neighbours are judged again', () => {
    const { docs } = loadFixtureCorpus();
    const index = new StatementIndex();
    const full = index.update(docs.map((doc) => ({ id: doc.id, doc })));
    const d = docs[0];
    const after = index.update([{ id: d.id, doc: { ...d, labels: [label('x', 'direct-quote', 0, Math.min(40, d.text.length))] } }]);
    expect(after.documents).toBe(1);
    expect(after.pairsJudged).toBeLessThan(full.pairsJudged);
  });
});
