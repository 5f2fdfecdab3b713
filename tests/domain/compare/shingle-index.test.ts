import { candidatePairs, shingles } from '../../../server/domain/compare/shingle-index.js';
import { documentWords, toPassage } from '../../../server/domain/compare/passages.js';
import { WordIds } from '../../../server/domain/compare/word-ids.js';
import type { Passage } from '../../../server/domain/compare/types.js';

const ids = new WordIds();
/** A passage over the whole of `text`, placed at `start` in its document. */
const passage = (doc: number, text: string, start = 0): Passage => {
  const w = documentWords(' '.repeat(start) + text, ids);
  return toPassage(doc, 'sentence', start, start + text.length, w, ids)!;
};

describe('shingle index', () => {
  test('when function words sit between content words, then shingles skip them', () => {
    expect(shingles(passage(0, 'rest, refit, and eventually re-attack'))).toHaveLength(3);
    expect(shingles(passage(0, 'the rest of refit and the reattack of'))).toHaveLength(2);
  });

  test('when two passages share one content bigram, then they are a candidate pair; unrelated ones are not', () => {
    const ps = [passage(0, 'rest, refit, regroup, reattack'), passage(1, 'seek to rest, refit, and eventually re-attack'), passage(2, 'nothing in common with other words')];
    expect(candidatePairs(ps)).toEqual([[0, 1]]);
  });

  test('when a quotation lies inside its own sentence, then the two are never paired', () => {
    const ps = [passage(0, 'He said rest refit regroup today', 0), passage(0, 'rest refit regroup', 8)];
    expect(candidatePairs(ps)).toEqual([]);
  });

  test('when a shingle is in more passages than the cap, then each passage is paired only with its next neighbours', () => {
    const ps = Array.from({ length: 100 }, (_, i) => passage(i, `vladimir putin word${i}`));
    const pairs = candidatePairs(ps, { maxPosting: 32, window: 4, minCommon: 200, commonShare: 0 });
    expect(pairs.length).toBe(99 + 98 + 97 + 96);
    const few = candidatePairs(ps.slice(0, 10), { maxPosting: 32, window: 4, minCommon: 200, commonShare: 0 });
    expect(few.length).toBe(45);
  });

  test('when a shingle is in more passages than the stop-shingle limit, then it pairs nothing', () => {
    const ps = Array.from({ length: 100 }, (_, i) => passage(i, `vladimir putin word${i}`));
    expect(candidatePairs(ps, { maxPosting: 32, window: 4, minCommon: 99, commonShare: 0 })).toEqual([]);
  });
});
