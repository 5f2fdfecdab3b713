import { candidatePairs, shingles } from '../../../server/domain/compare/shingle-index.js';
import { tokenize } from '../../../server/domain/compare/tokens.js';
import type { Passage } from '../../../server/domain/compare/types.js';

const passage = (doc: number, text: string, start = 0): Passage => ({ doc, kind: 'sentence', start, end: start + text.length, tokens: tokenize(text) });

describe('shingle index', () => {
  test('when function words sit between content words, then shingles skip them', () => {
    expect(shingles(passage(0, 'rest, refit, and eventually re-attack'))).toHaveLength(3);
    expect(shingles(passage(0, 'the of and'))).toEqual([]);
  });

  test('when two passages share one content bigram, then they are a candidate pair; unrelated ones are not', () => {
    const ps = [passage(0, 'rest, refit, regroup, reattack'), passage(1, 'seek to rest, refit, and eventually re-attack'), passage(2, 'nothing in common here')];
    expect(candidatePairs(ps)).toEqual([[0, 1]]);
  });

  test('when a quotation lies inside its own sentence, then the two are never paired', () => {
    const ps = [passage(0, 'He said rest refit regroup today', 0), passage(0, 'rest refit regroup', 8)];
    expect(candidatePairs(ps)).toEqual([]);
  });

  test('when a shingle is in more passages than the cap, then each passage is paired only with its next neighbours', () => {
    const ps = Array.from({ length: 100 }, (_, i) => passage(i, `vladimir putin word${i}`));
    const pairs = candidatePairs(ps, { maxPosting: 32, window: 4 });
    expect(pairs.length).toBe(99 + 98 + 97 + 96);
    const few = candidatePairs(ps.slice(0, 10), { maxPosting: 32, window: 4 });
    expect(few.length).toBe(45);
  });
});
