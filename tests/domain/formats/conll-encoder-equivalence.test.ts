import fc from 'fast-check';
import { createDocument } from '../../../server/domain/documents.js';
import { makeLabel } from '../../../server/domain/labels.js';
import type { DocumentRecord, Label } from '../../../server/domain/types.js';
import { CodePointIndex } from '../../../server/domain/formats/code-points.js';
import { isSpace, tokenize } from '../../../server/domain/formats/conll-tokenizer.js';
import { resolveOverlapsInSteps } from '../../../server/domain/formats/conll-overlaps.js';
import { prng } from '../../helpers/prng.js';
import { conllDocumentPieces, emptyConllTally, sentencesInSteps, type ConllTally } from '../../../server/domain/formats/conll.js';

/**
 * The CoNLL encoder reads tokens with a hand-written ASCII scanner and an anchored pattern, keeps
 * them as offsets and counts code points while writing (server/domain/formats/conll*.ts). The
 * implementation it replaced (a copy follows: one `matchAll` per sentence over a slice, a token
 * object each, a binary search per code point offset, a tag string per token) is the reference:
 * on any text and labels, the new one must write exactly the same bytes and report the same labels.
 */
const OLD_TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’\-.,][\p{L}\p{M}\p{N}]+)*|\S[\p{M}\p{Emoji_Modifier}]*(?:\u200D\S[\p{M}\p{Emoji_Modifier}]*)*/gu;

function oldTokenize(text: string, from = 0, to = text.length): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const slice = text.slice(from, to);
  for (const m of slice.matchAll(OLD_TOKEN)) out.push({ start: from + m.index, end: from + m.index + m[0].length });
  return out;
}

function oldToCodePoint(text: string): (utf16: number) => number {
  const pairs: number[] = [];
  for (let i = 0; i + 1 < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) pairs.push(i++);
    }
  }
  return (utf16) => {
    let lo = 0;
    let hi = pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[mid] < utf16 - 1) lo = mid + 1;
      else hi = mid;
    }
    return utf16 - lo;
  };
}

const OLD_CHARS_PER_PAUSE = 50_000;

function* oldTokensInSteps(text: string, start: number, end: number) {
  let from = start;
  while (from < end) {
    let to = end;
    if (end - from > OLD_CHARS_PER_PAUSE) {
      const space = text.lastIndexOf(' ', from + OLD_CHARS_PER_PAUSE);
      if (space > from) to = space;
    }
    yield* oldTokenize(text, from, to);
    from = to;
    if (from < end) yield null;
  }
}

/** The encoder as it was (conllDocumentPieces before the typed-array rewrite), joined. */
function oldEncode(doc: DocumentRecord, labels: Label[], text: string, tally: ConllTally, comments: boolean): string {
  const toCodePoint = oldToCodePoint(text);
  const tokens: { start: number; end: number }[] = [];
  const sentenceIds: number[] = [];
  let sentence = -1;
  for (const s of sentencesInSteps(text)) {
    if (s === null) continue;
    sentence++;
    for (const t of oldTokensInSteps(text, s.start, s.end)) {
      if (t === null) continue;
      tokens.push(t);
      sentenceIds.push(sentence);
    }
  }
  const placing = resolveOverlapsInSteps(tokens, labels);
  let step = placing.next();
  while (!step.done) step = placing.next();
  const result = step.value;
  tally.labels += labels.length;
  tally.dropped.push(...result.dropped.map((s) => s.id));
  tally.trimmed.push(...result.trimmed.map((s) => s.id));
  tally.misaligned.push(...result.misaligned.map((s) => s.id));
  const tags = new Array<string>(tokens.length).fill('O');
  for (const { span, first, last } of result.kept) {
    for (let t = first; t <= last; t++) tags[t] = `${t === first ? 'B' : 'I'}-${span.type}`;
  }
  let out = `-DOCSTART- -X- -X- O\n${comments ? `# doc_id = ${doc.id}\n` : ''}\n`;
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && sentenceIds[i] !== sentenceIds[i - 1]) out += '\n';
    const t = tokens[i];
    out += `${text.slice(t.start, t.end)} ${toCodePoint(t.start)} ${toCodePoint(t.end)} ${tags[i]}\n`;
  }
  return `${out}\n`;
}

