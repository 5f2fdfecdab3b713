import { coveredLength, outletList, outletStats } from '../../../server/domain/compare/outlet-stats.js';
import { speakerList, speakerStatements } from '../../../server/domain/compare/speakers.js';
import { filterClusters } from '../../../server/domain/compare/filters.js';
import { barChart } from '../../../server/domain/compare/bar-chart.js';
import { findStatements } from '../../../server/domain/compare/statements.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';
import type { Label } from '../../../server/domain/types.js';

function label(id: string, type: string, start: number, end: number, extra: Partial<Label> = {}): Label {
  return { id, type, start, end, rev: 1, quote: { exact: '', prefix: '', suffix: '' }, annotator: 't', createdAt: 'x', updatedAt: 'x', anchor: { state: 'exact', method: 'created', fromRev: 1 }, ...extra };
}

const A = '“We have got to stop the flow of weapons across the border,” Smith said. Officials warned that talks may fail.';
const B = 'Smith said: “We’ve got to stop the flow of weapons across the border.” The weather was mild.';
const docs: CorpusDocument[] = [
  { id: 'a', title: 'A', outlet: 'Ledger', publishedAt: '2024-01-02', rev: 1, text: A, labels: [
    label('l1', 'direct-quote', 1, 58, { speaker: 'John Smith', cue: 'said', sourcing: 'named' }),
    label('l2', 'reported-claim', 73, 112, { cue: 'warned', sourcing: 'anonymous' }),
    label('l3', 'reported-claim', 90, 112, { cue: 'Warned' }),
  ] },
  { id: 'b', title: 'B', outlet: 'Courier', publishedAt: '2024-01-01', rev: 1, text: B, labels: [] },
];
const { clusters } = findStatements(docs);

describe('outlet and speaker statistics', () => {
  test('when spans overlap, then covered length counts shared characters once', () => {
    expect(coveredLength([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 20, end: 22 }])).toBe(17);
  });

  test('when an outlet has labels, then shares, sourcing, cues and shared statements are exact', () => {
    const s = outletStats(docs, clusters, 'ledger', ['direct-quote', 'reported-claim', 'opinion'])!;
    expect(s.outlet).toBe('Ledger');
    expect(s.textLength).toBe(A.length);
    expect(s.textShare).toEqual([
      { type: 'direct-quote', chars: 57, share: 57 / A.length },
      { type: 'reported-claim', chars: 39, share: 39 / A.length },
      { type: 'opinion', chars: 0, share: 0 },
    ]);
    expect(s.claimSourcing).toEqual([
      { sourcing: 'named', count: 0 },
      { sourcing: 'anonymous', count: 1 },
      { sourcing: 'document', count: 0 },
      { sourcing: 'unattributed', count: 0 },
      { sourcing: 'unset', count: 1 },
    ]);
    expect(s.cues).toEqual([{ cue: 'warned', count: 2 }, { cue: 'said', count: 1 }]);
    expect(s.shared).toEqual([{ kind: 'verbatim', count: 1 }, { kind: 'cut', count: 0 }, { kind: 'altered', count: 0 }]);
    expect(s.sharedClusters.map((c) => c.id)).toEqual([clusters[0].id]);
  });

  test('when no document has the outlet, then there are no statistics', () => {
    expect(outletStats(docs, clusters, 'Nobody', ['opinion'])).toBeNull();
    expect(outletList(docs)).toEqual([{ outlet: 'Courier', documents: 1 }, { outlet: 'Ledger', documents: 1 }]);
  });

  test('when a speaker is labelled in one outlet, then the unlabelled rendering elsewhere is listed too, by date', () => {
    expect(speakerList(docs)).toEqual([{ speaker: 'John Smith', labels: 1 }]);
    const found = speakerStatements(docs, clusters, 'john  smith')!;
    expect(found.speaker).toBe('John Smith');
    expect(found.statements.map((s) => [s.documentId, s.publishedAt, s.type, s.text, s.clusterId])).toEqual([
      ['b', '2024-01-01', null, 'We’ve got to stop the flow of weapons across the border', clusters[0].id],
      ['a', '2024-01-02', 'direct-quote', 'We have got to stop the flow of weapons across the border', clusters[0].id],
    ]);
    expect(speakerStatements(docs, clusters, 'Nobody')).toBeNull();
  });

  test('when filtering clusters, then speaker and outlet compare case-insensitively and type exactly', () => {
    expect(filterClusters(clusters, { speaker: 'JOHN SMITH', minDocuments: 2 })).toHaveLength(1);
    expect(filterClusters(clusters, { outlet: 'courier', type: 'direct-quote', minDocuments: 2 })).toHaveLength(1);
    expect(filterClusters(clusters, { type: 'opinion', minDocuments: 2 })).toHaveLength(0);
  });

  test('when charting values, then bar widths scale to the largest value and zero gets no bar', () => {
    const chart = barChart([{ label: 'said', value: 4 }, { label: 'warned', value: 2 }, { label: 'none', value: 0 }], { width: 400, labelWidth: 100 });
    expect(chart.bars.map((b) => [b.label, b.width, b.valueText, b.y])).toEqual([
      ['said', 240, '4', 8],
      ['warned', 120, '2', 34],
      ['none', 0, '0', 60],
    ]);
    expect(chart.height).toBe(86);
  });
});
