import { CodePointIndex } from '../../../server/domain/formats/code-points.js';
import { normalizeWithOffsets } from '../../../server/domain/formats/normalize-spans.js';
import { tokenize } from '../../../server/domain/formats/conll-tokenizer.js';
import { resolveOverlaps } from '../../../server/domain/formats/conll-overlaps.js';
import { parseBrat } from '../../../server/domain/formats/brat.js';
import { safeCell } from '../../../server/domain/formats/csv.js';
import { idFromFileName } from '../../../server/domain/formats/drafts.js';

describe('code point offsets', () => {
  const text = 'a😀b👍🏽c';
  const ix = new CodePointIndex(text);

  test('when a text has astral characters, then UTF-16 offsets map to code points and back at every boundary', () => {
    expect([0, 1, 3, 4, 6, 8, 9].map((u) => ix.toCodePoint(u))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => ix.toUtf16(c))).toEqual([0, 1, 3, 4, 6, 8, 9]);
  });

  test('when a code point offset is past the end, negative or fractional, then there is no UTF-16 offset', () => {
    expect([7, -1, 1.5].map((c) => ix.toUtf16(c))).toEqual([null, null, null]);
  });
});

describe('normalising a text with spans in it', () => {
  test('when a text has CRLF line endings, then offsets after them shift by the removed CRs', () => {
    const r = normalizeWithOffsets('ab\r\ncd\r\nef', [4, 6, 8, 10])!;
    expect(r.text).toBe('ab\ncd\nef');
    expect([4, 6, 8, 10].map((o) => r.map.get(o))).toEqual([3, 5, 6, 8]);
  });

  test('when a boundary falls between a letter and its combining accent, then it cannot be mapped', () => {
    expect(normalizeWithOffsets('cafe\u0301 noir', [4])).toBeNull();
  });
});

describe('the CoNLL tokenizer and overlap rule', () => {
  test('when text has contractions, numbers, punctuation and emoji with modifiers, then each is one token', () => {
    const text = 'He said: “don’t pay 1,000.5 👍🏽 now.”';
    expect(tokenize(text).map((t) => text.slice(t.start, t.end))).toEqual(['He', 'said', ':', '“', 'don’t', 'pay', '1,000.5', '👍🏽', 'now', '.', '”']);
  });

  test('when labels overlap, then the one with more tokens wins, a partly covered one keeps its free run, a fully covered one is dropped', () => {
    const text = 'one two three four five six';
    const tokens = tokenize(text);
    const long = { id: 'long', type: 'q', start: 4, end: 18 }; // two three four
    const nested = { id: 'nested', type: 'o', start: 8, end: 13 }; // three
    const crossing = { id: 'cross', type: 'c', start: 14, end: 27 }; // four five six
    const r = resolveOverlaps(tokens, [nested, crossing, long]);
    expect(r.kept.map((k) => [k.span.id, k.first, k.last])).toEqual([['long', 1, 3], ['cross', 4, 5]]);
    expect(r.dropped.map((s) => s.id)).toEqual(['nested']);
    expect(r.trimmed.map((s) => s.id)).toEqual(['cross']);
  });

  test('when two labels cover the same number of tokens, then the earlier start wins', () => {
    const tokens = tokenize('a b c');
    const r = resolveOverlaps(tokens, [{ id: 'y', type: 't', start: 2, end: 5 }, { id: 'x', type: 't', start: 0, end: 3 }]);
    expect(r.kept.map((k) => [k.span.id, k.first, k.last])).toEqual([['x', 0, 1], ['y', 2, 2]]);
  });

  test('when a label edge cuts through a word, then the whole word is tagged and the label counted as misaligned', () => {
    const r = resolveOverlaps(tokenize('unbelievable news'), [{ id: 'm', type: 't', start: 2, end: 12 }]);
    expect(r.kept.map((k) => [k.first, k.last])).toEqual([[0, 0]]);
    expect(r.misaligned.map((s) => s.id)).toEqual(['m']);
  });
});

describe('brat standoff parsing', () => {
  test('when a span is discontinuous across other text, then it becomes one label over its extent and a note says so', () => {
    const r = parseBrat('Ana, he said, left.', 'T1\tQuote 0 3;14 18\tAna left\n', 'x.ann', {});
    expect(r.errors).toEqual([]);
    expect(r.labels).toEqual([{ source: 'T1', type: 'Quote', start: 0, end: 18 }]);
    expect(r.notes).toEqual(['x.ann:1: T1 is discontinuous (0 3;14 18); imported as one label over its whole extent']);
  });

  test('when a T line\'s text does not match the offsets, then the error quotes both with file and line', () => {
    const r = parseBrat('Ana left.', '\nT1\tPerson 0 3\tBob\n', 'x.ann', {});
    expect(r.errors).toEqual([{ file: 'x.ann', line: 2, message: 'T1: its text "Bob" does not match the text at 0 3: "Ana"' }]);
  });

  test('when offsets count code points after an emoji and the text has CRLF, then the stored span covers the same text', () => {
    const r = parseBrat('😀 hi\r\nAna left.', 'T1\tPerson 6 9\tAna\n', 'x.ann', {});
    expect(r.text).toBe('😀 hi\nAna left.');
    expect(r.labels.map((l) => r.text.slice(l.start, l.end))).toEqual(['Ana']);
  });

  test('when a line is not standoff at all, then it is an error, not silently ignored', () => {
    expect(parseBrat('x', 'hello world\n', 'x.ann', {}).errors).toEqual([{ file: 'x.ann', line: 1, message: 'not a brat standoff line: "hello world"' }]);
  });
});

describe('small rules', () => {
  test.each([
    ['=1+2', "'=1+2"], ['+44 20', "'+44 20"], ['-3', "'-3"], ['@SUM(A1)', "'@SUM(A1)"], ['\tx', "'\tx"], ['plain', 'plain'], ['', ''],
  ])('when a csv cell is %j, then it is written %j', (cell, out) => {
    expect(safeCell(cell)).toBe(out);
  });

  test.each([
    ['dir/My Article (2).txt', 'My-Article-2'], ['000-intro.ann', '000-intro'], ['..txt', null], ['_x.txt', 'x'],
  ])('when a file is named %j, then its document id is %j', (name, id) => {
    expect(idFromFileName(name)).toBe(id);
  });
});
