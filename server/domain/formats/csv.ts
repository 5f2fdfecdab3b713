import { stringify } from 'csv-stringify/sync';
import type { DocumentRecord, Label } from '../types.js';
import { CodePointIndex } from './code-points.js';
import { sortLabels } from './exportable.js';
import type { Format } from './format.js';

/**
 * CSV columns, one row a label. Offsets are given twice: in code points (`start`, `end`, what Python
 * and R count) and in UTF-16 code units (`start_utf16`, `end_utf16`, what Framewise and JavaScript
 * count), both into the text of revision `rev`. `speaker` is the canonical name, `speaker_id` the
 * speaker entity (empty for a pronoun, an anonymous source or a label not resolved yet).
 */
export const CSV_COLUMNS = [
  'document_id', 'title', 'outlet', 'published_at', 'rev', 'label_id', 'type', 'start', 'end', 'start_utf16', 'end_utf16',
  'text', 'speaker', 'speaker_id', 'cue', 'sourcing', 'note', 'annotator', 'created_at', 'updated_at', 'anchor_state',
] as const;

/** RFC 4180: CRLF between records, fields with a comma, quote or line break quoted, quotes doubled. */
function csvLine(cells: string[]): string {
  return stringify([cells], { record_delimiter: '\r\n', eof: true, quoted_match: /[\r\n]/ });
}

export function csvHeader(): string {
  return csvLine([...CSV_COLUMNS]);
}

/**
 * A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
 * gets a leading apostrophe, so opening the file never runs anything (OWASP's advice).
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The rows of one document, labels in reading order. */
export function csvRows(doc: DocumentRecord): string {
  const indexes = new Map<number, CodePointIndex>();
  const indexOf = (rev: number) => {
    let ix = indexes.get(rev);
    if (!ix) indexes.set(rev, (ix = new CodePointIndex(doc.revisions[rev - 1]?.text ?? '')));
    return ix;
  };
  return sortLabels(doc.labels)
    .map((label) => csvLine(row(doc, label, indexOf(label.rev)).map(safeCell)))
    .join('');
}

function row(doc: DocumentRecord, l: Label, ix: CodePointIndex): string[] {
  return [
    doc.id, doc.meta.title, doc.meta.outlet ?? '', doc.meta.publishedAt ?? '', String(l.rev), l.id, l.type,
    String(ix.toCodePoint(l.start)), String(ix.toCodePoint(l.end)), String(l.start), String(l.end),
    l.quote.exact, l.speaker ?? '', l.speakerId ?? '', l.cue ?? '', l.sourcing ?? '', l.note ?? '', l.annotator, l.createdAt, l.updatedAt, l.anchor.state,
  ];
}

export const csvFormat: Format = {
  name: 'csv',
  description: 'one row a label: document, outlet, type, speaker and speaker id, cue, sourcing, text, offsets (code points and UTF-16)',
  extension: 'csv',
  contentType: 'text/csv; charset=utf-8; header=present',
  encode: {
    kind: 'text',
    create: (ctx) => ({
      head: csvHeader,
      document: (doc) => {
        ctx.report.labels += doc.labels.length;
        return csvRows(doc);
      },
    }),
  },
};
