import { MAX_MATCHED_PASSAGE_WORDS, STEP, StatementIndex } from '../../../server/domain/compare/statement-index.js';
import { documentContribution, LAYOUT_KEPT_FROM } from '../../../server/domain/compare/contribution.js';
import { labelsByStart } from '../../../server/domain/compare/build-cluster.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';

/**
 * A document of 1,000,000 characters (half the size limit) full of words seen nowhere else is indexed,
 * revised and removed in many small steps: no step does more than a few hundred units of work
 * (`stepWork`, see STEP), and the index is then exactly what a fresh build of the same documents is.
 */

/** Deterministic "random" words (a linear congruential generator): 5-9 letters, none a stopword. */
function randomWords(count: number, seed: number): string[] {
  let x = seed >>> 0;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let w = 'q';
    const n = 4 + (next() % 5);
    for (let k = 0; k < n; k++) w += String.fromCharCode(97 + (next() % 26));
    out.push(w);
  }
  return out;
}

/** Sentences of `per` words (a verb second: statements), capitalised and ended, up to `chars` characters. */
function sentencesOf(words: string[], per: number, chars: number): string {
  let text = '';
  for (let i = 0; i < words.length && text.length < chars; i += per) {
    const s = [words[i], 'will', ...words.slice(i + 1, i + per)].join(' ');
    text += `${s[0].toUpperCase()}${s.slice(1)}. `;
  }
  return text.slice(0, chars).trim();
}

const doc = (id: string, text: string): CorpusDocument => ({ id, title: id, outlet: id, rev: 1, text, labels: [] });

/**
 * Runs an update step by step; the number of steps. Every step the index counts (`stepWork`) is a
 * real yield: a loop that counted its work but did not yield would make them differ.
 */
function stepsOf(index: StatementIndex, changes: Array<{ id: string; doc: CorpusDocument | null }>): number {
  let steps = 0;
  const counted = index.stepWork.steps;
  const run = index.updateSteps(changes.map((c) => ({ ...c, ...(c.doc ? { contribution: documentContribution(c.doc) } : {}) })));
  for (let r = run.next(); !r.done; r = run.next()) steps++;
  expect(index.stepWork.steps - counted).toBe(steps);
  return steps;
}

const spans = (index: StatementIndex) => index.clusters().map((c) => c.renderings.map((r) => [r.documentId, r.start, r.end]));

describe('statement index: a huge document in bounded steps', () => {
  it('when a huge document of new words is added, revised and removed, then every step is bounded and the index equals a fresh build', () => {
    const words = randomWords(130_000, 7);
    const huge = doc('a-huge', sentencesOf(words, 40, 1_000_000));
    expect(huge.text.length).toBeGreaterThan(990_000);
    // Five of its sentences, quoted in another document: statements across the two.
    const shared = huge.text.split('. ').slice(100, 105).join('. ') + '.';
    const other = doc('b-other', `${shared} Nothing else was said about it.`);

    const index = new StatementIndex();
    stepsOf(index, [{ id: other.id, doc: other }]);
    const longestBefore = index.stepWork.longest;
    const added = stepsOf(index, [{ id: huge.id, doc: huge }]);
    // 130,000 words given ids, 3,000 passages and their 115,000 shingles posted: thousands of steps,
    // none holding more than a step's work plus one passage's words (40 here) or one posting.
    expect(added).toBeGreaterThan(1_000);
    expect(index.stepWork.longest).toBeLessThanOrEqual(2 * STEP);
    expect(spans(index).length).toBeGreaterThanOrEqual(1);

    const revised = { ...huge, rev: 2, text: huge.text.slice(huge.text.indexOf('. ') + 2) };
    expect(stepsOf(index, [{ id: huge.id, doc: revised }])).toBeGreaterThan(1_000);
    expect(index.stepWork.longest).toBeLessThanOrEqual(2 * STEP);

    const fresh = new StatementIndex();
    fresh.update([revised, other].map((d) => ({ id: d.id, doc: d })));
    expect(index.matchRecords().sort()).toEqual(fresh.matchRecords().sort());
    expect(spans(index)).toEqual(spans(fresh));
    expect(index.clusters()).toEqual(fresh.clusters());
    expect(index.passageTotal).toBe(fresh.passageTotal);

    expect(stepsOf(index, [{ id: huge.id, doc: null }])).toBeGreaterThan(500);
    expect(index.stepWork.longest).toBeLessThanOrEqual(2 * STEP);
    expect(index.clusters()).toEqual([]);
    const alone = new StatementIndex();
    alone.update([{ id: other.id, doc: other }]);
    expect(index.passageTotal).toBe(alone.passageTotal);
    expect(longestBefore).toBeLessThanOrEqual(2 * STEP);
  });

  it('when a "sentence" is longer than MAX_MATCHED_PASSAGE_WORDS words, then it is left out (it could never match) and a copy of it makes no statement', () => {
    const words = randomWords(MAX_MATCHED_PASSAGE_WORDS + 10, 11);
    const runOn = `${words.join(' ')}.`;
    const tail = 'The minister resigned on Friday after the vote in parliament.';
    const a = doc('a-run-on', `${runOn} ${tail}`);
    const b = doc('b-run-on', `${runOn} ${tail}`);
    const index = new StatementIndex();
    expect(stepsOf(index, [{ id: a.id, doc: a }, { id: b.id, doc: b }])).toBeGreaterThan(100);
    // Only the short sentence of each is a passage; it is the one statement.
    expect(index.passageTotal).toBe(2);
    expect(spans(index)).toEqual([
      [
        ['a-run-on', runOn.length + 1, a.text.length - 1],
        ['b-run-on', runOn.length + 1, b.text.length - 1],
      ],
    ]);
    expect(index.stepWork.longest).toBeLessThanOrEqual(2 * STEP);
  });

  it('when a "sentence" is just under the cap, then it is indexed and its update still yields inside it', () => {
    const words = randomWords(MAX_MATCHED_PASSAGE_WORDS - 10, 13);
    const a = doc('a-long', `${words.join(' ')}.`);
    const index = new StatementIndex();
    expect(stepsOf(index, [{ id: a.id, doc: a }])).toBeGreaterThan(100);
    expect(index.passageTotal).toBe(1);
    // One passage's own words are the one piece not split: it bounds the longest step.
    expect(index.stepWork.longest).toBeLessThanOrEqual(STEP + MAX_MATCHED_PASSAGE_WORDS);
    expect(stepsOf(index, [{ id: a.id, doc: null }])).toBeGreaterThan(100);
    expect(index.passageTotal).toBe(0);
  });

  it('when a long document has many labels, then its contribution brings their order by start, the one drawing a statement uses', () => {
    const words = randomWords(30_000, 17);
    const text = sentencesOf(words, 20, LAYOUT_KEPT_FROM + 1_000);
    const labels = Array.from({ length: 300 }, (_, i) => {
      const start = text.length - 50 - ((i * 7_919) % (text.length - 100));
      return { id: `l${i}`, type: 'opinion', start, end: start + 40, rev: 1, anchor: { state: 'exact' } } as unknown as CorpusDocument['labels'][number];
    });
    const c = documentContribution({ text, labels });
    expect(Array.from(c.layout!.labelOrder!)).toEqual(Array.from(labelsByStart(labels).order));
    expect(new Set(c.layout!.labelOrder).size).toBe(300);
  });
});
