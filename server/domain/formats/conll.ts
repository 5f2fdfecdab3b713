import { latestRevision, type DocumentRecord, type Label } from '../types.js';
import { sentences, type TextRange } from '../compare/sentences.js';
import { paragraphs } from '../text.js';
import { CodePointIndex } from './code-points.js';
import { TokenList, tokenizeInto } from './conll-tokenizer.js';
import { LineWriter } from './conll-writer.js';
import { resolveOverlapsInSteps } from './conll-overlaps.js';
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
/** Characters of text read (split into sentences and tokens) between two turns of the event loop. */
const CHARS_PER_PAUSE = 50_000;

/**
 * The sentences of `text` in order, exactly as `sentences` finds them paragraph by paragraph, read
 * in windows of about `window` UTF-16 units with a pause (`null`) after each: a long paragraph is
 * cut at the start of the last sentence a window holds, which is read again in the next window. A
 * sentence starts after whitespace and the boundary rule looks only a few characters back, so the
 * windows find the same sentences as one pass. A single sentence longer than a window is read in a
 * window that doubles until it holds the sentence's end.
 */
export function* sentencesInSteps(text: string, window = CHARS_PER_PAUSE): Generator<TextRange | null> {
  for (const p of paragraphs(text)) {
    let from = p.start;
    let size = window;
    while (from < p.end) {
      const to = Math.min(p.end, from + size);
      const found = sentences(text.slice(from, to));
      const complete = to === p.end ? found.length : found.length - 1;
      if (to === p.end) {
        for (const s of found) yield { start: from + s.start, end: from + s.end };
        break;
      }
      if (complete <= 0) {
        size *= 2;
        continue;
      }
      for (let i = 0; i < complete; i++) yield { start: from + found[i].start, end: from + found[i].end };
      from += found[complete].start;
      size = window;
      yield null;
    }
  }
}

/**
 * Appends the tokens of [start, end) to `out`, a long range read in steps cut at spaces (no token
 * holds one); yields (a pause) between two steps.
 */
function* tokensInSteps(text: string, start: number, end: number, out: TokenList): Generator<void> {
  let from = start;
  while (from < end) {
    let to = end;
    if (end - from > CHARS_PER_PAUSE) {
      const space = text.lastIndexOf(' ', from + CHARS_PER_PAUSE);
      if (space > from) to = space;
    }
    tokenizeInto(text, from, to, out);
    from = to;
    if (from < end) yield;
  }
}

/**
 * One document's lines, in pieces of about TOKENS_PER_PIECE tokens; linear in tokens plus the tokens
 * each label covers (`resolveOverlaps`). Before the first line, empty pieces mark pauses: after
 * every CHARS_PER_PAUSE characters read (however long a paragraph or a sentence is) and every few
 * thousand labels placed, so the export gives the event loop a turn throughout. Tokens are kept as
 * offsets (`TokenList`), their code point offsets counted while writing them in order, and each piece
 * built as UTF-8 bytes (`LineWriter`), not a string per line.
 */
export function* conllDocumentPieces(doc: DocumentRecord, labels: Label[], ix: CodePointIndex, tally: ConllTally, comments = false): Generator<string> {
  const text = ix.text;
  const tokens = new TokenList(Math.min(1 << 16, (text.length >> 2) + 16));
  // The index of the first token of each sentence after the first: a blank line goes before it.
  const breaks = new TokenList(64);
  let readSincePause = 0;
  for (const s of sentencesInSteps(text)) {
    if (s === null) {
      readSincePause = 0;
      yield '';
      continue;
    }
    if (tokens.count > 0) breaks.push(tokens.count, 0);
    for (const _pause of tokensInSteps(text, s.start, s.end, tokens)) yield '';
    readSincePause += s.end - s.start;
    if (readSincePause >= CHARS_PER_PAUSE) {
      readSincePause = 0;
      yield '';
    }
  }
  // Tags: the kept labels' token ranges, in token order (they do not overlap).
  let kept: { span: { type: string }; first: number; last: number }[] = [];
  if (labels.length) {
    const placing = resolveOverlapsInSteps(tokens.toTokens(), labels);
    let step = placing.next();
    for (; !step.done; step = placing.next()) yield '';
    const result = step.value;
    tally.dropped.push(...result.dropped.map((s) => s.id));
    tally.trimmed.push(...result.trimmed.map((s) => s.id));
    tally.misaligned.push(...result.misaligned.map((s) => s.id));
    kept = result.kept;
  }
  tally.labels += labels.length;
  const { starts, ends, count } = tokens;
  const pairs = ix.pairOffsets;
  // Pairs that start before an offset - 1 (see CodePointIndex.toCodePoint), counted as offsets grow.
  let pairsBefore = 0;
  let nextBreak = 0;
  let nextKept = 0;
  let inside: { first: number; last: number; b: string; i: string } | null = null;
  const out = new LineWriter(Math.min(1 << 20, text.length * 4 + 256));
  out.string(`-DOCSTART- -X- -X- O\n${comments ? `# doc_id = ${doc.id}\n` : ''}\n`);
  for (let i = 0; i < count; i++) {
    if (nextBreak < breaks.count && breaks.starts[nextBreak] === i) {
      out.char(0x0a);
      nextBreak++;
    }
    const start = starts[i];
    const end = ends[i];
    let cpStart = start;
    let cpEnd = end;
    if (pairs.length) {
      while (pairsBefore < pairs.length && pairs[pairsBefore] < start - 1) pairsBefore++;
      cpStart = start - pairsBefore;
      while (pairsBefore < pairs.length && pairs[pairsBefore] < end - 1) pairsBefore++;
      cpEnd = end - pairsBefore;
    }
    out.token(text, start, end, cpStart, cpEnd);
    if (inside && i > inside.last) inside = null;
    if (!inside && nextKept < kept.length && kept[nextKept].first === i) {
      const k = kept[nextKept++];
      inside = { first: k.first, last: k.last, b: ` B-${k.span.type}\n`, i: ` I-${k.span.type}\n` };
    }
    if (inside) out.string(i === inside.first ? inside.b : inside.i);
    else out.outside();
    if ((i + 1) % TOKENS_PER_PIECE === 0) yield out.take();
  }
  out.char(0x0a);
  yield out.take();
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
