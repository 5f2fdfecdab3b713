import fc from 'fast-check';
import { computeChangeMap } from '../../server/domain/reanchor/bounded-diff.js';
import { hunksTouching, mapEnd, mapStart } from '../../server/domain/reanchor/diff-map.js';
import { matchQuote } from '../../server/domain/reanchor/match-quote.js';
import { reanchorLabels } from '../../server/domain/reanchor/reanchor.js';
import type { ChangeMap } from '../../server/domain/reanchor/types.js';
import { quoteOf } from '../../server/domain/labels.js';
import type { Label } from '../../server/domain/types.js';
import { bigFixture, prng } from '../fixtures/reanchor/big-document.js';

function applyHunks(oldText: string, newText: string, map: ChangeMap): string {
  let out = '';
  let pos = 0;
  for (const h of map.hunks) {
    out += oldText.slice(pos, h.oldStart) + newText.slice(h.newStart, h.newEnd);
    pos = h.oldEnd;
  }
  return out + oldText.slice(pos);
}

function label(text: string, id: string, start: number, end: number, anchor: Label['anchor'] = { state: 'exact', method: 'created', fromRev: 1 }): Label {
  return { id, type: 'direct-quote', start, end, rev: 1, quote: quoteOf(text, start, end), annotator: 't', createdAt: 'c', updatedAt: 'u', anchor };
}

