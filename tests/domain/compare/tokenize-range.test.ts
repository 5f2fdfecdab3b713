import fc from 'fast-check';
import { tokenize, tokenizeRange } from '../../../server/domain/compare/tokens.js';
import { wordRange } from '../../../server/domain/compare/passages.js';

/**
 * The statement index no longer keeps each document's words: it finds a passage's words again from
 * the text when it aligns a pair (tokenizeRange). They must be exactly the words the whole text's
 * tokens give for that range (wordRange over tokenize), wherever the range starts and ends: mid-word,
 * on punctuation, after a contraction, in a text without white space.
 */
const pieces = ['The', 'minister', "can't", 'we’ve', 'U.S.', '3.5', '1,000', 'de‑escalation', 'Ukraine’s', '“', '”', '—', '.', ',', ' ', ' ', '\n', '\u00a0', 'x', 'é', '東京', "rock'n'roll", '-', "'"];

describe('tokenizeRange', () => {
  it('when any range of any text is asked for, then its words are those wordRange picks from the whole text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), fc.nat(), fc.nat(), (parts, a, b) => {
        const text = parts.join('');
        const start = a % (text.length + 1);
        const end = start + (b % (text.length - start + 1));
        const all = tokenize(text);
        const { from, to } = wordRange({ starts: Int32Array.from(all, (t) => t.start), ends: Int32Array.from(all, (t) => t.end) }, start, end);
        expect(tokenizeRange(text, start, end)).toEqual(all.slice(from, to));
      }),
      { numRuns: 2_000 },
    );
  });

  it('when a range starts inside a word, then that word is not one of its words (as wordRange has it)', () => {
    const text = 'Prime minister spoke';
    expect(tokenizeRange(text, 2, text.length).map((t) => t.norm)).toEqual(['minister', 'spoke']);
    expect(tokenizeRange(text, 0, 13).map((t) => t.norm)).toEqual(['prime']);
  });
});
