import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import tar from 'tar-stream';
import { Zip, ZipDeflate } from 'fflate';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { MAX_PAGE_SIZE, type DocumentRepository } from '../store/repository.js';
import { z } from 'zod';
import { ANCHOR_STATES, type DocumentRecord } from '../domain/types.js';
import { filterLabels, includesDocument, type ExportFilter } from '../domain/formats/filters.js';
import { parseLayerChoice } from '../domain/layers.js';
import type { ExportReport } from '../domain/formats/report.js';
import type { EncodedFile, Encoder, ExportContext, Format } from '../domain/formats/format.js';
import { exportFormatNames, formatNamed } from '../domain/formats/registry.js';
import { answersForExport } from '../domain/formats/answers.js';
import type { Answer } from '../domain/questions/types.js';
import { activeSpeaker } from '../domain/speakers/resolve.js';
import { answerStoreOf } from './answers.js';
import { speakerStoreOf } from './speakers.js';
import { foregroundWork } from './foreground.js';

/** The formats an export writes, from the format registry. */
export const EXPORT_FORMATS = exportFormatNames() as [string, ...string[]];
export type ExportFormat = string;
export const ARCHIVES = ['tar', 'zip'] as const;
export type Archive = (typeof ARCHIVES)[number];

export interface ExportOptions {
  format: ExportFormat;
  filter: ExportFilter;
  /** For formats written as files (brat): the archive that holds them. */
  archive?: Archive;
  /** CoNLL: write the `# doc_id` lines and the overlap report. */
  comments?: boolean;
  /** The site's address for absolute links (ClaimReview `url`): the request's host, or the CLI's `--base-url`. */
  baseUrl?: string;
}

export interface ExportStream {
  filename: string;
  contentType: string;
  /** The bytes of the export, produced one document at a time as the reader asks for them. */
  stream: Readable;
  /** Filled in as the stream is read; complete once it has ended. */
  report: ExportReport;
}

/**
 * Streams an export through the format's encoder. Documents are read in id order, at most
 * EXPORT_READ_AHEAD ahead of the reader, so memory stays flat however large the corpus and the
 * first bytes leave before the last document is read.
 */
export function exportStream(store: Corpus, project: ProjectStore, options: ExportOptions): ExportStream {
  const format = formatNamed(options.format);
  if (!format?.encode) throw new Error(`not an export format: ${options.format}`);
  const report: ExportReport = { documents: 0, labels: 0, omitted: [] };
  // Questions, answers, speakers and verdict settings are read when the first bytes are asked for.
  const encoder = exportContext(store, project, options, report).then((ctx) => format.encode!.create(ctx) as Encoder<never>);
  encoder.catch(() => undefined); // a failure surfaces on the stream once it is read
  const turn = slicer();
  const docs = () => selectedDocuments(store, options.filter, report, turn);
  if (format.encode.kind === 'files') {
    const archive = options.archive ?? 'tar';
    const files = encoder as Promise<Encoder<EncodedFile[]>>;
    const stream = archive === 'zip' ? packZip(docs(), files) : packTar(docs(), files);
    return { filename: `framewise-${format.name}.${archive}`, contentType: archive === 'zip' ? 'application/zip' : 'application/x-tar', stream, report };
  }
  const chunks = textChunks(encoder as Promise<Encoder<string>>, docs(), turn);
  return { filename: `framewise-${format.name}.${format.extension}`, contentType: format.contentType, stream: Readable.from(chunks, { objectMode: false }), report };
}

/** What every encoder may need besides the documents: label types, questions and answers, speakers, verdict settings, the base URL. */
async function exportContext(store: Corpus, project: ProjectStore, options: ExportOptions, report: ExportReport): Promise<ExportContext> {
  const [answerStore, speakerStore] = await Promise.all([answerStoreOf(store), speakerStoreOf(store)]);
  const { questions, answers } = answerStore.read();
  const { speakers, verdictSettings } = speakerStore.read();
  const byDocument = new Map<string, Answer[]>();
  for (const a of answers) byDocument.set(a.documentId, [...(byDocument.get(a.documentId) ?? []), a]);
  return {
    report,
    labelTypes: project.labelTypes(),
    comments: options.comments === true,
    questions,
    answersOf: (id) => answersForExport(byDocument.get(id) ?? [], questions, options.filter),
    verdictSettings,
    speakerOf: (id) => activeSpeaker(speakers, id),
    baseUrl: (options.baseUrl ?? '').replace(/\/+$/, ''),
  };
}

