import fc from 'fast-check';
import { bestLabel, bestLabelBySpan, labelsByStart } from '../../../server/domain/compare/build-cluster.js';
import type { Label } from '../../../server/domain/types.js';

function label(i: number, start: number, end: number, orphaned: boolean): Label {
  return { id: `l${i}`, type: 'opinion', start, end, rev: 1, quote: { exact: '', prefix: '', suffix: '' }, annotator: 't', createdAt: '', updatedAt: '', anchor: { state: orphaned ? 'orphaned' : 'exact', method: 'test', fromRev: 1 } } as unknown as Label;
}

describe('a rendering’s label looked up by position', () => {
  test('when labels are looked up through the sorted index, then the same label is chosen as by scanning them all, ties included', () => {
    const span = fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 60 }), fc.boolean());
    fc.assert(
      fc.property(fc.array(span, { maxLength: 120 }), fc.nat(200), fc.integer({ min: 1, max: 60 }), (spans, start, length) => {
        const labels = spans.map(([s, l, o], i) => label(i, s, s + l, o));
        expect(bestLabelBySpan(labelsByStart(labels), start, start + length)).toEqual(bestLabel(labels, start, start + length));
      }),
      { numRuns: 500 },
    );
  });
});
