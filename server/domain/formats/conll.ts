import { latestRevision, type DocumentRecord, type Label } from '../types.js';
import { sentences } from '../compare/sentences.js';
import { paragraphs } from '../text.js';
import { CodePointIndex } from './code-points.js';
import { tokenize, type Token } from './conll-tokenizer.js';
import { resolveOverlaps } from './conll-overlaps.js';
import { anchoredLabels } from './exportable.js';
import type { Format } from './format.js';

/**
 * CoNLL, BIO-tagged, readable by plain CoNLL-2003 readers: `-DOCSTART- -X- -X- O` then a blank line
 * start each document, then one token a line, four columns separated by one space as in CoNLL-2003,
 * `TOKEN START END TAG` (START/END in code points into the document text, where CoNLL-2003 has POS
 * and chunk tags; readers take the first and last column; a token never holds whitespace),
 * TAG `O`, `B-type` or `I-type`; a blank line ends each sentence. Overlapping labels are resolved by
 * `resolveOverlaps`. Only with `comments` are `# doc_id = …` lines and the trailing overlap report
 * (`#` lines, which CoNLL-2003 readers do not skip) written.
 */
export interface ConllTally {
  labels: number;
  dropped: string[];
  trimmed: string[];
  misaligned: string[];
}

export function emptyConllTally(): ConllTally {
  return { labels: 0, dropped: [], trimmed: [], misaligned: [] };
}

/** Tokens written per piece: a long document leaves in pieces, with a turn of the event loop between them. */
const TOKENS_PER_PIECE = 20_000;

/**
 * One document's lines, in pieces of about TOKENS_PER_PIECE tokens; linear in tokens plus the tokens
 * each label covers (`resolveOverlaps`).
 */
export function* conllDocumentPieces(doc: DocumentRecord, labels: Label[], ix: CodePointIndex, tally: ConllTally, comments = false): Generator<string> {
  let tokensAtLastPause = 0;
  const text = ix.text;
  // Tokens of every sentence in order, and each one's sentence; an empty piece now and then lets the
  // export give the event loop a turn while a long text is read.
  const tokens: Token[] = [];
  const sentenceIds: number[] = [];
  let sentence = -1;
  for (const p of paragraphs(text)) {
    for (const s of sentences(text.slice(p.start, p.end))) {
      sentence++;
      for (const t of tokenize(text, p.start + s.start, p.start + s.end)) {
        tokens.push(t);
        sentenceIds.push(sentence);
      }
    }
    if (tokens.length - tokensAtLastPause >= TOKENS_PER_PIECE) {
      tokensAtLastPause = tokens.length;
      yield '';
    }
  }
  const sentenceOf = Int32Array.from(sentenceIds);
  const result = resolveOverlaps(tokens, labels);
  tally.labels += labels.length;
  tally.dropped.push(...result.dropped.map((s) => s.id));
  tally.trimmed.push(...result.trimmed.map((s) => s.id));
  tally.misaligned.push(...result.misaligned.map((s) => s.id));
  const tags = new Array<string>(tokens.length).fill('O');
  for (const { span, first, last } of result.kept) {
    for (let t = first; t <= last; t++) tags[t] = `${t === first ? 'B' : 'I'}-${span.type}`;
  }
  let piece = `-DOCSTART- -X- -X- O\n${comments ? `# doc_id = ${doc.id}\n` : ''}\n`;
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && sentenceOf[i] !== sentenceOf[i - 1]) piece += '\n';
    const t = tokens[i];
    piece += `${text.slice(t.start, t.end)} ${ix.toCodePoint(t.start)} ${ix.toCodePoint(t.end)} ${tags[i]}\n`;
    if ((i + 1) % TOKENS_PER_PIECE === 0) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}\n`;
}

/** One document's lines as one string (see `conllDocumentPieces`). */
export function encodeConllDocument(doc: DocumentRecord, labels: Label[], ix: CodePointIndex, tally: ConllTally, comments = false): string {
  return [...conllDocumentPieces(doc, labels, ix, tally, comments)].join('');
}

/** The report that ends a CoNLL export with `comments=1`, as `#` comment lines. */
export function conllReport(tally: ConllTally): string {
  const list = (ids: string[]) => (ids.length ? `: ${ids.join(', ')}` : '');
  return [
    '# overlap rule: one tag per token; the label covering more tokens wins (ties: earlier start, type, id);',
    '# a losing label keeps its longest run of free tokens, or is dropped when none is left.',
    `# labels: ${tally.labels}, tagged: ${tally.labels - tally.dropped.length}, dropped: ${tally.dropped.length}, trimmed: ${tally.trimmed.length}, edges inside a token: ${tally.misaligned.length}`,
    `# dropped${list(tally.dropped)}`,
    `# trimmed${list(tally.trimmed)}`,
    '',
  ].join('\n');
}

export const conllFormat: Format = {
  name: 'conll',
  description: 'token-per-line BIO tags, a blank line between sentences; document ids and the overlap report only with `comments=1`',
  extension: 'conll',
  contentType: 'text/plain; charset=utf-8',
  encode: {
    kind: 'text',
    create: (ctx) => {
      const tally = emptyConllTally();
      return {
        document: (doc) => {
          const labels = anchoredLabels(doc, ctx.report);
          ctx.report.labels += labels.length;
          return conllDocumentPieces(doc, labels, new CodePointIndex(latestRevision(doc).text), tally, ctx.comments);
        },
        tail: () => {
          for (const id of tally.dropped) ctx.report.omitted.push({ labelId: id, documentId: '', reason: 'overlap: a longer label took all its tokens' });
          return ctx.comments ? conllReport(tally) : '';
        },
      };
    },
  },
};
