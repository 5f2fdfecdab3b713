import fc from 'fast-check';
import { OutletSums, documentFigures, type DocumentFigures } from '../../../server/domain/compare/outlet-sums.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';
import type { Label } from '../../../server/domain/types.js';

/**
 * The outlet table's rows are kept from one call to the next: a change makes again only the rows of
 * the groups it touched (at 100,000 documents the 864 month rows made and sorted again after every
 * label save took 10-15 ms), and the rows always equal those of sums counted afresh.
 */

function label(id: string, start: number, cue: string): Label {
  return { id, type: 'direct-quote', start, end: start + 5, rev: 1, quote: { exact: '', prefix: '', suffix: '' }, annotator: 't', createdAt: 'x', updatedAt: 'x', anchor: { state: 'exact', method: 'created', fromRev: 1 }, speaker: 'Ana Lopes', cue, sourcing: 'named' };
}

const SPELLINGS = ['Ledger', 'ledger', 'Courier', 'Herald', 'HERALD'];
const MONTHS = ['2025-01-10', '2025-02-10', '2025-03-10', undefined];

function doc(n: number, outlet: number, month: number, labels: number): CorpusDocument {
  return {
    id: `d${n}`,
    title: `d${n}`,
    outlet: SPELLINGS[outlet % SPELLINGS.length],
    ...(MONTHS[month % MONTHS.length] ? { publishedAt: MONTHS[month % MONTHS.length] } : {}),
    rev: 1,
    text: 'x'.repeat(100),
    labels: Array.from({ length: labels }, (_, k) => label(`l${n}-${k}`, k * 10, k % 2 ? 'claimed' : 'said')),
  };
}

function fresh(docs: Map<string, CorpusDocument>): OutletSums {
  const sums = new OutletSums();
  for (const d of docs.values()) sums.document(documentFigures(d)!, 1);
  return sums;
}

const json = (x: unknown) => JSON.parse(JSON.stringify(x));

test('when documents come, go and change outlet, month or labels between reads, then the rows and month rows equal those counted afresh', () => {
  const change = fc.tuple(fc.nat({ max: 12 }), fc.option(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 3 })), { nil: null }));
  fc.assert(
    fc.property(fc.array(fc.array(change, { maxLength: 5 }), { maxLength: 8 }), (steps) => {
      const sums = new OutletSums();
      const docs = new Map<string, CorpusDocument>();
      const figures = new Map<string, DocumentFigures>();
      for (const step of steps) {
        for (const [n, next] of step) {
          const id = `d${n}`;
          const old = figures.get(id);
          if (old) sums.document(old, -1);
          figures.delete(id);
          docs.delete(id);
          if (next) {
            const d = doc(n, ...next);
            const f = documentFigures(d)!;
            sums.document(f, 1);
            figures.set(id, f);
            docs.set(id, d);
          }
        }
        const again = fresh(docs);
        expect(json(sums.rows())).toEqual(json(again.rows()));
        expect(json(sums.months())).toEqual(json(again.months()));
      }
    }),
  );
});

test('when one document gains a label, then only the rows of its outlet and of its outlet\'s month are made again; the others are the rows given before', () => {
  const sums = new OutletSums();
  const docs = Array.from({ length: 40 }, (_, n) => doc(n, n % 4, n % 3, 1));
  for (const d of docs) sums.document(documentFigures(d)!, 1);
  const rows = sums.rows();
  const months = sums.months();

  sums.document(documentFigures(docs[5])!, -1);
  sums.document(documentFigures({ ...docs[5], labels: [...docs[5].labels, label('new', 50, 'claimed')] })!, 1);
  const rowsAfter = sums.rows();
  const monthsAfter = sums.months();

  const remade = (before: unknown[], after: unknown[]) => after.filter((r, i) => r !== before[i]).length;
  expect(remade(rows, rowsAfter)).toBe(1);
  expect(remade(months, monthsAfter)).toBe(1);
  expect(rowsAfter.find((r, i) => r !== rows[i])?.outlet.toLowerCase()).toBe('ledger');
  expect(monthsAfter.find((r, i) => r !== months[i])).toMatchObject({ month: '2025-03' });
  expect(sums.rows()).toBe(rowsAfter);
});
