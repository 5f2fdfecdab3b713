import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import tar from 'tar-stream';
import { Zip, ZipDeflate } from 'fflate';
import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';
import { z } from 'zod';
import { ANCHOR_STATES, latestRevision, type DocumentRecord } from '../domain/types.js';
import { filterLabels, includesDocument, type ExportFilter } from '../domain/formats/filters.js';
import { anchoredLabels } from '../domain/formats/exportable.js';
import { CodePointIndex } from '../domain/formats/code-points.js';
import type { ExportReport } from '../domain/formats/report.js';
import { encodeNativeLine } from '../domain/formats/jsonl.js';
import { csvHeader, csvRows } from '../domain/formats/csv.js';
import { toAnnotation } from '../domain/formats/w3c.js';
import { encodeDoccanoLine } from '../domain/formats/doccano.js';
import { conllReport, emptyConllTally, encodeConllDocument } from '../domain/formats/conll.js';
import { bratAnnotationConf, encodeBratAnn } from '../domain/formats/brat.js';

export const EXPORT_FORMATS = ['jsonl', 'csv', 'w3c', 'brat', 'doccano', 'conll'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const ARCHIVES = ['tar', 'zip'] as const;
export type Archive = (typeof ARCHIVES)[number];

export interface ExportOptions {
  format: ExportFormat;
  filter: ExportFilter;
  /** For brat only: the archive that holds the `.txt`/`.ann` pairs. */
  archive?: Archive;
}

export interface ExportStream {
  filename: string;
  contentType: string;
  /** The bytes of the export, produced one document at a time as the reader asks for them. */
  stream: Readable;
  /** Filled in as the stream is read; complete once it has ended. */
  report: ExportReport;
}

const TEXT_TYPES: Record<Exclude<ExportFormat, 'brat'>, [string, string]> = {
  jsonl: ['jsonl', 'application/x-ndjson; charset=utf-8'],
  csv: ['csv', 'text/csv; charset=utf-8; header=present'],
  w3c: ['jsonl', 'application/x-ndjson; charset=utf-8'],
  doccano: ['jsonl', 'application/x-ndjson; charset=utf-8'],
  conll: ['conll', 'text/plain; charset=utf-8'],
};

/**
 * Streams an export. Documents are read one at a time, in id order, only when the reader has
 * taken the previous one, so memory stays flat however large the corpus and the first bytes
 * leave before the last document is read.
 */
export function exportStream(store: DocumentStore, project: ProjectStore, options: ExportOptions): ExportStream {
  const report: ExportReport = { documents: 0, labels: 0, omitted: [] };
  const docs = () => selectedDocuments(store, options.filter, report);
  if (options.format === 'brat') {
    const archive = options.archive ?? 'tar';
    const stream = archive === 'zip' ? bratZip(docs(), project, report) : bratTar(docs(), project, report);
    return { filename: `framewise-brat.${archive}`, contentType: archive === 'zip' ? 'application/zip' : 'application/x-tar', stream, report };
  }
  const [ext, contentType] = TEXT_TYPES[options.format];
  const chunks = textChunks(options.format, docs(), report);
  return { filename: `framewise-${options.format}.${ext}`, contentType, stream: Readable.from(chunks, { objectMode: false }), report };
}

/**
 * The documents the filter keeps, labels filtered, read from the store one at a time. Each document
 * waits for a turn of the event loop, so a long export never holds up other requests and its bytes
 * leave as they are made.
 */
async function* selectedDocuments(store: DocumentStore, filter: ExportFilter, report: ExportReport): AsyncGenerator<DocumentRecord> {
  await nextTurn();
  const ids = store.list().filter((e) => includesDocument(filter, e)).map((e) => e.id).sort();
  for (const id of ids) {
    const doc = store.get(id);
    if (!doc) continue; // deleted while the export ran
    const filtered = filterLabels(filter, doc);
    report.documents++;
    yield filtered;
    await nextTurn();
  }
}

async function* textChunks(format: Exclude<ExportFormat, 'brat'>, docs: AsyncGenerator<DocumentRecord>, report: ExportReport): AsyncGenerator<string> {
  const tally = emptyConllTally();
  if (format === 'csv') yield csvHeader();
  for await (const doc of docs) {
    if (format === 'jsonl') {
      report.labels += doc.labels.length;
      yield encodeNativeLine(doc);
    } else if (format === 'csv') {
      report.labels += doc.labels.length;
      yield csvRows(doc);
    } else {
      const labels = anchoredLabels(doc, report);
      report.labels += labels.length;
      const ix = new CodePointIndex(latestRevision(doc).text);
      if (format === 'w3c') yield labels.map((l) => `${JSON.stringify(toAnnotation(doc, l, ix))}\n`).join('');
      else if (format === 'doccano') yield encodeDoccanoLine(doc, labels, ix);
      else yield encodeConllDocument(doc, labels, ix, tally);
    }
  }
  if (format === 'conll') {
    for (const id of tally.dropped) report.omitted.push({ labelId: id, documentId: '', reason: 'overlap: a longer label took all its tokens' });
    yield conllReport(tally);
  }
}

/** Every archive entry gets this modification time, so the same data always exports to the same bytes. */
const ENTRY_MTIME = new Date('2000-01-01T00:00:00Z');

/** The `.txt` and `.ann` of one document. */
function bratFiles(doc: DocumentRecord, report: ExportReport): { name: string; content: Buffer; mtime: Date }[] {
  const latest = latestRevision(doc);
  const labels = anchoredLabels(doc, report);
  report.labels += labels.length;
  const mtime = ENTRY_MTIME;
  const ix = new CodePointIndex(latest.text);
  return [
    { name: `${doc.id}.txt`, content: Buffer.from(latest.text), mtime },
    { name: `${doc.id}.ann`, content: Buffer.from(encodeBratAnn(labels, ix)), mtime },
  ];
}

function bratTar(docs: AsyncGenerator<DocumentRecord>, project: ProjectStore, report: ExportReport): Readable {
  const pack = tar.pack();
  const add = (name: string, content: Buffer, mtime: Date) =>
    new Promise<void>((resolve, reject) => pack.entry({ name, mtime, mode: 0o644 }, content, (err) => (err ? reject(err) : resolve())));
  const out = new PassThrough();
  pack.pipe(out);
  (async () => {
    for await (const doc of docs) for (const f of bratFiles(doc, report)) await add(f.name, f.content, f.mtime);
    await add('annotation.conf', Buffer.from(bratAnnotationConf(project.labelTypes())), ENTRY_MTIME);
    pack.finalize();
  })().catch((err: Error) => out.destroy(err));
  return out;
}

function bratZip(docs: AsyncGenerator<DocumentRecord>, project: ProjectStore, report: ExportReport): Readable {
  const out = new PassThrough();
  let failed = false;
  const zip = new Zip((err, chunk, final) => {
    if (err) {
      failed = true;
      out.destroy(err);
      return;
    }
    out.write(chunk);
    if (final) out.end();
  });
  const add = (name: string, content: Buffer, mtime: Date) => {
    const file = new ZipDeflate(name, { level: 6 });
    file.mtime = mtime;
    zip.add(file);
    file.push(content, true);
  };
  (async () => {
    for await (const doc of docs) {
      for (const f of bratFiles(doc, report)) add(f.name, f.content, f.mtime);
      if (failed) return;
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    add('annotation.conf', Buffer.from(bratAnnotationConf(project.labelTypes())), ENTRY_MTIME);
    zip.end();
  })().catch((err: Error) => out.destroy(err));
  return out;
}

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)));
const date = z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')]).optional();

/**
 * Export parameters as a query string or CLI flags give them: each filter repeated or
 * comma-separated (`type=opinion&type=direct-quote` or `type=opinion,direct-quote`).
 */
export const exportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(', ')}` }),
  archive: z.enum(ARCHIVES, { error: `must be one of ${ARCHIVES.join(', ')}` }).optional(),
  document: list,
  outlet: list,
  type: list,
  annotator: list,
  state: list.pipe(z.array(z.enum(ANCHOR_STATES, { error: `must be one of ${ANCHOR_STATES.join(', ')}` }))),
  from: date,
  to: date,
});

export function exportOptionsOf(query: z.infer<typeof exportQuerySchema>): ExportOptions {
  const filter: ExportFilter = {
    documents: query.document,
    outlets: query.outlet,
    types: query.type,
    annotators: query.annotator,
    states: query.state,
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
  };
  return { format: query.format, filter, ...(query.archive ? { archive: query.archive } : {}) };
}
