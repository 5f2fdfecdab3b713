import type { DocumentRecord, Label } from '../types.js';
import { paragraphs } from '../text.js';
import { CodePointIndex } from './code-points.js';
import { tokenize, type Token } from './conll-tokenizer.js';
import { resolveOverlaps } from './conll-overlaps.js';

/**
 * CoNLL, BIO-tagged: `-DOCSTART-` and a `# doc_id = …` comment line start each document, then one
 * token a line: `TOKEN<TAB>START<TAB>END<TAB>TAG`, START/END in code points into the document text,
 * TAG `O`, `B-type` or `I-type`. A blank line ends each paragraph (a sentence for most readers).
 * Overlapping labels are resolved by `resolveOverlaps` and counted in the trailing report.
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

export function encodeConllDocument(doc: DocumentRecord, labels: Label[], ix: CodePointIndex, tally: ConllTally): string {
  const text = ix.text;
  const tokens: Token[] = paragraphs(text).flatMap((p) => tokenize(text, p.start, p.end).map((t) => ({ ...t, paragraph: p.start })));
  const result = resolveOverlaps(tokens, labels);
  tally.labels += labels.length;
  tally.dropped.push(...result.dropped.map((s) => s.id));
  tally.trimmed.push(...result.trimmed.map((s) => s.id));
  tally.misaligned.push(...result.misaligned.map((s) => s.id));
  const tags = new Array<string>(tokens.length).fill('O');
  for (const { span, first, last } of result.kept) {
    for (let t = first; t <= last; t++) tags[t] = `${t === first ? 'B' : 'I'}-${span.type}`;
  }
  const lines = [`-DOCSTART-\t-\t-\tO`, `# doc_id = ${doc.id}`, ''];
  let paragraph = -1;
  tokens.forEach((t, i) => {
    const p = (t as Token & { paragraph: number }).paragraph;
    if (paragraph !== -1 && p !== paragraph) lines.push('');
    paragraph = p;
    lines.push(`${text.slice(t.start, t.end)}\t${ix.toCodePoint(t.start)}\t${ix.toCodePoint(t.end)}\t${tags[i]}`);
  });
  lines.push('', '');
  return lines.join('\n');
}

/** The report that ends a CoNLL export, as `#` comment lines. */
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
