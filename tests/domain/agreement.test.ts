import { agreement, cohenKappa } from '../../server/domain/agreement.js';
import type { Label } from '../../server/domain/types.js';

const span = (annotator: string, type: string, start: number, end: number) =>
  ({ annotator, type, start, end, anchor: { state: 'exact', method: 'created', fromRev: 1 } }) as Pick<Label, 'type' | 'start' | 'end' | 'annotator' | 'anchor'>;
const TEXT = 'one two three four five six seven eight';

describe('agreement', () => {
  test('when two annotators label the same spans, then every figure is 1', () => {
    const [pair] = agreement([{ text: TEXT, labels: [span('a', 'opinion', 0, 7), span('b', 'opinion', 0, 7)] }]);
    expect(pair).toEqual({ annotators: ['a', 'b'], documents: 1, labels: [1, 1], exactF1: 1, overlapF1: 1, kappa: 1 });
  });

  test('when spans overlap by more than half but not exactly, then exact F1 is 0 and overlap F1 is 1', () => {
    const [pair] = agreement([{ text: TEXT, labels: [span('a', 'opinion', 0, 13), span('b', 'opinion', 4, 13)] }]);
    expect([pair.exactF1, pair.overlapF1]).toEqual([0, 1]);
  });

  test('when the types differ, then nothing matches', () => {
    const [pair] = agreement([{ text: TEXT, labels: [span('a', 'opinion', 0, 7), span('b', 'direct-quote', 0, 7)] }]);
    expect([pair.exactF1, pair.overlapF1]).toEqual([0, 0]);
  });

  test('when only one annotator labelled a document, then it is not compared', () => {
    expect(agreement([{ text: TEXT, labels: [span('a', 'opinion', 0, 7)] }])).toEqual([]);
  });

  test('Cohen’s kappa on a textbook table (20 agree yes, 15 agree no, 10+5 disagree) is 0.4', () => {
    const a = [...Array(20).fill('y'), ...Array(15).fill('n'), ...Array(10).fill('y'), ...Array(5).fill('n')];
    const b = [...Array(20).fill('y'), ...Array(15).fill('n'), ...Array(10).fill('n'), ...Array(5).fill('y')];
    expect(cohenKappa(a, b)).toBe(0.4);
  });
});
