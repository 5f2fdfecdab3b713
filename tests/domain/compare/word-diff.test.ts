import { wordDiff } from '../../../server/domain/compare/word-diff.js';
import { pickReference } from '../../../server/domain/compare/reference.js';

describe('word diff against the reference rendering', () => {
  test('when a word is replaced by two and one is re-hyphenated, then the diff shows exactly that', () => {
    expect(wordDiff('rest, refit, regroup, reattack', 'rest, refit, and eventually re-attack')).toEqual({
      parts: [
        { op: 'same', text: 'rest, refit, ' },
        { op: 'removed', text: 'regroup, ' },
        { op: 'added', text: 'and eventually ' },
        { op: 'same', text: 're-attack' },
      ],
      kind: 'altered',
      similarity: 0.667,
    });
  });

  test('when only typography differs (quotes, case, contraction), then it is verbatim and one same run', () => {
    expect(wordDiff("We have got to stop it's spread", 'We’ve got to stop it’s spread')).toEqual({
      parts: [{ op: 'same', text: 'We’ve got to stop it’s spread' }],
      kind: 'verbatim',
      similarity: 1,
    });
  });

  test('when words are only dropped (an ellipsis), then the rendering is cut', () => {
    const d = wordDiff('will cut waiting times, reduce paperwork for nurses and bring doctors back', 'will cut waiting times ... and bring doctors back');
    expect(d.kind).toBe('cut');
    expect(d.parts).toEqual([
      { op: 'same', text: 'will cut waiting times ... ' },
      { op: 'removed', text: 'reduce paperwork for nurses ' },
      { op: 'same', text: 'and bring doctors back' },
    ]);
  });

  test('when one rendering is a direct quote, then it is the reference even if another is longer', () => {
    expect(
      pickReference([
        { text: 'the enemy would rest, refit, regroup and reattack within weeks', quoted: false, directQuote: false },
        { text: 'rest, refit and eventually re-attack', quoted: true, directQuote: false },
      ]),
    ).toBe(1);
  });

  test('when no rendering is quoted, then the one agreeing most with the others is the reference', () => {
    expect(
      pickReference([
        { text: 'alpha beta', quoted: false, directQuote: false },
        { text: 'alpha beta gamma delta', quoted: false, directQuote: false },
        { text: 'alpha beta gamma delta', quoted: false, directQuote: false },
      ]),
    ).toBe(1);
  });
});
