import { enclosingSentences, sentences } from '../../../server/domain/compare/sentences.js';
import { isInsideQuote, quotedRanges } from '../../../server/domain/compare/quotes.js';

const slices = (text: string, ranges: { start: number; end: number }[]) => ranges.map((r) => text.slice(r.start, r.end));

describe('sentences and quotations', () => {
  test('when a paragraph has several sentences and a title, then it splits at the ends but not after "Mr." or "U.S."', () => {
    const text = 'Mr. Smith met U.S. officials. “We agreed,” he said! Then he left?\nNext line';
    expect(slices(text, sentences(text))).toEqual(['Mr. Smith met U.S. officials.', '“We agreed,” he said!', 'Then he left?', 'Next line']);
  });

  test('when a span lies across two sentences, then the enclosing range covers both whole', () => {
    const text = 'One two. Three four. Five six.';
    expect(enclosingSentences(sentences(text), 4, 12)).toEqual({ start: 0, end: 20 });
  });

  test('when text has curly, straight and nested single quotes and apostrophes, then the quoted words are found', () => {
    const text = '“Oh, ‘let’s wait,’ she said” and "fine." It’s Ukraine’s turn; ‘game over’ now.';
    expect(slices(text, quotedRanges(text))).toEqual(['Oh, ‘let’s wait,’ she said', 'let’s wait', 'fine', 'game over']);
  });

  test('when a quotation mark is never closed, then no quotation is found', () => {
    expect(quotedRanges('“There is going to be a ceasefire, he warned.')).toEqual([]);
  });

  test('when a range is inside a quotation, then it is quoted', () => {
    const quotes = quotedRanges('He said “rest, refit” today');
    expect(isInsideQuote(quotes, 9, 20)).toBe(true);
    expect(isInsideQuote(quotes, 3, 20)).toBe(false);
  });
});
