import { computeChangeMap } from '../../server/domain/reanchor/bounded-diff.js';
import { reanchorLabels } from '../../server/domain/reanchor/reanchor.js';
import { quoteOf } from '../../server/domain/labels.js';
import type { Label } from '../../server/domain/types.js';
import { bigFixture } from '../fixtures/reanchor/big-document.js';

function toLabels(oldText: string, planned: { id: string; start: number; end: number }[]): Label[] {
  return planned.map((p) => ({
    id: p.id, type: 'opinion', start: p.start, end: p.end, rev: 1, quote: quoteOf(oldText, p.start, p.end),
    annotator: 'tester', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    anchor: { state: 'exact', method: 'created', fromRev: 1 },
  }));
}

describe('re-anchoring a 200 KB document with 500 labels through 50 scattered edits', () => {
  const fx = bigFixture();

  test('the fixture has the announced size', () => {
    expect(fx.oldText.length).toBeGreaterThanOrEqual(200_000);
    expect(fx.labels).toHaveLength(500);
    expect(fx.edits).toBe(50);
  });

  test('when the text is revised, then every label lands on its exact expected offsets and state', () => {
    const map = computeChangeMap(fx.oldText, fx.newText);
    const { labels, report } = reanchorLabels(toLabels(fx.oldText, fx.labels), { oldText: fx.oldText, newText: fx.newText, fromRev: 1, toRev: 2 }, map);

    expect(map.precision).toBe('words');
    expect(labels.map((l) => ({ id: l.id, state: l.anchor.state, start: l.start, end: l.end }))).toEqual(fx.expected);
    const expectedCounts = { exact: 0, moved: 0, fuzzy: 0, orphaned: 0 };
    for (const e of fx.expected) expectedCounts[e.state]++;
    expect(report.counts).toEqual(expectedCounts);
    expect(report.needsReview.map((o) => o.id)).toEqual(fx.expected.filter((e) => e.state === 'fuzzy').map((e) => e.id));
  });

  test('when the same text is revised, then labels that only moved keep their exact text', () => {
    const map = computeChangeMap(fx.oldText, fx.newText);
    const { labels } = reanchorLabels(toLabels(fx.oldText, fx.labels), { oldText: fx.oldText, newText: fx.newText, fromRev: 1, toRev: 2 }, map);
    for (const [i, l] of labels.entries()) {
      if (l.anchor.state === 'moved' || l.anchor.state === 'exact') {
        expect(fx.newText.slice(l.start, l.end)).toBe(fx.oldText.slice(fx.labels[i].start, fx.labels[i].end));
      }
    }
  });
});
