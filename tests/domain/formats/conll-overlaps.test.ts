import fc from 'fast-check';
import { resolveOverlaps, type TaggableSpan } from '../../../server/domain/formats/conll-overlaps.js';
import type { Token } from '../../../server/domain/formats/conll-tokenizer.js';

/** The rule written the slow, obvious way (every span scans every token): the reference. */
function reference(tokens: Token[], spans: TaggableSpan[]) {
  const range = (s: TaggableSpan): [number, number] | null => {
    const hit = tokens.map((t, i) => (t.end > s.start && t.start < s.end ? i : -1)).filter((i) => i >= 0);
    return hit.length ? [hit[0], hit[hit.length - 1]] : null;
  };
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const covered = spans.map((span) => ({ span, r: range(span) }));
  const order = covered.filter((c) => c.r).sort((a, b) => b.r![1] - b.r![0] - (a.r![1] - a.r![0]) || a.span.start - b.span.start || cmp(a.span.type, b.span.type) || cmp(a.span.id, b.span.id));
  const owner = new Array<boolean>(tokens.length).fill(false);
  const kept: { id: string; first: number; last: number }[] = [];
  const dropped = covered.filter((c) => !c.r).map((c) => c.span.id);
  for (const { span, r } of order) {
    let best: [number, number] | null = null;
    for (let t = r![0]; t <= r![1]; t++) {
      if (owner[t]) continue;
      let e = t;
      while (e + 1 <= r![1] && !owner[e + 1]) e++;
      if (!best || e - t > best[1] - best[0]) best = [t, e];
      t = e;
    }
    if (!best) dropped.push(span.id);
    else {
      for (let t = best[0]; t <= best[1]; t++) owner[t] = true;
      kept.push({ id: span.id, first: best[0], last: best[1] });
    }
  }
  return { kept: kept.sort((a, b) => a.first - b.first), dropped };
}

describe('CoNLL overlap resolution', () => {
  test('when spans overlap and nest at random, then the fast resolution keeps and drops exactly what the rule says', () => {
    const tokens: Token[] = Array.from({ length: 60 }, (_, i) => ({ start: i * 3, end: i * 3 + 2 }));
    const span = fc.tuple(fc.integer({ min: 0, max: 185 }), fc.integer({ min: 1, max: 120 }), fc.constantFrom('a', 'b')).map(([start, len, type]) => ({ start, end: start + len, type }));
    fc.assert(
      fc.property(fc.array(span, { maxLength: 40 }), (raw) => {
        const spans = raw.map((s, i) => ({ ...s, id: `s${String(i).padStart(2, '0')}` }));
        const fast = resolveOverlaps(tokens, spans);
        const slow = reference(tokens, spans);
        expect(fast.kept.map((k) => ({ id: k.span.id, first: k.first, last: k.last }))).toEqual(slow.kept);
        expect(fast.dropped.map((s) => s.id).sort()).toEqual([...slow.dropped].sort());
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
