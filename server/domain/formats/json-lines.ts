import { latestRevision, type DocumentRecord, type Label } from '../types.js';
import { CodePointIndex } from './code-points.js';
import { anchoredLabels } from './exportable.js';
import type { Encoding, ExportContext } from './format.js';

/** File type of the formats written one JSON value a line (jsonl, doccano, W3C). */
export const JSON_LINES_FILE = { extension: 'jsonl', contentType: 'application/x-ndjson; charset=utf-8' } as const;

/**
 * A text encoding that writes each document from its labels anchored on the latest revision (the
 * others are reported as left out, see `anchoredLabels`) and a code point index of that revision's
 * text; the labels written are counted in the export report.
 */
export function anchoredLabelsEncoding(write: (doc: DocumentRecord, labels: Label[], ix: CodePointIndex, ctx: ExportContext) => string): Encoding {
  return {
    kind: 'text',
    create: (ctx) => ({
      document: (doc) => {
        const labels = anchoredLabels(doc, ctx.report);
        ctx.report.labels += labels.length;
        return write(doc, labels, new CodePointIndex(latestRevision(doc).text), ctx);
      },
    }),
  };
}
