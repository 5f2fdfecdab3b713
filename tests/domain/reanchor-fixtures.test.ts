import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { computeChangeMap } from '../../server/domain/reanchor/bounded-diff.js';
import { reanchorLabels } from '../../server/domain/reanchor/reanchor.js';
import { quoteOf } from '../../server/domain/labels.js';
import { normalizeText } from '../../server/domain/text.js';
import type { Label } from '../../server/domain/types.js';

interface Fixture {
  description: string;
  old: string;
  new: string;
  normalizeNew?: boolean;
  labels: { id: string; exact: string; occurrence?: number }[];
  expect: { id: string; state: string; method: string; start: number; end: number; exact: string }[];
}

const FIXTURES_DIR = resolve('tests/fixtures/reanchor');
const fixtures = readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(FIXTURES_DIR, f), 'utf8')) as Fixture] as const);

/** A label on the `occurrence`-th copy of `exact` in `text` (UTF-16 offsets), anchored exactly on rev 1. */
export function labelOn(text: string, id: string, exact: string, occurrence = 0): Label {
  let start = -1;
  for (let k = 0; k <= occurrence; k++) start = text.indexOf(exact, start + 1);
  if (start === -1) throw new Error(`fixture label ${id}: "${exact}" not in the text`);
  const end = start + exact.length;
  return {
    id, type: 'direct-quote', start, end, rev: 1, quote: quoteOf(text, start, end),
    annotator: 'tester', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
    anchor: { state: 'exact', method: 'created', fromRev: 1 },
  };
}

describe('re-anchoring named fixtures', () => {
  test.each(fixtures)('%s: when the text is revised, then each label lands as expected', (_name, fx) => {
    const newText = fx.normalizeNew ? normalizeText(fx.new) : fx.new;
    const labels = fx.labels.map((l) => labelOn(fx.old, l.id, l.exact, l.occurrence));

    const { labels: moved, report } = reanchorLabels(labels, { oldText: fx.old, newText, fromRev: 1, toRev: 2 }, computeChangeMap(fx.old, newText));

    const got = moved.map((l) => ({ id: l.id, state: l.anchor.state, method: l.anchor.method, start: l.start, end: l.end, exact: newText.slice(l.start, l.end) }));
    expect(got).toEqual(fx.expect);
    for (const l of moved) {
      expect(l.rev).toBe(2);
      if (l.anchor.state !== 'orphaned') expect(l.quote).toEqual(quoteOf(newText, l.start, l.end));
    }
    expect(report.labels.map((o) => [o.id, o.state])).toEqual(fx.expect.map((e) => [e.id, e.state]));
  });
});