/** The format's registry entry, for callers that show formats (the export page). */
export function exportFormat(name: string): Format | null {
  return formatNamed(name);
}

/**
 * Documents read ahead of the one being encoded. Read one at a time, an export of 100,000 documents
 * mostly waited on the disk (64% of its 64 s idle, each read four file-system round trips); reads
 * overlapping this many deep keep the disk busy while memory stays bounded by them.
 */
export const EXPORT_READ_AHEAD = 16;

/**
 * An export's work between two turns of the event loop, in milliseconds. A turn after every document
 * gave every other job that works in slices (the statement index file's write, about 20 ms a slice)
 * a whole slice per document: a jsonl export of 100,000 documents took 202 s beside that write,
 * against about 30 s alone.
 */
export const EXPORT_SLICE_MS = 8;

/** A function to await between two pieces of an export's work: it gives the event loop a turn once EXPORT_SLICE_MS are used up. */
function slicer(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < EXPORT_SLICE_MS) return;
    await nextTurn();
    since = performance.now();
  };
}

/**
 * The documents the filter keeps, labels filtered, in id order, read from the store at most
 * EXPORT_READ_AHEAD ahead of the one being encoded. The event loop gets a turn whenever the export
 * has worked EXPORT_SLICE_MS (`turn`), so a long export never holds up other requests and its bytes
 * leave as they are made.
 */
async function* selectedDocuments(store: DocumentRepository, filter: ExportFilter, report: ExportReport, turn: () => Promise<void>): AsyncGenerator<DocumentRecord> {
  await nextTurn();
  // Background index writes hold back while the export runs (see foreground.ts).
  const end = foregroundWork();
  try {
    yield* readDocuments(store, filter, report, turn, await selectedIds(store, filter));
  } finally {
    end();
  }
}

async function* readDocuments(store: DocumentRepository, filter: ExportFilter, report: ExportReport, turn: () => Promise<void>, ids: string[]): AsyncGenerator<DocumentRecord> {
  const ahead: Array<Promise<DocumentRecord | null>> = [];
  let next = 0;
  while (next < ids.length || ahead.length) {
    while (ahead.length < EXPORT_READ_AHEAD && next < ids.length) {
      const read = store.getDocument(ids[next++]);
      read.catch(() => undefined); // a failed read surfaces when its turn comes (below), not as an unhandled rejection
      ahead.push(read);
    }
    const doc = await ahead.shift()!;
    // Deleted while the export ran, or (named by id) not kept by the rest of the filter.
    if (!doc || !includesDocument(filter, { id: doc.id, outlet: doc.meta.outlet, publishedAt: doc.meta.publishedAt })) continue;
    const filtered = filterLabels(filter, doc);
    report.documents++;
    yield filtered;
    await turn();
  }
}

/**
 * Ids of the documents the filter keeps, in id order, from the catalogue's pages (summaries only:
 * the documents themselves are read as the export reaches them, at most EXPORT_READ_AHEAD ahead). A single outlet or
 * a date range is passed down to the list; the rest of the filter is checked per summary.
 */
async function selectedIds(store: DocumentRepository, filter: ExportFilter): Promise<string[]> {
  if (filter.documents.length) return [...new Set(filter.documents)].sort();
  const ids: string[] = [];
  const outlet = filter.outlets.length === 1 ? { outlet: filter.outlets[0] } : {};
  const dates = { ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}) };
  let cursor: string | undefined;
  do {
    const page = await store.listPage({ sort: 'title', limit: MAX_PAGE_SIZE, ...outlet, ...dates, ...(cursor ? { cursor } : {}) });
    for (const s of page.items) if (includesDocument(filter, s)) ids.push(s.id);
    cursor = page.next ?? undefined;
    await nextTurn();
  } while (cursor);
  return ids.sort();
}

