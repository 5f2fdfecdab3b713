import fc from 'fast-check';
import { createDocument } from '../../server/domain/documents.js';
import { makeLabel } from '../../server/domain/labels.js';
import { sentences } from '../../server/domain/compare/sentences.js';
import { paragraphs } from '../../server/domain/text.js';
import { CodePointIndex } from '../../server/domain/formats/code-points.js';
import { conllDocumentPieces, emptyConllTally, encodeConllDocument, sentencesInSteps } from '../../server/domain/formats/conll.js';

/**
 * The CoNLL export reads a long text in steps (server/domain/formats/conll.ts): a paragraph of any
 * length is split into sentences window by window and its tokens placed with pauses between, so the
 * server answers others meanwhile. The steps must find exactly what one pass finds.
 */
const onePass = (text: string) => paragraphs(text).flatMap((p) => sentences(text.slice(p.start, p.end)).map((s) => ({ start: p.start + s.start, end: p.start + s.end })));
const stepped = (text: string, window: number) => [...sentencesInSteps(text, window)].filter((s) => s !== null);

describe('CoNLL export in steps', () => {
  test('when a text of sentences, titles, initials, quotes and line breaks is read in small windows, then the sentences are exactly those of one pass', () => {
    const pieces = ['The minister said so. ', 'Mr. Smith agreed! ', '“Why?” she asked. ', 'U.S. officials left… ', 'Then 3 more came. ', 'no capital here. ', 'Dr. No. ', '\n\n', '   ', 'A', '.', ' ', '(Yes.) ', 'Fine? ', 'ok'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 60 }), fc.integer({ min: 1, max: 80 }), (parts, window) => {
        const text = parts.join('');
        expect(stepped(text, window)).toEqual(onePass(text));
      }),
      { numRuns: 400 },
    );
  });

  test('when a 300,000-character document is one paragraph, then the export pauses at least every 50,000 characters before its first line and writes what one pass writes', () => {
    const filler = 'Officials met again on Tuesday to discuss the shipping lanes and the grain corridor. ';
    const text = filler.repeat(Math.ceil(300_000 / filler.length)).slice(0, 300_000);
    const doc = createDocument({ id: 'long', body: text, format: 'text', meta: { title: 'long' }, author: 'test', now: '2026-01-01T00:00:00.000Z' });
    const body = doc.revisions[0].text;
    const labels = Array.from({ length: 5_000 }, (_, i) => {
      const start = body.indexOf('grain', i * 50);
      return makeLabel(doc, { id: `l${i}`, type: 'opinion', start, end: start + 'grain corridor'.length }, 'test', '2026-01-01T00:00:00.000Z');
    });
    const ix = new CodePointIndex(body);

    const pieces = [...conllDocumentPieces(doc, labels, ix, emptyConllTally())];
    const pausesBeforeFirstLine = pieces.findIndex((p) => p !== '');

    expect(pausesBeforeFirstLine).toBeGreaterThanOrEqual(300_000 / 50_000);
    const out = pieces.join('');
    expect(out).toBe(encodeConllDocument(doc, labels, ix, emptyConllTally()));
    const lines = out.split('\n');
    expect(lines.slice(0, 6)).toEqual(['-DOCSTART- -X- -X- O', '', 'Officials 0 9 O', 'met 10 13 O', 'again 14 19 O', 'on 20 22 O']);
    // Every sentence is its own block: 300,000 / 86 characters a sentence, the last one cut short.
    expect(out.split('\n\n').length - 2).toBe(Math.ceil(300_000 / filler.length));
    expect(lines.filter((l) => l.endsWith(' B-opinion'))).toHaveLength(new Set(labels.map((l) => l.start)).size);
  });

  test('when one sentence is longer than a window, then it is still one sentence', () => {
    const text = `${'word '.repeat(200)}end. Next one.`;
    expect(stepped(text, 30)).toEqual(onePass(text));
    expect(stepped(text, 30)).toHaveLength(2);
  });
});
