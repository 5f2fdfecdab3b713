import fc from 'fast-check';
import { StatementIndex, drain, type DocumentWordsRecord } from '../../../server/domain/compare/statement-index.js';
import { findStatements } from '../../../server/domain/compare/statements.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';
import type { Label } from '../../../server/domain/types.js';
import type { IndexOptions } from '../../../server/domain/compare/shingle-index.js';
import { QUOTABLE_SENTENCES } from '../../helpers/quotable-sentences.js';

/**
 * An index put back from its records (what the service stores between runs) is the index they
 * were taken from: same matches, same statements, without tokenising or judging anything; and an
 * update of the documents changed meanwhile brings it to what a fresh build of the corpus finds.
 */

const SENTENCES = [...QUOTABLE_SENTENCES, 'The weather was mild.'];

function label(id: string, start: number, end: number): Label {
  return { id, type: 'direct-quote', start, end, rev: 1, quote: { exact: '', prefix: '', suffix: '' }, annotator: 't', createdAt: 'x', updatedAt: 'x', anchor: { state: 'exact', method: 'created', fromRev: 1 } };
}

function makeDoc(id: string, picks: number[], labelled: boolean): CorpusDocument {
  const text = picks.map((i) => SENTENCES[i % SENTENCES.length]).join(' ');
  return { id, title: id, outlet: ['Ledger', 'Courier'][id.length % 2], rev: 1, text, labels: labelled ? [label(`${id}-l`, 0, Math.min(text.length, 60))] : [] };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What the service writes: the records (copied, as a file read would give them back), the dictionary and the matches. */
function recordsOf(index: StatementIndex) {
  const records: DocumentWordsRecord[] = [...index.documentRecords()].map((r) => ({ ...r, words: Uint32Array.from(r.words), starts: Uint32Array.from(r.starts), ends: Uint32Array.from(r.ends) }));
  return { words: index.dictionary(), records, matches: index.matchRecords() };
}

const doc = fc.record({ picks: fc.array(fc.nat(SENTENCES.length - 1), { minLength: 1, maxLength: 5 }), labelled: fc.boolean() });

function check(options: IndexOptions, runs: number) {
  fc.assert(
    fc.property(fc.array(doc, { minLength: 2, maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.option(doc)), { maxLength: 4 }), fc.array(doc, { maxLength: 3 }), (initial, edits, added) => {
      const corpus = new Map(initial.map((d, i) => [`d${i}`, makeDoc(`d${i}`, d.picks, d.labelled)]));
      const built = new StatementIndex(options);
      built.update([...corpus.values()].map((d) => ({ id: d.id, doc: d })));
      const before = built.clusters();
      const stored = recordsOf(built);

      // Nothing changed: the restored index is the one stored.
      const same = new StatementIndex(options);
      drain(same.restoreSteps(stored.words, stored.records.map((record) => ({ doc: corpus.get(record.id)!, record })), stored.matches));
      expect(same.matchRecords()).toEqual(stored.matches);
      expect(same.clusters()).toEqual(before);
      expect(same.boilerplateSkipped).toBe(built.boilerplateSkipped);

      // Documents revised or deleted and new ones imported while the index was not running.
      const ids = [...corpus.keys()];
      const changed = new Set<string>();
      for (const [at, d] of edits) {
        const id = ids[at % ids.length];
        changed.add(id);
        if (d) corpus.set(id, makeDoc(id, d.picks, d.labelled));
        else corpus.delete(id);
      }
      added.forEach((d, i) => {
        corpus.set(`n${i}`, makeDoc(`n${i}`, d.picks, d.labelled));
        changed.add(`n${i}`);
      });
      const restored = new StatementIndex(options);
      drain(
        restored.restoreSteps(
          stored.words,
          stored.records.map((record) => (changed.has(record.id) ? { doc: { id: record.id, title: '', rev: 0, text: '', labels: [] }, record, replaced: true } : { doc: corpus.get(record.id)!, record })),
          stored.matches,
        ),
      );
      restored.update([...changed].sort().map((id) => ({ id, doc: corpus.get(id) ?? null })));
      expect(restored.clusters()).toEqual(findStatements([...corpus.values()].sort(byId), options).clusters);
    }),
    { numRuns: runs },
  );
}

describe('statement index put back from its records', () => {
  test('when nothing changed, then it holds the same matches and statements; when documents changed meanwhile and are updated, then it equals a fresh build', () => {
    check({ maxPosting: 32, window: 4, minCommon: 200, commonShare: 0.005 }, 40);
  });

  test('when postings cross the neighbour window, stop-shingle and boilerplate thresholds, then the same holds', () => {
    check({ maxPosting: 2, window: 1, minCommon: 3, commonShare: 0.1, maxCopies: 2 }, 40);
  });

  test('when a stored match names a passage that is not there, then the restore throws instead of trusting it', () => {
    const corpus = [makeDoc('a', [0, 1], false), makeDoc('b', [0, 1], false)];
    const built = new StatementIndex();
    built.update(corpus.map((d) => ({ id: d.id, doc: d })));
    const stored = recordsOf(built);
    expect(stored.matches.length).toBeGreaterThan(0);
    const bad = stored.matches.map((m) => [m[0], m[1], m[2], 99, m[4], m[5], m[6], m[7], m[8]] as typeof m);
    const index = new StatementIndex();
    expect(() => drain(index.restoreSteps(stored.words, stored.records.map((record, i) => ({ doc: corpus[i], record })), bad))).toThrow('a stored match names passages that are not there');
  });

  test('when a stored word range lies outside the document text, then the restore throws', () => {
    const corpus = [makeDoc('a', [0, 1], false)];
    const built = new StatementIndex();
    built.update(corpus.map((d) => ({ id: d.id, doc: d })));
    const stored = recordsOf(built);
    const shorter = { ...corpus[0], text: corpus[0].text.slice(0, 10) };
    expect(() => drain(new StatementIndex().restoreSteps(stored.words, [{ doc: shorter, record: stored.records[0] }], []))).toThrow('is not in its text');
  });
});
