import { drawSide, labelChanges, labelsAtRevision, textDiff } from '../../server/domain/revision-diff.js';
import { quoteOf } from '../../server/domain/labels.js';
import type { DocumentRecord, Label } from '../../server/domain/types.js';

function label(text: string, id: string, start: number, end: number, extra: Partial<Label> = {}): Label {
  return { id, type: 'direct-quote', start, end, rev: 1, quote: quoteOf(text, start, end), annotator: 't', createdAt: 'c', updatedAt: 'u', anchor: { state: 'exact', method: 'created', fromRev: 1 }, ...extra };
}

describe('textDiff', () => {
  test('when a word is replaced and a sentence added, then the parts are equal/delete/insert in reading order with both offsets', () => {
    expect(textDiff('The cat sat.', 'The dog sat. It purred.').parts).toEqual([
      { op: 'equal', text: 'The ', oldStart: 0, newStart: 0 },
      { op: 'delete', text: 'cat', oldStart: 4, newStart: 4 },
      { op: 'insert', text: 'dog', oldStart: 7, newStart: 4 },
      { op: 'equal', text: ' sat.', oldStart: 7, newStart: 7 },
      { op: 'insert', text: ' It purred.', oldStart: 12, newStart: 12 },
    ]);
  });

  test('when the texts are identical, then there is one equal part and precision "identical"', () => {
    expect(textDiff('Same.', 'Same.')).toEqual({ precision: 'identical', hunks: [], parts: [{ op: 'equal', text: 'Same.', oldStart: 0, newStart: 0 }] });
  });
});

describe('labelChanges', () => {
  const oldText = 'Alpha said yes. Beta said no. Gamma left.';
  const newText = 'Intro. Alpha said yes. Beta said maybe. Gamma left.';

  test('when labels are added, removed, moved, re-typed, re-worded and orphaned, then each change is named', () => {
    const from = [label(oldText, 'a', 0, 15), label(oldText, 'b', 16, 29), label(oldText, 'c', 30, 41), label(oldText, 'gone', 0, 5)];
    const to = [
      label(newText, 'a', 7, 22, { type: 'opinion' }),
      label(newText, 'b', 23, 39, { anchor: { state: 'fuzzy', method: 'quote-approx', score: 0.9, fromRev: 1 } }),
      { ...label(newText, 'c', 40, 40), quote: from[2].quote, anchor: { state: 'orphaned', method: 'none', fromRev: 1 } } as Label,
      label(newText, 'new', 0, 6, { speaker: 'Ed' }),
    ];
    expect(labelChanges(from, to)).toEqual([
      { id: 'a', kinds: ['moved', 'retyped'], from: { type: 'direct-quote', start: 0, end: 15, exact: 'Alpha said yes.', state: 'exact' }, to: { type: 'opinion', start: 7, end: 22, exact: 'Alpha said yes.', state: 'exact' } },
      { id: 'b', kinds: ['text-changed', 'moved'], from: { type: 'direct-quote', start: 16, end: 29, exact: 'Beta said no.', state: 'exact' }, to: { type: 'direct-quote', start: 23, end: 39, exact: 'Beta said maybe.', state: 'fuzzy' } },
      { id: 'c', kinds: ['orphaned'], from: { type: 'direct-quote', start: 30, end: 41, exact: 'Gamma left.', state: 'exact' }, to: { type: 'direct-quote', start: 40, end: 40, exact: 'Gamma left.', state: 'orphaned' } },
      { id: 'new', kinds: ['added'], from: null, to: { type: 'direct-quote', start: 0, end: 6, exact: 'Intro.', state: 'exact' } },
      { id: 'gone', kinds: ['removed'], from: { type: 'direct-quote', start: 0, end: 5, exact: 'Alpha', state: 'exact' }, to: null },
    ]);
  });

  test('when nothing changed, then the list is empty', () => {
    const same = [label(oldText, 'a', 0, 15)];
    expect(labelChanges(same, same)).toEqual([]);
  });
});

describe('labelsAtRevision and drawSide', () => {
  const doc: DocumentRecord = {
    id: 'd', meta: { title: 't' }, events: [],
    revisions: [
      { rev: 1, text: 'Old text here.', createdAt: 'c', author: 'a', message: 'm', labels: [label('Old text here.', 'x', 4, 8)] },
      { rev: 2, text: 'New text here.', createdAt: 'c', author: 'a', message: 'm' },
    ],
    labels: [label('New text here.', 'x', 4, 8, { rev: 2 })],
  };

  test('when a superseded revision is asked for, then its snapshot is returned; the latest gives the current labels; an unknown rev gives null', () => {
    expect(labelsAtRevision(doc, 1)!.map((l) => l.rev)).toEqual([1]);
    expect(labelsAtRevision(doc, 2)!.map((l) => l.rev)).toEqual([2]);
    expect(labelsAtRevision(doc, 3)).toBeNull();
  });

  test('when a side is drawn, then segments are cut at label and mark boundaries and carry both', () => {
    const paragraphs = drawSide('New text here.', doc.labels, [{ start: 0, end: 3 }]);
    expect(paragraphs[0].segments.map((s) => [s.text, s.marked, s.layers.map((l) => l.id)])).toEqual([
      ['New', true, []],
      [' ', false, []],
      ['text', false, ['x']],
      [' here.', false, []],
    ]);
  });
});
