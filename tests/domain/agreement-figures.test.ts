import { cohenKappa, combine, documentStats, krippendorffAlpha, MAX_AGREEMENT_ANNOTATORS } from '../../server/domain/agreement.js';
import type { Label } from '../../server/domain/types.js';

const span = (annotator: string, start: number, end: number, type = 'opinion') => ({ annotator, start, end, type, anchor: { state: 'exact' } }) as Pick<Label, 'annotator' | 'start' | 'end' | 'type' | 'anchor'>;

describe("Krippendorff's alpha (nominal)", () => {
  test("when given Krippendorff's own 4-coder, 12-unit reliability table with missing values, then alpha = 0.743", () => {
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C (nominal data).
    const A = ['1', '2', '3', '3', '2', '1', '4', '1', '2', null, null, null];
    const B = ['1', '2', '3', '3', '2', '2', '4', '1', '2', '5', null, '3'];
    const C = [null, '3', '3', '3', '2', '3', '4', '2', '2', '5', '1', null];
    const D = ['1', '2', '3', '3', '2', '4', '4', '1', '2', '5', '1', null];
    const units = A.map((_, u) => [A[u], B[u], C[u], D[u]]);
    expect(krippendorffAlpha(units)).toBe(0.743);
  });

  test('when coders agree everywhere, then alpha = 1; when there is no variation at all, then it is undefined (null)', () => {
    expect(krippendorffAlpha([['a', 'a'], ['b', 'b'], ['a', 'a', null]])).toBe(1);
    expect(krippendorffAlpha([['a', 'a'], ['a', 'a']])).toBeNull();
  });

  test('when two coders are at chance level, then alpha is about 0 (1 - (n-1)·Do/De, hand-worked)', () => {
    const a = [...Array(50).fill('q'), ...Array(50).fill('n')];
    const b = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 'q' : 'n'));
    // n = 200 values, 100 q and 100 n; 50 agreeing units of 2 give agreement mass 100; 1 - 199·100/(200² - 2·100²) = 0.005
    expect(krippendorffAlpha(a.map((v, i) => [v, b[i]]))).toBe(0.005);
    expect(cohenKappa(a, b)).toBe(0);
  });
});

describe("Cohen's kappa", () => {
  test('when A = q q - - and B = q - - -, then po = 3/4, pe = 1/2 and kappa = 0.5', () => {
    expect(cohenKappa(['q', 'q', 'none', 'none'], ['q', 'none', 'none', 'none'])).toBe(0.5);
  });
});

describe('documents', () => {
  const text = 'w1 w2 w3 w4';

  test('when two annotators label overlapping words, then exact F1, overlap F1, kappa and alpha are the hand-worked figures', () => {
    // ana: "w1 w2" (tokens op op - -); ben: "w1" (op - - -). Overlap ratio 2/5 < 1/2: no overlap match.
    const s = documentStats({ id: 'd', text, labels: [span('ana', 0, 5), span('ben', 0, 2)] });
    const figures = combine([s]);
    expect(figures.pairs).toEqual([{ annotators: ['ana', 'ben'], documents: 1, labels: [1, 1], exactF1: 0, overlapF1: 0, kappa: 0.5 }]);
    // units (op,op) (op,-) (-,-) (-,-): n = 8, agreement mass 6, 3 op and 5 none: 1 - 7·2/(64 - 34) = 0.533
    expect(figures.alpha).toBe(0.533);
    expect(figures.types).toEqual([{ type: 'opinion', alpha: 0.533, pairs: [expect.objectContaining({ exactF1: 0, kappa: 0.5 })] }]);
  });

  test('when annotators agree perfectly, then every figure is 1', () => {
    const s = documentStats({ id: 'd', text, labels: [span('ana', 0, 5), span('ben', 0, 5), span('cy', 0, 5)] });
    const figures = combine([s]);
    expect(figures.alpha).toBe(1);
    expect(figures.pairs.map((p) => [p.exactF1, p.overlapF1, p.kappa])).toEqual([[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  });

  test('when an annotator was assigned but labelled nothing, then they count (all "none"); one who was not is missing data', () => {
    const assigned = combine([documentStats({ id: 'd', text, labels: [span('ana', 0, 5)], assigned: ['ana', 'ben'] })]);
    expect(assigned.pairs).toEqual([{ annotators: ['ana', 'ben'], documents: 1, labels: [1, 0], exactF1: 0, overlapF1: 0, kappa: 0 }]);
    expect(combine([documentStats({ id: 'd', text, labels: [span('ana', 0, 5)] })]).pairs).toEqual([]);
  });

  test('when gold labels are present, then they are left out of agreement', () => {
    const gold = { ...span('ed', 0, 2), layer: 'gold' };
    const s = documentStats({ id: 'd', text, labels: [span('ana', 0, 5), span('ben', 0, 5), gold] });
    expect(s.annotators).toEqual(['ana', 'ben']);
  });

  test(`when a document has more than ${MAX_AGREEMENT_ANNOTATORS} annotators, then it is marked and left out rather than computed`, () => {
    const labels = Array.from({ length: MAX_AGREEMENT_ANNOTATORS + 1 }, (_, i) => span(`a${String(i).padStart(2, '0')}`, 0, 2));
    const s = documentStats({ id: 'd', text, labels });
    expect(s.tooMany).toBe(true);
    expect(s.pairs.size).toBe(0);
  });
});
