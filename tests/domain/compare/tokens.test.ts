import { normalizeWord, tokenize } from '../../../server/domain/compare/tokens.js';

describe('statement tokens', () => {
  test.each([
    ['re-attack', ['reattack']],
    ['reattack', ['reattack']],
    ['De‑escalation', ['deescalation']],
    ["We've", ['we', 'have']],
    ['We’ve', ['we', 'have']],
    ["can't", ['can', 'not']],
    ['won’t', ['will', 'not']],
    ["doesn't", ['does', 'not']],
    ["it's", ['it', 'is']],
    ['Ukraine’s', ['ukraine']],
    ["they're", ['they', 'are']],
    ["we'll", ['we', 'will']],
    ["I'm", ['i', 'am']],
    ["she'd", ['she', 'would']],
    ["let's", ['let', 'us']],
    ['U.S.', ['us']],
    ['Zelenskyy', ['zelenskyy']],
    ['Café', ['cafe']],
  ])('when the word is %p, then it normalises to %p', (raw, expected) => {
    expect(normalizeWord(raw)).toEqual(expected);
  });

  test('when text has quotes, dashes and an ellipsis, then only the words are tokens, with their UTF-16 offsets', () => {
    const text = '“We’ve got to -- stop… it” – now';
    expect(tokenize(text)).toEqual([
      { norm: 'we', start: 1, end: 6 },
      { norm: 'have', start: 1, end: 6 },
      { norm: 'got', start: 7, end: 10 },
      { norm: 'to', start: 11, end: 13 },
      { norm: 'stop', start: 17, end: 21 },
      { norm: 'it', start: 23, end: 25 },
      { norm: 'now', start: 29, end: 32 },
    ]);
  });

  test('when an emoji precedes a word, then offsets count UTF-16 code units', () => {
    expect(tokenize('😀 rest')).toEqual([{ norm: 'rest', start: 3, end: 7 }]);
  });

  test('when "We have got to" and "We\'ve got to" are tokenized, then the words are the same', () => {
    expect(tokenize('We have got to').map((t) => t.norm)).toEqual(tokenize("We've got to").map((t) => t.norm));
  });
});
