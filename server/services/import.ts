import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';
import { latestRevision, type DocumentMeta, type DocumentRecord, type Label } from '../domain/types.js';
import { createDocument, type SourceFormat } from '../domain/documents.js';
import { parseSeed } from '../domain/seeds.js';
import { makeLabel, spanProblem } from '../domain/labels.js';
import { resolveSpeakersOfDocument } from './speakers.js';
import { CodePointIndex } from '../domain/formats/code-points.js';
import { idFromFileName, type DocumentDraft, type LabelDraft } from '../domain/formats/drafts.js';
import { emptyImportReport, type ImportError, type ImportReport, type Place } from '../domain/formats/report.js';
import { decodeJsonlValue, parseJsonLines } from '../domain/formats/jsonl.js';
import { decodeDoccanoValue } from '../domain/formats/doccano.js';
import { pairBratFiles, parseBrat } from '../domain/formats/brat.js';
import { annotationSchema, annotationTarget, annotationToDraft, type W3cAnnotation } from '../domain/formats/w3c.js';
import { newTypeDefs } from '../domain/formats/type-colors.js';
import { ArchiveTooLarge, isArchiveName, readArchive, type NamedFile } from '../domain/formats/archive.js';
import { importedLabelProblem } from '../domain/formats/label-checks.js';
import { MAX_SOURCE_LENGTH, newDocumentSchema, textProblem } from './documents.js';
import { reviseDocument } from './revisions.js';
import { badRequest, conflict, HttpError, tooLarge } from '../http-error.js';
import { planLabelCountProblem } from '../domain/label-limit.js';