/** Words, numbers, apostrophes, emoji (modifiers, ZWJ sequences, variation selectors), combining marks, astral letters, lone surrogates, odd spaces. */
const PIECES = [
  'The', 'minister', 'said', 'Mr.', 'U.S.', 'don\'t', 'don’t', 'rock’n’roll', 'well-known', '-', '--', 'a', 'I', '3.5', '1,000', '1,000.5', '.5', '5.', '2024-01-01',
  ',', '.', '!', '?', '…', ':', ';', '“', '”', '‘', '’', '"', '\'', '(', ')', '[', ']', '#', '@', '$', '%', '&', '*',
  '👍', '👍🏽', '👨‍👩‍👧', '❤️', '🇫🇷', '😀', '𝒜𝒷𝒸', '𝟙𝟚', '𠀀', 'e\u0301', 'cafe\u0301', '\u0301', 'n\u0303o', 'Zürich', 'Ωμέγα', 'مرحبا', '中文', '١٢٣',
  '\u200d', '\ufe0f', '\ud83c', '\udffd', '\ud800x', 'x\udc00', 'a\u200db',
  ' ', ' ', ' ', '  ', '\n', '\n\n', '\t', '\u00a0', '\u3000', '\u2028', '\u202f', '\ufeff', ' \n ',
];
const textArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 120 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 60 }).map((parts) => parts.join('')) },
);

function docWith(text: string, raw: { start: number; len: number; type: string }[]): { doc: DocumentRecord; labels: Label[] } {
  const doc = createDocument({ id: 'doc-1', body: text, format: 'text', meta: { title: 't' }, author: 'test', now: '2026-01-01T00:00:00.000Z' });
  const body = doc.revisions[0].text;
  const labels = raw
    .map((r, i) => {
      const start = Math.min(r.start, Math.max(0, body.length - 1));
      const end = Math.min(body.length, start + r.len);
      return makeLabel(doc, { id: `l${String(i).padStart(2, '0')}`, type: r.type, start, end }, 'test', '2026-01-01T00:00:00.000Z');
    })
    .filter((l) => l.end > l.start);
  return { doc, labels };
}

function newEncode(doc: DocumentRecord, labels: Label[], tally: ConllTally, comments: boolean): string {
  return [...conllDocumentPieces(doc, labels, new CodePointIndex(doc.revisions[0].text), tally, comments)].join('');
}

describe('the CoNLL encoder against the implementation it replaced', () => {
  test('when random texts with emoji, combining marks, surrogate pairs, apostrophes, numbers and random labels are encoded, then the lines and the report are exactly the old ones', () => {
    const labelArb = fc.record({ start: fc.nat({ max: 400 }), len: fc.integer({ min: 1, max: 60 }), type: fc.constantFrom('direct-quote', 'opinion', 'x', 'citação') });
    fc.assert(
      fc.property(textArb, fc.array(labelArb, { maxLength: 12 }), fc.boolean(), (text, raw, comments) => {
        const { doc, labels } = docWith(text, raw);
        const oldTally = emptyConllTally();
        const newTally = emptyConllTally();
        expect(newEncode(doc, labels, newTally, comments)).toBe(oldEncode(doc, labels, doc.revisions[0].text, oldTally, comments));
        expect(newTally).toEqual(oldTally);
      }),
      { numRuns: 1500, seed: 13 },
    );
  });

  test('when a long paragraph with no sentence end is read in steps, then the lines are exactly the old ones', () => {
    const inline = PIECES.filter((p) => !p.includes('\n') && !/[.!?…]/.test(p));
    for (const seed of [1, 2, 3]) {
      const random = prng(seed);
      const parts = Array.from({ length: 45_000 }, () => inline[Math.floor(random() * inline.length)]);
      const raw = Array.from({ length: 30 }, (_, i) => ({ start: Math.floor(random() * 110_000), len: 1 + ((i * 37) % 900), type: i % 2 ? 'a' : 'b' }));
      const { doc, labels } = docWith(parts.join(''), raw);
      expect(doc.revisions[0].text.length).toBeGreaterThan(100_000);
      expect(newEncode(doc, labels, emptyConllTally(), false)).toBe(oldEncode(doc, labels, doc.revisions[0].text, emptyConllTally(), false));
    }
  });

  test('when a text is tokenized between any two offsets, even inside a word or a surrogate pair, then the tokens are those of the old slice scan', () => {
    fc.assert(
      fc.property(textArb, fc.nat(), fc.nat(), (text, a, b) => {
        const from = text.length ? a % (text.length + 1) : 0;
        const to = from + (text.length - from ? b % (text.length - from + 1) : 0);
        expect(tokenize(text, from, to)).toEqual(oldTokenize(text, from, to));
      }),
      { numRuns: 3000, seed: 17 },
    );
  });

  test('when every UTF-16 code unit is checked, then the tokenizer sees whitespace exactly where the pattern \\s does', () => {
    const differs: number[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isSpace(c) !== /\s/u.test(String.fromCharCode(c))) differs.push(c);
    expect(differs).toEqual([]);
  });

  test('when a text has surrogate pairs, then the code point index lists the pairs the old loop found', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const ix = new CodePointIndex(text);
        const old = oldToCodePoint(text);
        for (let u = 0; u <= text.length; u++) expect(ix.toCodePoint(u)).toBe(old(u));
        expect(ix.length).toBe(old(text.length));
      }),
      { numRuns: 500, seed: 19 },
    );
  });
});