async function* textChunks(encoderReady: Promise<Encoder<string>>, docs: AsyncGenerator<DocumentRecord>, turn: () => Promise<void>): AsyncGenerator<string> {
  const encoder = await encoderReady;
  const head = encoder.head?.();
  if (head) yield head;
  for await (const doc of docs) {
    const chunk = encoder.document(doc);
    if (typeof chunk === 'string') {
      if (chunk) yield chunk;
      continue;
    }
    // Pieces of a long document (CoNLL), with empty ones where a turn may be taken.
    for (const piece of chunk) {
      if (piece) yield piece;
      await turn();
    }
  }
  const tail = encoder.tail?.();
  if (tail) yield tail;
}

/** Every archive entry gets this modification time, so the same data always exports to the same bytes. */
const ENTRY_MTIME = new Date('2000-01-01T00:00:00Z');

async function* encodedFiles(encoderReady: Promise<Encoder<EncodedFile[]>>, docs: AsyncGenerator<DocumentRecord>): AsyncGenerator<EncodedFile> {
  const encoder = await encoderReady;
  yield* encoder.head?.() ?? [];
  for await (const doc of docs) for (const files of pieces(encoder.document(doc))) yield* files;
  yield* encoder.tail?.() ?? [];
}

/** A document's files, whether the encoder gave them at once or in pieces. */
function pieces(out: EncodedFile[] | Iterable<EncodedFile[]>): Iterable<EncodedFile[]> {
  return Array.isArray(out) && (out.length === 0 || !Array.isArray(out[0])) ? [out as EncodedFile[]] : (out as Iterable<EncodedFile[]>);
}

function packTar(docs: AsyncGenerator<DocumentRecord>, encoder: Promise<Encoder<EncodedFile[]>>): Readable {
  const pack = tar.pack();
  const add = (f: EncodedFile) =>
    new Promise<void>((resolve, reject) => pack.entry({ name: f.name, mtime: ENTRY_MTIME, mode: 0o644 }, Buffer.from(f.content), (err) => (err ? reject(err) : resolve())));
  const out = new PassThrough();
  pack.on('error', (err: Error) => out.destroy(err));
  pack.pipe(out);
  (async () => {
    for await (const f of encodedFiles(encoder, docs)) await add(f);
    pack.finalize();
  })().catch((err: Error) => out.destroy(err));
  return out;
}

function packZip(docs: AsyncGenerator<DocumentRecord>, encoder: Promise<Encoder<EncodedFile[]>>): Readable {
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
  (async () => {
    for await (const f of encodedFiles(encoder, docs)) {
      const file = new ZipDeflate(f.name, { level: 6 });
      file.mtime = ENTRY_MTIME;
      zip.add(file);
      file.push(Buffer.from(f.content), true);
      if (failed) return;
      if (out.writableNeedDrain) await once(out, 'drain');
    }
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
  comments: z
    .union([z.literal(''), z.enum(['1', '0', 'true', 'false'], { error: 'must be 1 or 0' }), z.boolean()])
    .optional()
    .transform((v) => v === true || v === '1' || v === 'true'),
  document: list,
  outlet: list,
  type: list,
  annotator: list,
  state: list.pipe(z.array(z.enum(ANCHOR_STATES, { error: `must be one of ${ANCHOR_STATES.join(', ')}` }))),
  from: date,
  to: date,
  layer: z
    .string()
    .optional()
    .refine((v) => v === undefined || parseLayerChoice(v) !== null, 'must be gold, all or annotator:NAME'),
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
    ...(query.layer ? { layer: parseLayerChoice(query.layer)! } : {}),
  };
  return { format: query.format, filter, ...(query.archive ? { archive: query.archive } : {}), ...(query.comments ? { comments: true } : {}) };
}