export const IMPORT_FORMATS = ['jsonl', 'brat', 'doccano', 'w3c', 'files'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Limits on one import, so a huge or hostile file is refused with a 413 instead of exhausting memory. */
export const IMPORT_LIMITS = {
  /** Documents (JSONL/doccano lines, brat pairs, files) in one import. */
  documents: 10_000,
  /** Labels (and W3C annotations) in one import. */
  labels: 200_000,
  /** Files in one archive, and their total size once uncompressed. */
  archiveFiles: 20_010,
  archiveBytes: 200 * 1024 * 1024,
} as const;

export interface ImportOptions {
  format: ImportFormat;
  /** Who the labels are by when the file does not say (brat and doccano never do), and the revision author. */
  annotator: string;
  /** Skip records with errors (each listed in the report) instead of importing nothing. */
  skipBad: boolean;
  /** Other tools' type names to Framewise types; unmapped types are kept and added to the project. */
  map: Record<string, string>;
  now?: string;
  /** Called after each document is written, for the CLI's progress line. */
  onProgress?: (done: number, total: number, id: string) => void;
}

/** Parses `brat=ours,Other=opinion` into a mapping; a malformed pair is a 400. */
export function parseTypeMap(spec: string | undefined): Record<string, string> {
  // No prototype, so a type named like an Object member (`toString`, `__proto__`) maps like any other.
  const map = Object.create(null) as Record<string, string>;
  for (const pair of (spec ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)\s*=\s*([^=\s]+)$/.exec(pair);
    if (!m) throw badRequest(`map: "${pair}" is not a pair theirs=ours (e.g. Source=direct-quote)`, 'invalid_input');
    map[m[1]] = m[2];
  }
  return map;
}

/** A W3C annotation read from a file; it is placed on its document's text once that is known. */
interface PendingAnnotation {
  place: Place;
  annotation: W3cAnnotation;
  /** A Framewise document id, or a URL to look up in `meta.url`. */
  target: { id?: string; url?: string };
  selectors: Record<string, unknown>[];
}

/** What was read from the files, before anything is checked against the store. */
interface Decoded {
  documents: DocumentDraft[];
  attached: PendingAnnotation[];
}

/**
 * Imports files. Everything is read and checked first (formats, offsets, texts, label types,
 * existing documents); when any record has an error and `skipBad` is off, nothing is written and
 * the report lists the errors with file and line. Otherwise new documents are created, documents
 * whose id or URL already exists get a new revision, and labels are added.
 */
export async function importFiles(store: DocumentStore, project: ProjectStore, files: NamedFile[], options: ImportOptions): Promise<ImportReport> {
  const report = emptyImportReport(options.format);
  const expanded = await expandArchives(files);
  const decoded = decode(expanded, options, report);
  enforceLimits(decoded);
  return oneAtATime(store, async () => {
    const plan = planImport(store, project, decoded, options, report);
    const tooMany = planLabelCountProblem(plan.steps.map((s) => (s.kind === 'create' ? { id: s.record.id, existing: 0, adding: s.record.labels.length } : { id: s.id, existing: store.get(s.id)?.labels.length ?? 0, adding: s.labels.length })));
    if (tooMany) throw tooLarge(`${tooMany}: nothing was imported`);
    if (report.errors.length && !options.skipBad) return report;
    if (options.skipBad) {
      for (const e of report.errors) report.skipped.push({ file: e.file, line: e.line, item: 'record', reason: e.message });
      report.errors = [];
    }
    await commit(store, project, plan, options, report);
    report.committed = true;
    return report;
  });
}

/** The last import queued on each store. */
const queues = new WeakMap<DocumentStore, Promise<void>>();

/**
 * Runs `job` once every import queued before it on `store` has finished, so an import plans against
 * what the previous one wrote, never against a store another import is half-way through writing.
 */
function oneAtATime<T>(store: DocumentStore, job: () => Promise<T>): Promise<T> {
  const run = (queues.get(store) ?? Promise.resolve()).then(job);
  queues.set(store, run.then(() => undefined, () => undefined));
  return run;
}

async function expandArchives(files: NamedFile[]): Promise<NamedFile[]> {
  const out: NamedFile[] = [];
  for (const f of files) {
    if (!isArchiveName(f.name)) {
      out.push(f);
      continue;
    }
    try {
      out.push(...(await readArchive(f.name, f.content, { files: IMPORT_LIMITS.archiveFiles, bytes: IMPORT_LIMITS.archiveBytes })));
    } catch (err) {
      if (err instanceof ArchiveTooLarge) throw tooLarge(`${f.name}: ${err.message}`);
      throw badRequest(`${f.name}: ${(err as Error).message}`, 'invalid_archive');
    }
  }
  return out;
}

function enforceLimits(d: Decoded): void {
  const labels = d.documents.reduce((n, doc) => n + (doc.kind === 'native' ? doc.record.labels.length : doc.labels.length), 0) + d.attached.length;
  if (d.documents.length > IMPORT_LIMITS.documents) throw new HttpError(413, 'too_many_records', `the import holds ${d.documents.length} documents; the limit is ${IMPORT_LIMITS.documents} per import`);
  if (labels > IMPORT_LIMITS.labels) throw new HttpError(413, 'too_many_records', `the import holds ${labels} labels; the limit is ${IMPORT_LIMITS.labels} per import`);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function textOf(f: NamedFile, report: ImportReport): string | null {
  try {
    return utf8.decode(f.content).replace(/^\uFEFF/, '');
  } catch {
    report.errors.push({ file: f.name, message: 'not UTF-8 text' });
    return null;
  }
}

/** JSONL-like content: one value a line, or (doccano, W3C) one JSON document holding them. */
function jsonRecords(content: string, file: string, report: ImportReport, unwrap: (v: unknown) => unknown[] | null): { line?: number; value: unknown }[] {
  const lineCount = content.split('\n', IMPORT_LIMITS.documents + IMPORT_LIMITS.labels + 2).length;
  if (lineCount > IMPORT_LIMITS.documents + IMPORT_LIMITS.labels) {
    throw new HttpError(413, 'too_many_records', `${file} has more than ${IMPORT_LIMITS.documents + IMPORT_LIMITS.labels} lines; the limit is ${IMPORT_LIMITS.documents} documents and ${IMPORT_LIMITS.labels} labels per import`);
  }
  const { values, errors } = parseJsonLines(content, file);
  if (errors.length) {
    try {
      const whole = unwrap(JSON.parse(content));
      if (whole) return whole.map((value) => ({ value }));
    } catch {
      // not one JSON document either: report the lines
    }
    report.errors.push(...errors);
  }
  return values;
}

function decode(files: NamedFile[], options: ImportOptions, report: ImportReport): Decoded {
  const out: Decoded = { documents: [], attached: [] };
  if (options.format === 'brat') return decodeBrat(files, options, report);
  for (const f of files) {
    if (options.format === 'files') {
      decodeSourceFile(f, files, out, report);
      continue;
    }
    const content = textOf(f, report);
    if (content === null) continue;
    if (options.format === 'jsonl') decodeJsonl(content, f.name, out, report);
    else if (options.format === 'doccano') decodeDoccano(content, f.name, options, out, report);
    else decodeW3c(content, f.name, out, report);
  }
  return out;
}

function decodeJsonl(content: string, file: string, out: Decoded, report: ImportReport): void {
  for (const { line, value } of jsonRecords(content, file, report, () => null)) {
    const decoded = decodeJsonlValue(value, MAX_SOURCE_LENGTH);
    if ('error' in decoded) report.errors.push({ file, line, message: decoded.error });
    else out.documents.push({ ...decoded.draft, place: { file, line } });
  }
}

function decodeDoccano(content: string, file: string, options: ImportOptions, out: Decoded, report: ImportReport): void {
  const records = jsonRecords(content, file, report, (v) => (Array.isArray(v) ? v : typeof v === 'object' && v !== null ? [v] : null));
  records.forEach(({ line, value }, i) => {
    const place: Place = { file, line: line ?? i + 1 };
    const decoded = decodeDoccanoValue(value, options.map, MAX_SOURCE_LENGTH);
    if (typeof decoded === 'string') return void report.errors.push({ ...place, message: decoded });
    for (const s of decoded.skipped) report.skipped.push({ ...place, ...s });
    out.documents.push({ ...decoded.draft, place });
  });
}

function decodeW3c(content: string, file: string, out: Decoded, report: ImportReport): void {
  const records = jsonRecords(content, file, report, (v) => {
    if (Array.isArray(v)) return v;
    const o = v as { items?: unknown; first?: { items?: unknown } };
    if (Array.isArray(o?.items)) return o.items;
    if (Array.isArray(o?.first?.items)) return o.first.items;
    return typeof v === 'object' && v !== null ? [v] : null;
  });
  records.forEach(({ line, value }, i) => {
    const place: Place = line === undefined ? { file, line: i + 1 } : { file, line };
    const parsed = annotationSchema.safeParse(value);
    const types = parsed.success ? [parsed.data.type].flat() : [];
    if (!parsed.success || !types.includes('Annotation')) {
      return void report.errors.push({ ...place, message: parsed.success ? 'not a W3C Annotation (its type is not "Annotation")' : `not a W3C Annotation: ${parsed.error.issues[0].path.join('.') || 'value'}: ${parsed.error.issues[0].message}` });
    }
    const target = annotationTarget(parsed.data);
    if (typeof target === 'string') return void report.skipped.push({ ...place, item: parsed.data.id ?? 'annotation', reason: target });
    out.attached.push({ place, annotation: parsed.data, target: target.target, selectors: target.selectors });
  });
}

function decodeBrat(files: NamedFile[], options: ImportOptions, report: ImportReport): Decoded {
  const out: Decoded = { documents: [], attached: [] };
  const byName = new Map(files.map((f) => [f.name, f]));
  const { pairs, orphanAnns, ignored } = pairBratFiles([...byName.keys()]);
  for (const ann of orphanAnns) report.errors.push({ file: ann, message: `no ${ann.replace(/\.ann$/, '.txt')} beside it: a .ann needs its .txt` });
  for (const name of ignored) report.notes.push(`${name}: not a .txt or .ann file; ignored`);
  for (const pair of pairs) {
    const text = textOf(byName.get(pair.txt)!, report);
    const ann = pair.ann ? textOf(byName.get(pair.ann)!, report) : '';
    if (text === null || ann === null) continue;
    const parsed = parseBrat(text, ann, pair.ann ?? pair.txt, options.map);
    report.skipped.push(...parsed.skipped);
    report.notes.push(...parsed.notes);
    if (parsed.errors.length) {
      report.errors.push(...parsed.errors);
      continue;
    }
    const id = idFromFileName(pair.txt) ?? undefined;
    out.documents.push({ kind: 'text', place: { file: pair.txt }, id, text: parsed.text, meta: { sourceFile: pair.txt }, labels: parsed.labels });
  }
  return out;
}

/** A `.txt`, `.md` or `.html` file becomes a document, like a seed (a ` date YYYY-MM-DD ` first line, a `.meta.json` sidecar). */
function decodeSourceFile(f: NamedFile, all: NamedFile[], out: Decoded, report: ImportReport): void {
  const format: SourceFormat | null = /\.txt$/i.test(f.name) ? 'text' : /\.(md|markdown)$/i.test(f.name) ? 'markdown' : /\.html?$/i.test(f.name) ? 'html' : null;
  if (!format) {
    if (!/\.meta\.json$/i.test(f.name)) report.notes.push(`${f.name}: not a .txt, .md or .html file; ignored`);
    return;
  }
  const content = textOf(f, report);
  if (content === null) return;
  if (content.length > MAX_SOURCE_LENGTH) return void report.errors.push({ file: f.name, message: `the file is ${content.length} characters; the limit is ${MAX_SOURCE_LENGTH}` });
  const sidecarFile = all.find((s) => s.name === f.name.replace(/\.[^.]+$/, '.meta.json'));
  let sidecar: Record<string, string> = {};
  if (sidecarFile) {
    try {
      sidecar = JSON.parse(utf8.decode(sidecarFile.content)) as Record<string, string>;
    } catch (err) {
      return void report.errors.push({ file: sidecarFile.name, message: `not valid JSON: ${(err as Error).message}` });
    }
  }
  const seed = parseSeed(f.name.replace(/^.*\//, ''), content, { ...sidecar, format });
  const doc = createDocument({ id: 'x', body: seed.body, format: seed.format, meta: seed.meta, author: 'import', now: '' });
  const text = doc.revisions[0].text;
  if (text.trim() === '') return void report.errors.push({ file: f.name, message: `the ${format} has no readable text once cleaned` });
  out.documents.push({ kind: 'text', place: { file: f.name }, id: idFromFileName(f.name) ?? undefined, text, meta: doc.meta, labels: [] });
}

/** One document to write: a new record, or labels (and maybe a new revision) for an existing one. */
type Step =
  | { kind: 'create'; place: Place; record: DocumentRecord }
  | {
      kind: 'update';
      place: Place;
      id: string;
      /** The new text (`null`: keep the document's); the labels' offsets are into it, or into the latest text. */
      text: string | null;
      /** The latest revision when the plan was made: a document revised since is not touched. */
      baseRev: number;
      labels: PlannedLabel[];
    };

/** A label draft with the words it was placed on, checked again when it is written, and (W3C) where it was read. */
type PlannedLabel = LabelDraft & { exact: string; place?: Place };

function planned(text: string, labels: LabelDraft[], place?: Place): PlannedLabel[] {
  return labels.map((l) => ({ ...l, exact: text.slice(l.start, l.end), ...(place ? { place } : {}) }));
}

/** Document metadata from a file, held to the rules of a document made in the app. */
const importedMetaSchema = z
  .object({
    title: newDocumentSchema.shape.title,
    outlet: newDocumentSchema.shape.outlet,
    author: newDocumentSchema.shape.author,
    url: newDocumentSchema.shape.url,
    publishedAt: newDocumentSchema.shape.publishedAt,
    language: newDocumentSchema.shape.language,
    sourceFile: newDocumentSchema.shape.title,
  })
  .strict();

function metaProblem(meta: unknown): string | null {
  const wrongType = Object.entries(meta ?? {}).find(([, v]) => typeof v !== 'string');
  if (wrongType) return `meta.${wrongType[0]}: must be a string, not ${wrongType[1] === null ? 'null' : Array.isArray(wrongType[1]) ? 'an array' : typeof wrongType[1]}`;
  const parsed = importedMetaSchema.safeParse(meta);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${['meta', ...issue.path].join('.')}: ${issue.message}`;
}

interface Plan {
  steps: Step[];
  types: string[];
}

/** Checks every draft against the store and the other drafts; problems go to `report.errors`. */
function planImport(store: DocumentStore, project: ProjectStore, decoded: Decoded, options: ImportOptions, report: ImportReport): Plan {
  const now = options.now ?? new Date().toISOString();
  const steps: Step[] = [];
  const types = new Set<string>();
  const claimed = new Set<string>();
  const byUrl = decoded.documents.some((d) => d.kind === 'text' && d.meta.url) ? documentsByUrl(store) : new Map<string, string>();
  for (const draft of decoded.documents) {
    const errors: ImportError[] = [];
    const fail = (message: string) => errors.push({ ...draft.place, message });
    const meta = metaProblem(draft.kind === 'native' ? draft.record.meta : draft.meta);
    if (meta) fail(meta);
    if (draft.kind === 'native') {
      const { record } = draft;
      if (claimed.has(record.id)) fail(`the document id ${record.id} appears twice in this import`);
      for (const r of record.revisions) {
        const problem = textProblem(r.text);
        if (problem) fail(`revision ${r.rev}: the text ${problem}`);
      }
      if (errors.length) {
        report.errors.push(...errors);
        continue;
      }
      claimed.add(record.id);
      if (store.has(record.id)) {
        const latest = latestRevision(record);
        const labels = record.labels.filter((l) => l.rev === latest.rev && l.anchor.state !== 'orphaned').map((l) => ({ ...l, source: l.id }));
        steps.push({ kind: 'update', place: draft.place, id: record.id, text: latest.text, baseRev: latestRevision(store.get(record.id)!).rev, labels: planned(latest.text, labels) });
        labels.forEach((l) => types.add(l.type));
      } else {
        steps.push({ kind: 'create', place: draft.place, record });
        record.labels.forEach((l) => types.add(l.type));
        for (const r of record.revisions) r.labels?.forEach((l) => types.add(l.type));
      }
      continue;
    }
    const textError = textProblem(draft.text);
    if (textError) fail(`the text ${textError}`);
    if (draft.text.length > MAX_SOURCE_LENGTH) fail(`the text is ${draft.text.length} characters; the limit is ${MAX_SOURCE_LENGTH}`);
    const labelErrors = draft.labels.map((l) => labelProblem(draft.text, l)).filter((p): p is string => p !== null);
    labelErrors.forEach(fail);
    const existing = (draft.id && store.has(draft.id) ? draft.id : undefined) ?? (draft.meta.url ? byUrl.get(draft.meta.url) : undefined);
    const id = existing ?? (draft.id && !claimed.has(draft.id) ? draft.id : randomUUID());
    if (claimed.has(id)) fail(`the document ${id} appears twice in this import`);
    if (errors.length === 0) {
      claimed.add(id);
      draft.labels.forEach((l) => types.add(l.type));
      if (existing) steps.push({ kind: 'update', place: draft.place, id, text: draft.text, baseRev: latestRevision(store.get(existing)!).rev, labels: planned(draft.text, draft.labels) });
      else steps.push({ kind: 'create', place: draft.place, record: newRecord(id, draft, options, now) });
    }
    report.errors.push(...errors);
  }
  planAttached(store, decoded.attached, steps, types, report);
  return { steps, types: [...types] };
}

/** Document ids by `meta.url`; reads every document, so only built when a draft has a URL. */
function documentsByUrl(store: DocumentStore): Map<string, string> {
  const urls = new Map<string, string>();
  for (const e of store.list()) {
    const url = store.get(e.id)?.meta.url;
    if (url) urls.set(url, e.id);
  }
  return urls;
}

function labelProblem(text: string, l: LabelDraft): string | null {
  const problem = spanProblem(text, l.start, l.end) ?? importedLabelProblem(l);
  return problem ? `${l.source}: ${problem}` : null;
}

/** W3C annotations: find each one's document, place it on the latest text. */
function planAttached(store: DocumentStore, attached: PendingAnnotation[], steps: Step[], types: Set<string>, report: ImportReport): void {
  const byDoc = new Map<string, PlannedLabel[]>();
  const urls = attached.some((a) => a.target.url) ? documentsByUrl(store) : new Map<string, string>();
  const texts = new Map<string, { text: string; ix: CodePointIndex }>();
  for (const a of attached) {
    const id = a.target.id ?? (a.target.url ? urls.get(a.target.url) : undefined);
    const doc = id ? store.get(id) : null;
    if (!id || !doc) {
      report.errors.push({ ...a.place, message: `no document for its target ${a.target.id ? `urn:framewise:document:${a.target.id}` : a.target.url} (import the texts first, e.g. as jsonl or brat)` });
      continue;
    }
    let t = texts.get(id);
    if (!t) texts.set(id, (t = { text: latestRevision(doc).text, ix: new CodePointIndex(latestRevision(doc).text) }));
    const draft = annotationToDraft(a.annotation, a.selectors, t.text, t.ix);
    if (typeof draft === 'string') {
      report.errors.push({ ...a.place, message: draft });
      continue;
    }
    const problem = labelProblem(t.text, draft);
    if (problem) {
      report.errors.push({ ...a.place, message: problem });
      continue;
    }
    types.add(draft.type);
    byDoc.set(id, [...(byDoc.get(id) ?? []), ...planned(t.text, [draft], a.place)]);
  }
  for (const [id, labels] of byDoc) steps.push({ kind: 'update', place: { file: 'w3c' }, id, text: null, baseRev: latestRevision(store.get(id)!).rev, labels });
}

function newRecord(id: string, draft: Extract<DocumentDraft, { kind: 'text' }>, options: ImportOptions, now: string): DocumentRecord {
  const meta: Partial<DocumentMeta> = { ...draft.meta };
  const doc = createDocument({ id, body: draft.text, format: 'text', meta, author: options.annotator, now, message: `Imported from ${draft.place.file} (${options.format})` });
  doc.labels = toLabels(doc, draft.labels, [], options.annotator, now);
  return doc;
}

/** Stored labels for drafts on the latest revision of `doc`; `taken` are ids already in use. */
function toLabels(doc: DocumentRecord, drafts: LabelDraft[], existing: Label[], annotator: string, now: string): Label[] {
  const ids = new Set(existing.map((l) => l.id));
  const out: Label[] = [];
  for (const d of drafts) {
    const id = d.id && !ids.has(d.id) ? d.id : randomUUID();
    ids.add(id);
    const label = makeLabel(doc, { id, type: d.type, start: d.start, end: d.end, speaker: d.speaker, cue: d.cue, sourcing: d.sourcing, note: d.note }, d.annotator ?? annotator, now);
    out.push({ ...label, createdAt: d.createdAt ?? now, updatedAt: d.updatedAt ?? d.createdAt ?? now, anchor: { state: 'exact', method: 'imported', fromRev: label.rev } });
  }
  return out;
}

async function commit(store: DocumentStore, project: ProjectStore, plan: Plan, options: ImportOptions, report: ImportReport): Promise<void> {
  const now = options.now ?? new Date().toISOString();
  const newTypes = plan.types.filter((t) => !project.hasType(t));
  if (newTypes.length) report.typesAdded = (await project.addTypes(newTypeDefs(newTypes, project.labelTypes()))).map((t) => t.id);
  let done = 0;
  for (const step of plan.steps) {
    if (step.kind === 'create') {
      if (store.has(step.record.id)) throw createdMeanwhile(step.record.id, report);
      try {
        await store.create(step.record);
      } catch (err) {
        if (store.has(step.record.id)) throw createdMeanwhile(step.record.id, report);
        throw err;
      }
      report.documents.imported++;
      report.labels.imported += step.record.labels.length;
    } else {
      await updateExisting(store, step, options, now, report);
    }
    await resolveSpeakersOfDocument(store, step.kind === 'create' ? step.record.id : step.id);
    options.onProgress?.(++done, plan.steps.length, step.kind === 'create' ? step.record.id : step.id);
  }
}

/** A 409 for a document that appeared between the plan and its creation (imports alone cannot cause it: they run one at a time). */
function createdMeanwhile(id: string, report: ImportReport): HttpError {
  const written = report.documents.imported + report.documents.revised + report.documents.unchanged;
  const so = written ? `the ${written} document(s) before it in this import were written; the rest were not` : 'nothing was imported';
  return conflict(`the document ${id} was created by someone else while this import was being written: ${so}. Import the file again to finish`, report);
}

/**
 * A document that exists already: a new revision when the text differs (labels re-anchored), then
 * the new labels. A document revised by someone else since the plan was made gets neither: its
 * labels would land on other words, so each is reported as skipped.
 */
async function updateExisting(store: DocumentStore, step: Extract<Step, { kind: 'update' }>, options: ImportOptions, now: string, report: ImportReport): Promise<void> {
  const skipAll = (reason: string) => {
    for (const d of step.labels) report.skipped.push({ ...(d.place ?? step.place), item: d.source, reason });
  };
  const current = store.get(step.id);
  if (!current) return skipAll(`document ${step.id} was deleted while importing`);
  let expectedRev = step.baseRev;
  if (step.text !== null && step.text !== latestRevision(current).text) {
    try {
      const revised = await reviseDocument(store, step.id, { text: step.text, author: options.annotator, message: `Re-imported from ${step.place.file} (${options.format})`, baseRev: step.baseRev });
      expectedRev = latestRevision(revised.doc).rev;
      if (revised.created) report.documents.revised++;
      else report.documents.unchanged++;
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 409) throw err;
      report.skipped.push({ ...step.place, item: `document ${step.id}`, reason: `its text was revised by someone else while importing (revision ${latestRevision(store.get(step.id) ?? current).rev}); the imported text was not applied` });
      return skipAll(`document ${step.id} was revised while importing; import it again to add this label`);
    }
  } else if (step.text !== null) report.documents.unchanged++;
  const result = await store.update(step.id, (draft) => {
    const latest = latestRevision(draft);
    if (latest.rev !== expectedRev) {
      skipAll(`document ${step.id} was revised while importing (revision ${latest.rev}, not ${expectedRev}); import it again to add this label`);
      return 0;
    }
    const fresh = step.labels.filter((d) => {
      const dup = draft.labels.find((l) => (d.id !== undefined && l.id === d.id) || (l.type === d.type && l.start === d.start && l.end === d.end && l.rev === latest.rev));
      if (dup) {
        report.skipped.push({ ...(d.place ?? step.place), item: d.source, reason: `already in document ${step.id} (label ${dup.id})` });
        return false;
      }
      const problem = spanProblem(latest.text, d.start, d.end) ?? (latest.text.slice(d.start, d.end) === d.exact ? null : `the text at ${d.start}-${d.end} is no longer ${JSON.stringify(d.exact.slice(0, 60))}`);
      if (problem) report.skipped.push({ ...(d.place ?? step.place), item: d.source, reason: `not placed on document ${step.id}: ${problem}` });
      return problem === null;
    });
    const labels = toLabels(draft, fresh, draft.labels, options.annotator, now);
    draft.labels.push(...labels);
    if (labels.length) draft.events.push({ at: now, actor: options.annotator, kind: 'labels.imported', rev: latest.rev, after: { format: options.format, count: labels.length } });
    return labels.length;
  });
  if (!result) return skipAll(`document ${step.id} was deleted while importing`);
  report.labels.imported += result.result;
}