describe('computeChangeMap', () => {
  test('when the texts are identical, then there are no hunks', () => {
    expect(computeChangeMap('same text', 'same text')).toEqual({ oldLength: 9, newLength: 9, hunks: [], precision: 'identical' });
  });

  test('when one word is replaced, then there is exactly one hunk covering that word', () => {
    expect(computeChangeMap('the cat sat on the mat', 'the dog sat on the mat').hunks).toEqual([{ oldStart: 4, oldEnd: 7, newStart: 4, newEnd: 7 }]);
  });

  test('when any edits are made, then replaying the hunks on the old text gives the new text and hunks are ordered and apart', () => {
    const word = fc.constantFrom('a', 'the', 'cat', ' ', '\n', '.', '🎉', 'é', 'said');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 60 }), fc.array(word, { maxLength: 60 }), (a, b) => {
        const oldText = a.join('');
        const newText = b.join('');
        const map = computeChangeMap(oldText, newText);
        expect(applyHunks(oldText, newText, map)).toBe(newText);
        for (let i = 1; i < map.hunks.length; i++) expect(map.hunks[i].oldStart).toBeGreaterThan(map.hunks[i - 1].oldEnd);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  test('when two unrelated 200 KB texts are compared, then the diff gives up and counts everything as replaced', () => {
    const rand = prng(3);
    const words = (n: number, prefix: string) => Array.from({ length: n }, () => prefix + Math.floor(rand() * 5000)).join(' ');
    const oldText = words(30_000, 'w');
    const newText = words(30_000, 'z');
    const map = computeChangeMap(oldText, newText);
    expect(['coarse', 'none']).toContain(map.precision);
    expect(map.hunks).toEqual([{ oldStart: 0, oldEnd: oldText.length, newStart: 0, newEnd: newText.length }]);
  });
});

describe('mapping offsets through hunks', () => {
  const map = computeChangeMap('He said yes today.', 'He said, yes, today.');
  // Hunks: "," inserted at 7 and "," inserted at 11.

  test('when text is inserted at a span edge, then the span keeps its text and is not touched', () => {
    expect(map.hunks).toEqual([{ oldStart: 7, oldEnd: 7, newStart: 7, newEnd: 8 }, { oldStart: 11, oldEnd: 11, newStart: 12, newEnd: 13 }]);
    expect([mapStart(map, 8), mapEnd(map, 11)]).toEqual([9, 12]);
    expect(hunksTouching(map, 8, 11)).toEqual([]);
  });

  test('when text is inserted inside a span, then the span is touched and its end moves past it', () => {
    expect(hunksTouching(map, 3, 17)).toHaveLength(2);
    expect([mapStart(map, 3), mapEnd(map, 17)]).toEqual([3, 19]);
  });
});

describe('matchQuote', () => {
  const text = 'She said "we will win". He said "we will lose" later.';
  const quote = { exact: 'we will win', prefix: 'He said "', suffix: '" later.' };

  test('when an exact copy is blocked, then the approximate match near the hint is chosen', () => {
    const m = matchQuote(text, quote, { hint: 33, blocked: [{ start: 0, end: 24 }] });
    expect(m && [m.start, m.end, text.slice(m.start, m.end)]).toEqual([33, 45, 'we will lose']);
  });

  test('when nothing similar enough is left, then the answer is null', () => {
    expect(matchQuote('Completely different words here.', quote, { hint: 0 })).toBeNull();
  });

  test('when two identical copies have the same context, then the one nearest the hint wins', () => {
    const twice = 'x yes x. x yes x.';
    const m = matchQuote(twice, { exact: 'yes', prefix: 'x ', suffix: ' x' }, { hint: 12 });
    expect(m && m.start).toBe(11);
  });
});

describe('re-anchoring rules', () => {
  test('when a label waiting for review only moves, then it still waits for review with its earlier reason', () => {
    const oldText = 'Intro. He said "hello there".';
    const newText = 'New intro line. Intro. He said "hello there".';
    const l = label(oldText, 'a', 16, 27, { state: 'fuzzy', method: 'quote-approx', score: 0.9, fromRev: 1 });
    const { labels } = reanchorLabels([l], { oldText, newText, fromRev: 2, toRev: 3 }, computeChangeMap(oldText, newText));
    expect(labels[0]).toMatchObject({ start: 32, end: 43, rev: 3, anchor: { state: 'fuzzy', method: 'quote-approx', score: 0.9, fromRev: 1 } });
  });

  test('when an orphaned label\'s text is written again, then it is re-found for review and keeps the revision it came from', () => {
    const oldText = 'The mayor spoke.';
    const newText = 'The mayor spoke. A resident said "it took far too long to build".';
    const orphan: Label = { ...label('x', 'o', 0, 0), start: 16, end: 16, quote: { exact: 'it took far too long to build', prefix: 'A resident said "', suffix: '".' }, anchor: { state: 'orphaned', method: 'none', fromRev: 1 } };
    const { labels } = reanchorLabels([orphan], { oldText, newText, fromRev: 2, toRev: 3 }, computeChangeMap(oldText, newText));
    expect(labels[0]).toMatchObject({ start: 34, end: 63, rev: 3, anchor: { state: 'fuzzy', method: 'quote-exact', fromRev: 1 } });
  });

  test('when a moved sentence is also edited and the diff pairs only its first word and full stop with another sentence, then the label is not put on that other sentence', () => {
    const oldText = 'The mayor opened the bridge.\nThe council says the costs have doubled.\nMore soon.';
    const newText = 'The council says the costs have nearly doubled.\nThe mayor opened the bridge.\nMore soon.';
    const l = label(oldText, 'costs', 29, 69);
    const { labels } = reanchorLabels([l], { oldText, newText, fromRev: 1, toRev: 2 }, computeChangeMap(oldText, newText));
    expect(labels[0]).toMatchObject({ start: 48, end: 48, anchor: { state: 'orphaned', method: 'none', fromRev: 1 } });
  });

  test('when one word inside a span is removed and two are added, then the span runs between its kept first and last words, scored against its old quote', () => {
    const oldText = 'Officials said the new bridge will open in May, after long delays. No date was given.';
    const newText = 'Officials said the bridge will definitely open after long delays. No date was given.';
    const l = label(oldText, 'open', 15, 66);
    const { labels, report } = reanchorLabels([l], { oldText, newText, fromRev: 1, toRev: 2 }, computeChangeMap(oldText, newText));
    expect(labels[0]).toMatchObject({ start: 15, end: 65, anchor: { state: 'fuzzy', method: 'quote-approx', fromRev: 1 } });
    expect(report.needsReview.map((o) => [o.id, o.oldExact, o.exact])).toEqual([['open', 'the new bridge will open in May, after long delays.', 'the bridge will definitely open after long delays.']]);
  });

  test('when the whole 200 KB text is rewritten, then every label is orphaned or re-found by quote search, none by the diff', () => {
    const fx = bigFixture(11);
    const rand = prng(5);
    const newText = Array.from({ length: 30_000 }, () => 'z' + Math.floor(rand() * 5000)).join(' ');
    const labels = fx.labels.map((p) => label(fx.oldText, p.id, p.start, p.end));
    const { report } = reanchorLabels(labels, { oldText: fx.oldText, newText, fromRev: 1, toRev: 2 }, computeChangeMap(fx.oldText, newText));
    expect(report.counts).toEqual({ exact: 0, moved: 0, fuzzy: 0, orphaned: 500 });
    expect(new Set(report.labels.map((o) => o.method))).toEqual(new Set(['none']));
  });
});
