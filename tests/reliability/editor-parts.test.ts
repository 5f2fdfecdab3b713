import fc from 'fast-check';
import { splitIntoParts, type PartLimits, type TextWindow } from '../../server/domain/segments.js';

/**
 * The editor's parts of a long text end at the last line break (else space) of their window; that
 * search now reads only the window (server/domain/segments.ts), where `lastIndexOf` read back to the
 * start of a text without line breaks for every part. The parts must be the same as the rule
 * written the obvious way.
 */
function reference(text: string, starts: number[], limits: PartLimits): TextWindow[] {
  if (text.length <= limits.maxChars && starts.length <= limits.maxLabels) return [{ start: 0, end: text.length }];
  const parts: TextWindow[] = [];
  let from = 0;
  let labelIndex = 0;
  while (from < text.length) {
    let end = Math.min(text.length, from + limits.maxChars);
    while (labelIndex < starts.length && starts[labelIndex] < from) labelIndex++;
    const overflow = labelIndex + limits.maxLabels;
    if (overflow < starts.length && starts[overflow] < end) end = Math.max(starts[overflow], from + 1);
    if (end < text.length) {
      const brk = text.lastIndexOf('\n', end - 1);
      if (brk > from) end = brk + 1;
      else {
        const space = text.lastIndexOf(' ', end - 1);
        if (space > from) end = space + 1;
      }
    }
    parts.push({ start: from, end });
    from = end;
  }
  return parts;
}

describe('editor parts of a long text', () => {
  test('when texts with and without line breaks and spaces are split, then the parts are those of lastIndexOf over the whole text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', ' ', '\n', 'é', '“'), { maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        (chars, rawStarts, maxChars, maxLabels) => {
          const text = chars.join('');
          const starts = rawStarts.filter((s) => s < text.length).sort((a, b) => a - b);
          expect(splitIntoParts(text, starts, { maxChars, maxLabels })).toEqual(reference(text, starts, { maxChars, maxLabels }));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('when a 2,000,000-character text has no line break, then it is cut at the last space of each 30,000-character window', () => {
    const sentence = 'Officials met again on Tuesday to discuss the shipping lanes and the grain corridor. ';
    const text = sentence.repeat(Math.ceil(2_000_000 / sentence.length)).slice(0, 2_000_000);
    const parts = splitIntoParts(text, [], { maxChars: 30_000, maxLabels: 300 });
    expect(parts).toEqual(reference(text, [], { maxChars: 30_000, maxLabels: 300 }));
    expect(parts).toHaveLength(67);
    for (const p of parts.slice(0, -1)) expect(text[p.end - 1]).toBe(' ');
  });
});
