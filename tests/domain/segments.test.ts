import { assignLanes, segmentText, splitIntoParts, type DrawnSpan } from '../../server/domain/segments.js';
import { prng } from '../helpers/prng.js';

// Offsets are UTF-16 code units, end exclusive. Paragraph 1 is [0, 9), paragraph 2 is [11, 17).
//            0123456789 0 1234567
const TEXT = 'Ab cd ef.\n\nGh ij.';
const seg = (start: number, end: number, spanIds: string[] = []) => ({ start, end, text: TEXT.slice(start, end), spanIds });

describe('segmentText', () => {
  test('when there are no spans, then each paragraph is one segment and the line breaks between them are left out', () => {
    expect(segmentText(TEXT, [])).toEqual([
      { start: 0, end: 9, segments: [seg(0, 9)] },
      { start: 11, end: 17, segments: [seg(11, 17)] },
    ]);
  });

  test('when one span is nested in another, then the inner words carry both ids, outermost first', () => {
    expect(segmentText(TEXT, [{ id: 'inner', start: 3, end: 5 }, { id: 'outer', start: 0, end: 8 }])[0].segments).toEqual([
      seg(0, 3, ['outer']),
      seg(3, 5, ['outer', 'inner']),
      seg(5, 8, ['outer']),
      seg(8, 9),
    ]);
  });

  test('when two spans overlap, then the shared words carry both ids, the earlier-starting one first', () => {
    expect(segmentText(TEXT, [{ id: 'b', start: 3, end: 8 }, { id: 'a', start: 0, end: 5 }])[0].segments).toEqual([
      seg(0, 3, ['a']),
      seg(3, 5, ['a', 'b']),
      seg(5, 8, ['b']),
      seg(8, 9),
    ]);
  });

  test('when spans share a start, then the longer is outermost; when they are identical, then they are ordered by id', () => {
    const spans = [{ id: 'z', start: 0, end: 2 }, { id: 'short', start: 0, end: 2 }, { id: 'long', start: 0, end: 5 }];
    expect(segmentText(TEXT, spans)[0].segments).toEqual([seg(0, 2, ['long', 'short', 'z']), seg(2, 5, ['long']), seg(5, 9)]);
  });

  test('when a span crosses a paragraph break, then it is drawn in both paragraphs and not on the break', () => {
    expect(segmentText(TEXT, [{ id: 'x', start: 6, end: 14 }])).toEqual([
      { start: 0, end: 9, segments: [seg(0, 6), seg(6, 9, ['x'])] },
      { start: 11, end: 17, segments: [seg(11, 14, ['x']), seg(14, 17)] },
    ]);
  });

  test('when a window cuts a paragraph and a span, then only the window is cut and the span is clipped to it', () => {
    expect(segmentText(TEXT, [{ id: 'x', start: 6, end: 14 }], { start: 3, end: 12 })).toEqual([
      { start: 3, end: 9, segments: [seg(3, 6), seg(6, 9, ['x'])] },
      { start: 11, end: 12, segments: [seg(11, 12, ['x'])] },
    ]);
  });

  test('when spans are empty or lie outside the window, then they are not drawn', () => {
    const spans = [{ id: 'empty', start: 4, end: 4 }, { id: 'before', start: 0, end: 3 }, { id: 'after', start: 14, end: 17 }];
    expect(segmentText(TEXT, spans, { start: 3, end: 9 })).toEqual([{ start: 3, end: 9, segments: [seg(3, 9)] }]);
  });

  test('when a span ends exactly where the window starts, then it is not drawn in the window; one starting there is', () => {
    const spans = [{ id: 'ends', start: 0, end: 11 }, { id: 'starts', start: 11, end: 13 }];
    expect(segmentText(TEXT, spans, { start: 11, end: 17 })).toEqual([{ start: 11, end: 17, segments: [seg(11, 13, ['starts']), seg(13, 17)] }]);
  });

  test('when the text is cut into parts and each part is segmented, then together they equal the whole text segmented (random spans)', () => {
    const rnd = prng(14);
    const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} has a few words in it.`).join('\n\n');
    const spans: DrawnSpan[] = Array.from({ length: 120 }, (_, i) => {
      const start = Math.floor(rnd() * (text.length - 1));
      return { id: `s${i}`, start, end: Math.min(text.length, start + 1 + Math.floor(rnd() * 200)) };
    });
    const parts = splitIntoParts(text, spans.map((s) => s.start).sort((a, b) => a - b), { maxChars: 300, maxLabels: 10 });
    expect(parts.length).toBeGreaterThan(5);
    const flat = (ps: ReturnType<typeof segmentText>) => ps.flatMap((p) => p.segments);
    expect(parts.flatMap((w) => flat(segmentText(text, spans, w)))).toEqual(flat(segmentText(text, spans)));
  });
});

describe('assignLanes', () => {
  test('when spans overlap in a chain, then neighbours get different lanes and a lane is reused once free', () => {
    const lanes = assignLanes([{ id: 'd', start: 8, end: 12 }, { id: 'c', start: 5, end: 9 }, { id: 'b', start: 3, end: 8 }, { id: 'a', start: 0, end: 5 }]);
    expect(Object.fromEntries(lanes)).toEqual({ a: 0, b: 1, c: 0, d: 1 });
  });

  test('when two spans nest inside a third one after the other, then both sit in the second lane', () => {
    expect(Object.fromEntries(assignLanes([{ id: 'j', start: 5, end: 7 }, { id: 'i', start: 2, end: 4 }, { id: 'o', start: 0, end: 10 }]))).toEqual({ o: 0, i: 1, j: 1 });
  });

  test('when two spans are identical, then they get lanes 0 and 1 by id whatever the input order', () => {
    expect(Object.fromEntries(assignLanes([{ id: 'y', start: 0, end: 5 }, { id: 'x', start: 0, end: 5 }]))).toEqual({ x: 0, y: 1 });
  });

  test('when many spans are drawn, then no two overlapping spans share a lane (random spans)', () => {
    const rnd = prng(7);
    const spans = Array.from({ length: 300 }, (_, i) => {
      const start = Math.floor(rnd() * 5000);
      return { id: `s${i}`, start, end: start + 1 + Math.floor(rnd() * 100) };
    });
    const lanes = assignLanes(spans);
    const clashes = spans.flatMap((a) => spans.filter((b) => a.id < b.id && a.start < b.end && b.start < a.end && lanes.get(a.id) === lanes.get(b.id)).map((b) => `${a.id}/${b.id}`));
    expect(clashes).toEqual([]);
  });
});

describe('splitIntoParts', () => {
  test('when the text is within both limits, then it is one part', () => {
    expect(splitIntoParts('short text', [0, 3], { maxChars: 100, maxLabels: 5 })).toEqual([{ start: 0, end: 10 }]);
  });

  test('when the text is too long, then each part ends just after a line break', () => {
    expect(splitIntoParts('aaaa\nbbbb\ncccc\n', [], { maxChars: 8, maxLabels: 100 })).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 10 },
      { start: 10, end: 15 },
    ]);
  });

  test('when a paragraph is longer than the limit, then it is cut after the last space before the limit, or hard at the limit', () => {
    expect(splitIntoParts('aaa bbb ccc ddd', [], { maxChars: 6, maxLabels: 100 })).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 12 },
      { start: 12, end: 15 },
    ]);
    expect(splitIntoParts('abcdefghij', [], { maxChars: 4, maxLabels: 100 })).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 8 },
      { start: 8, end: 10 },
    ]);
  });

  test('when more labels start in a stretch than the label limit, then the part ends at the line break before the next label', () => {
    expect(splitIntoParts('p1\np2\np3\np4\n', [0, 3, 6, 9], { maxChars: 100, maxLabels: 2 })).toEqual([
      { start: 0, end: 6 },
      { start: 6, end: 12 },
    ]);
  });

  test('when every label starts at the same offset, then a part still moves forward (no empty part, no endless loop)', () => {
    const parts = splitIntoParts('one two three four', [4, 4, 4, 4, 4], { maxChars: 100, maxLabels: 2 });
    expect(parts[0].start).toBe(0);
    expect(parts.every((p) => p.end > p.start)).toBe(true);
    expect(parts.map((p) => p.end).at(-1)).toBe(18);
  });
});

describe('cost grows with the labels, not with labels x segments', () => {
  /** Spans that count how often their offsets are read: a measure of work that does not depend on timing. */
  function countedSpans(n: number): { spans: DrawnSpan[]; reads: () => number } {
    let reads = 0;
    const spans = Array.from({ length: n }, (_, i) => {
      const start = i * 10;
      const end = start + 25; // each span overlaps the next two: bounded overlap, like real labels
      return {
        id: `s${String(i).padStart(6, '0')}`,
        get start() {
          reads++;
          return start;
        },
        get end() {
          reads++;
          return end;
        },
      };
    });
    return { spans, reads: () => reads };
  }
  const textOf = (n: number) => 'word '.repeat(2 * n + 10);

  test('when there are 8 times as many labels, then the output is 8 times as large, give or take a constant', () => {
    const size = (n: number) => {
      const out = segmentText(textOf(n), countedSpans(n).spans);
      const segments = out.flatMap((p) => p.segments);
      return { segments: segments.length, ids: segments.reduce((sum, s) => sum + s.spanIds.length, 0) };
    };
    const small = size(1000);
    const large = size(8000);
    // 2n distinct boundaries cut one paragraph into 2n segments; a span [10i, 10i+25) is cut at
    // 10i+5, +10, +15, +20 into 5 segments, less 6 at the two ends of the chain.
    expect(small).toEqual({ segments: 2 * 1000, ids: 5 * 1000 - 6 });
    expect(large).toEqual({ segments: 2 * 8000, ids: 5 * 8000 - 6 });
  });

  test('when there are 8 times as many labels, then segmentText and assignLanes read the offsets at most about 8 x log times as often (quadratic would be 64x)', () => {
    const work = (n: number, run: (spans: DrawnSpan[]) => unknown) => {
      const counted = countedSpans(n);
      run(counted.spans);
      return counted.reads();
    };
    for (const run of [(s: DrawnSpan[]) => segmentText(textOf(s.length), s), (s: DrawnSpan[]) => assignLanes(s)]) {
      const ratio = work(8000, run) / work(1000, run);
      expect(ratio).toBeLessThan(12);
      expect(ratio).toBeGreaterThan(7);
    }
  });
});
