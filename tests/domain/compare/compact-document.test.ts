import { compactDocument, DECODED_TEXT_CHARS } from '../../../server/domain/compare/compact-document.js';
import { StatementIndex } from '../../../server/domain/compare/statement-index.js';
import type { CorpusDocument } from '../../../server/domain/compare/types.js';

/**
 * The compare service keeps each matched document's text as UTF-8 bytes when that is smaller
 * (server/domain/compare/compact-document.ts). A document read back must be the document given,
 * character for character, and statements over compact documents must be the same as over plain ones.
 */
const doc = (id: string, text: string, outlet?: string): CorpusDocument => ({ id, title: `Title ${id}`, ...(outlet ? { outlet } : {}), rev: 3, text, labels: [] });

describe('compact documents', () => {
  it('when a text holds curly quotes and dashes, then it is kept as bytes and reads back the same, fields and all', () => {
    const text = '“We will not raise taxes,” the minister said — twice. Café prices rose 3 % in Zürich; 東京 too. 😀';
    const plain = doc('a', text, 'Ledger');
    const compact = compactDocument(plain);
    expect(compact).not.toBe(plain);
    expect(compact.text).toBe(text);
    expect(compact.text.length).toBe(text.length);
    expect([compact.id, compact.title, compact.outlet, compact.publishedAt, compact.rev, compact.labels]).toEqual(['a', 'Title a', 'Ledger', undefined, 3, []]);
    expect('outlet' in compactDocument(doc('b', text))).toBe(false);
    expect(JSON.parse(JSON.stringify(compact))).toEqual(plain);
  });

  it('when a text is one-byte (ASCII, Latin-1), has a lone surrogate, or is smaller as UTF-16, then the document is kept as it was', () => {
    for (const text of ['Plain ASCII text.', 'Café au lait, naïve façade.', 'A lone \uD800 surrogate and a curly ’ quote.', '東京都の人口は増えた。大阪も。']) {
      const plain = doc('c', text);
      expect(compactDocument(plain)).toBe(plain);
    }
  });

  it('when more text is read than the decoded-text cache holds, then every document still reads back exactly', () => {
    const n = 3;
    const size = Math.ceil(DECODED_TEXT_CHARS / 2) + 1;
    const texts = Array.from({ length: n }, (_, i) => `“${String(i)}” ${'x'.repeat(size)}`);
    const docs = texts.map((t, i) => compactDocument(doc(`d${i}`, t)));
    for (let round = 0; round < 2; round++) for (let i = 0; i < n; i++) expect(docs[i].text === texts[i]).toBe(true);
  });

  it('when the statement index holds compact documents, then its statements are those of the plain documents', () => {
    const shared = '“The central bank raised interest rates by half a point on Thursday,” the governor said — again.';
    const plain = [
      doc('a1', `Markets fell early. ${shared} Traders were surprised.`, 'Ledger'),
      doc('b2', `${shared.replace('half a point', 'half a percentage point')} Bonds rallied.`, 'Courier'),
      doc('c3', `Nothing about banks here — only “weather” and rain on Sunday afternoon in the hills.`, 'Courier'),
      doc('d4', `In other news: ${shared}`, 'Post'),
    ];
    const build = (docs: CorpusDocument[]) => {
      const index = new StatementIndex();
      index.update(docs.map((d) => ({ id: d.id, doc: d })));
      return index.clusters();
    };
    const expected = build(plain);
    expect(expected.length).toBeGreaterThan(0);
    expect(JSON.stringify(build(plain.map(compactDocument)))).toBe(JSON.stringify(expected));
  });
});
