import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import type { DocumentRepository } from '../store/repository.js';
import { latestRevision, type DocEvent, type DocumentMeta, type DocumentRecord, type Label, type Revision } from '../domain/types.js';
import { createDocument } from '../domain/documents.js';
import { makeLabel, spanProblem } from '../domain/labels.js';
import { resolveSpeakersOfDocument } from './speakers.js';
import { CodePointIndex } from '../domain/formats/code-points.js';
import type { DocumentDraft, LabelDraft } from '../domain/formats/drafts.js';
import { emptyImportReport, type ImportError, type ImportReport, type Place } from '../domain/formats/report.js';
import { annotationToDraft } from '../domain/formats/w3c.js';
import { newTypeDefs } from '../domain/formats/type-colors.js';
import { ArchiveTooLarge, isArchiveName, readArchive, type NamedFile } from '../domain/formats/archive.js';
import { importedLabelProblem } from '../domain/formats/label-checks.js';
import { TooManyRecords, type Decoded, type DecodeContext, type Format, type PendingAnnotation } from '../domain/formats/format.js';
import { formatNamed, importFormatNames } from '../domain/formats/registry.js';
import { findTypeId, typeIdKey } from '../domain/type-ids.js';
import { MAX_SOURCE_LENGTH, newDocumentSchema, textProblem } from './documents.js';
import { reviseDocument } from './revisions.js';
import { badRequest, conflict, HttpError, tooLarge } from '../http-error.js';
import { planLabelCountProblem } from '../domain/label-limit.js';
import { answerStoreOf } from './answers.js';
import { answerValueFor, type AnswerDraft } from '../domain/formats/answers.js';
import { answerProblem } from '../domain/questions/validate.js';
import type { AnswerValue, Question } from '../domain/questions/types.js';

/** The formats an import reads, from the format registry. */
export const IMPORT_FORMATS: readonly string[] = importFormatNames();
export type ImportFormat = string;

/** Limits on one import, so a huge or hostile file is refused with a 413 instead of exhausting memory. */
export const IMPORT_LIMITS = {
  /** Documents (JSONL/doccano lines, Label Studio tasks, brat pairs, files) in one import. */
  documents: 10_000,
  /** Labels (and W3C annotations) in one import. */
  labels: 200_000,
  /** Entries in one archive (files, folders, links), and the bytes its files inflate to, counted as they are inflated. */
  archiveFiles: 20_010,
  archiveBytes: 200 * 1024 * 1024,
} as const;

export interface ImportOptions {
  format: ImportFormat;
  /** Who the labels are by when the file does not say (brat and doccano never do). */
  annotator: string;
  /** Who runs the import: the author of every revision and event it writes (defaults to `annotator`). */
  importedBy?: string;
  /** Skip records with errors (each listed in the report) instead of importing nothing. */
  skipBad: boolean;
  /** Other tools' type names to Framewise types; unmapped types are kept and added to the project. */
  map: Record<string, string>;
  /** Plan only: the report says what the import would do, nothing is written. */
  dryRun?: boolean;
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

/**
 * Imports files in four steps: decode (the format's module reads the files into drafts), plan
 * (every draft checked against the store: formats, offsets, texts, label types, existing documents
 * and labels), then, unless `dryRun`, commit (new documents created, documents whose id or URL
 * exists get a new revision, new labels added), one import at a time per store. When any record has
 * an error and `skipBad` is off, nothing is written and the report lists the errors with file and
 * line. A dry run's report counts what the import would do and writes nothing.
 */
export async function importFiles(store: Corpus, project: ProjectStore, files: NamedFile[], options: ImportOptions): Promise<ImportReport> {
  const format = formatNamed(options.format);
  if (!format?.decode) throw badRequest(`format: must be one of ${IMPORT_FORMATS.join(', ')}`, 'invalid_input');
  const report = emptyImportReport(options.format);
  report.dryRun = options.dryRun === true;
  // The import's place in the store's queue is taken as it arrives, so imports commit in arrival order however long each takes to decode.
  const turn = takeTurn(store);
  try {
    return await decodeThenCommit(store, project, files, options, format, report, turn.ready);
  } finally {
    turn.release();
  }
}

/** Archives expanded, files decoded (other requests get turns meanwhile), then, once the import's turn comes, plan and commit. */
async function decodeThenCommit(store: Corpus, project: ProjectStore, files: NamedFile[], options: ImportOptions, format: Format, report: ImportReport, ready: Promise<void>): Promise<ImportReport> {
  const expanded = await expandArchives(files, report);
  const ctx: DecodeContext = {
    map: options.map,
    maxTextLength: MAX_SOURCE_LENGTH,
    maxRecords: IMPORT_LIMITS.documents + IMPORT_LIMITS.labels,
    limitsText: `${IMPORT_LIMITS.documents} documents and ${IMPORT_LIMITS.labels} labels per import`,
    report,
  };
  let decoded: Decoded;
  try {
    decoded = await decodeInSlices(format, expanded, ctx);
  } catch (err) {
    if (err instanceof TooManyRecords) throw new HttpError(413, 'too_many_records', err.message);
    throw err;
  }
  enforceLimits(decoded);
  if (decoded.documents.length === 0 && decoded.attached.length === 0 && report.errors.length === 0) throw nothingToImport(report);
  const questions = decoded.documents.some((d) => d.answers?.length) ? (await answerStoreOf(store)).read().questions : [];
  await ready;
  const plan = await planImport(store, project, decoded, options, report, questions);
  const tooMany = planLabelCountProblem(plan.steps.map((s) => (s.kind === 'create' ? { id: s.record.id, existing: 0, adding: s.record.labels.length } : { id: s.id, existing: s.existingLabels, adding: s.labels.length })));
  if (tooMany) throw tooLarge(`${tooMany}: nothing was imported`);
  if (report.errors.length && !options.skipBad) return report;
  if (options.skipBad) {
    for (const e of report.errors) report.skipped.push({ file: e.file, line: e.line, item: 'record', reason: e.message });
    report.errors = [];
    if (plan.steps.length === 0) throw nothingToImport(report);
  }
  if (options.dryRun) {
    await preview(store, project, plan, report);
    if (plan.answers.length) report.answers = countAnswers((await answerStoreOf(store)).read().answers, plan.answers, '', false);
    return report;
  }
  await commit(store, project, plan, options, report);
  report.committed = true;
  return report;
}

/** Longest stretch of decoding between two turns of the event loop, in milliseconds. */
export const DECODE_SLICE_MS = 5;

/**
 * Decodes the files, giving other requests a turn of the event loop every `DECODE_SLICE_MS` of
 * work when the format reads in steps (`decodeSteps`: JSONL, doccano, W3C, Label Studio), so the
 * up to 200 MB an archive inflates to is not read in one synchronous block. The result is that of
 * `format.decode`; a format without steps is decoded in one piece.
 */
export async function decodeInSlices(format: Format, files: NamedFile[], ctx: DecodeContext): Promise<Decoded> {
  if (!format.decodeSteps) return format.decode!(files, ctx);
  const steps = format.decodeSteps(files, ctx);
  let since = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - since < DECODE_SLICE_MS) continue;
    await nextTurn();
    since = performance.now();
  }
}

/** A 400 for an import that found nothing it could import, naming what it passed over and why. */
function nothingToImport(report: ImportReport): HttpError {
  const named = report.skipped.slice(0, 10).map((s) => `${s.line === undefined ? s.file : `${s.file}:${s.line}`} (${s.reason})`);
  const more = report.skipped.length > 10 ? `, and ${report.skipped.length - 10} more` : '';
  const why = named.length ? `: skipped ${named.join('; ')}${more}` : ': the upload holds no records';
  return new HttpError(400, 'nothing_to_import', `nothing to import as ${report.format}${why}`, report);
}

/** The last import queued on each store. */
const queues = new WeakMap<Corpus, Promise<void>>();

/**
 * A place in `store`'s import queue: `ready` settles once every import queued before it has
 * finished, so an import plans against what the previous one wrote, never against a store another
 * import is half-way through writing; `release` (always called) lets the next one go.
 */
function takeTurn(store: Corpus): { ready: Promise<void>; release: () => void } {
  const ready = queues.get(store) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  queues.set(store, ready.then(() => mine));
  return { ready, release };
}

/** Archives replaced by their files (one at a time, sizes counted as they inflate); entries not used go to `report.skipped`. */
async function expandArchives(files: NamedFile[], report: ImportReport): Promise<NamedFile[]> {
  const out: NamedFile[] = [];
  for (const f of files) {
    if (!isArchiveName(f.name)) {
      out.push(f);
      continue;
    }
    try {
      const contents = await readArchive(f.name, f.content, { files: IMPORT_LIMITS.archiveFiles, bytes: IMPORT_LIMITS.archiveBytes });
      out.push(...contents.files);
      for (const s of contents.skipped) report.skipped.push({ file: `${f.name}: ${s.name}`, item: 'archive entry', reason: s.reason });
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
      /** Labels the document had when the plan was made (for the per-document label limit). */
      existingLabels: number;
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
  /** Label types the project does not have yet. */
  types: string[];
  /** Document-level answers to write (checked against the project's questions). */
  answers: PlannedAnswer[];
}

interface PlannedAnswer {
  documentId: string;
  questionId: string;
  annotator: string;
  value: AnswerValue;
}

/**
 * The answers of one draft, checked against the project's questions: an answer to a question the
 * project does not ask is skipped (with the reason), one outside its question's choices is an error.
 */
function planAnswers(drafts: AnswerDraft[] | undefined, documentId: string, questions: Question[], annotator: string, place: Place, report: ImportReport, fail: (message: string) => void): PlannedAnswer[] {
  const out: PlannedAnswer[] = [];
  for (const d of drafts ?? []) {
    const q = questions.find((x) => x.id === d.questionId);
    if (!q) {
      report.skipped.push({ ...place, item: d.source, reason: `an answer to "${d.questionId.slice(0, 64)}", which is not one of the project's questions (add the question first: PUT /api/questions)` });
      continue;
    }
    const value = answerValueFor(q, d.value);
    const problem = typeof value === 'string' || typeof value === 'number' || Array.isArray(value) ? answerProblem(q, value as AnswerValue) : `${q.id}: not an answer`;
    if (problem) fail(`${d.source}: ${problem}`);
    else out.push({ documentId, questionId: q.id, annotator: (d.annotator ?? annotator).slice(0, 80), value: value as AnswerValue });
  }
  return out;
}

/**
 * Names every label type of an import by the project's id for it: `Direct-Quote` and `OPINION` meet
 * `direct-quote` and `opinion` (case and punctuation do not count); a type the project lacks is new,
 * spelled as first met. Records each for the report.
 */
class TypeResolver {
  private readonly known: string[];
  private readonly added: string[] = [];
  private readonly seen = new Map<string, ImportReport['types'][number]>();
  private readonly mapTargets: Set<string>;

  constructor(project: ProjectStore, map: Record<string, string>) {
    this.known = project.labelTypes().map((t) => t.id);
    this.mapTargets = new Set(Object.values(map).map(typeIdKey));
  }

  resolve(name: string): string {
    const hit = this.seen.get(name);
    if (hit) return hit.type;
    const known = findTypeId(name, this.known);
    const type = known ?? findTypeId(name, this.added) ?? name;
    if (!known && type === name) this.added.push(name);
    this.seen.set(name, { name, type, how: this.mapTargets.has(typeIdKey(name)) ? 'mapped' : known ? 'known' : 'new' });
    return type;
  }

  newTypes(): string[] {
    return [...this.added];
  }

  report(): ImportReport['types'] {
    return [...this.seen.values()];
  }
}

/**
 * A native record as imported: its revisions and events are recorded as made by `importedBy` at
 * `now`, the file's authors and times kept only as claims in `importedFrom`, never as first-hand
 * history; an `imported` event says from which file. A record exported after an import keeps its
 * first claims.
 */
function asImported(record: DocumentRecord, importedBy: string, now: string, place: Place, format: string): DocumentRecord {
  const claim = <T extends { importedFrom?: unknown }>(x: T, author: string, at: string) => (x.importedFrom === undefined ? { author, at } : x.importedFrom);
  const revisions = record.revisions.map((r): Revision => ({ ...r, author: importedBy, createdAt: now, importedFrom: claim(r as Revision & { importedFrom?: unknown }, r.author, r.createdAt) }) as Revision);
  const events = record.events.map((e): DocEvent => ({ ...e, actor: importedBy, at: now, importedFrom: claim(e as DocEvent & { importedFrom?: unknown }, e.actor, e.at) }) as DocEvent);
  events.push({ at: now, actor: importedBy, kind: 'document.imported', rev: latestRevision(record).rev, after: { format, file: place.file } });
  return { ...record, revisions, events };
}

/** Checks every draft against the store and the other drafts; problems go to `report.errors`. */
async function planImport(store: Corpus, project: ProjectStore, decoded: Decoded, options: ImportOptions, report: ImportReport, questions: Question[] = []): Promise<Plan> {
  const now = options.now ?? new Date().toISOString();
  const steps: Step[] = [];
  const answers: PlannedAnswer[] = [];
  const types = new TypeResolver(project, options.map);
  const importedBy = options.importedBy ?? options.annotator;
  const claimed = new Set<string>();
  const byUrl = new UrlLookup(store);
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
      const own = planAnswers(draft.answers, record.id, questions, options.annotator, draft.place, report, fail);
      if (errors.length) {
        report.errors.push(...errors);
        continue;
      }
      claimed.add(record.id);
      answers.push(...own);
      for (const l of [...record.labels, ...record.revisions.flatMap((r) => r.labels ?? [])]) l.type = types.resolve(l.type);
      const current = await store.getDocument(record.id);
      if (current) {
        const latest = latestRevision(record);
        const labels = record.labels.filter((l) => l.rev === latest.rev && l.anchor.state !== 'orphaned').map((l) => ({ ...l, source: l.id }));
        steps.push({ kind: 'update', place: draft.place, id: record.id, text: latest.text, ...planBase(current), labels: planned(latest.text, labels) });
      } else {
        steps.push({ kind: 'create', place: draft.place, record: asImported(record, importedBy, now, draft.place, options.format) });
      }
      continue;
    }
    const textError = textProblem(draft.text);
    if (textError) fail(`the text ${textError}`);
    if (draft.text.length > MAX_SOURCE_LENGTH) fail(`the text is ${draft.text.length} characters; the limit is ${MAX_SOURCE_LENGTH}`);
    const labelErrors = draft.labels.map((l) => labelProblem(draft.text, l)).filter((p): p is string => p !== null);
    labelErrors.forEach(fail);
    const byId = draft.id ? await store.getDocument(draft.id) : null;
    const existingDoc = byId ?? (draft.meta.url ? await byUrl.document(draft.meta.url) : null);
    const existing = existingDoc?.id;
    const id = existing ?? (draft.id && !claimed.has(draft.id) ? draft.id : randomUUID());
    if (claimed.has(id)) fail(`the document ${id} appears twice in this import`);
    const own = planAnswers(draft.answers, id, questions, options.annotator, draft.place, report, fail);
    if (errors.length === 0) {
      claimed.add(id);
      answers.push(...own);
      for (const l of draft.labels) l.type = types.resolve(l.type);
      if (existingDoc) steps.push({ kind: 'update', place: draft.place, id, text: draft.text, ...planBase(existingDoc), labels: planned(draft.text, draft.labels) });
      else steps.push({ kind: 'create', place: draft.place, record: newRecord(id, draft, options, now) });
    }
    report.errors.push(...errors);
  }
  await planAttached(store, byUrl, decoded.attached, steps, types, report);
  report.types = types.report();
  return { steps, types: types.newTypes(), answers };
}

/** What an update step records of the document as the plan found it. */
function planBase(doc: DocumentRecord): { baseRev: number; existingLabels: number } {
  return { baseRev: latestRevision(doc).rev, existingLabels: doc.labels.length };
}

/**
 * Documents by `meta.url`, asked of the store's catalogue (`findByUrl`) once per URL: no document
 * is read to find one. When several documents share a URL, the last one listed is taken.
 */
class UrlLookup {
  private readonly ids = new Map<string, string | null>();

  constructor(private readonly store: DocumentRepository) {}

  async id(url: string): Promise<string | null> {
    let id = this.ids.get(url);
    if (id === undefined) {
      const found = await this.store.findByUrl(url);
      this.ids.set(url, (id = found[found.length - 1] ?? null));
    }
    return id;
  }

  async document(url: string): Promise<DocumentRecord | null> {
    const id = await this.id(url);
    return id ? this.store.getDocument(id) : null;
  }
}

function labelProblem(text: string, l: LabelDraft): string | null {
  const problem = spanProblem(text, l.start, l.end) ?? importedLabelProblem(l);
  return problem ? `${l.source}: ${problem}` : null;
}

/** W3C annotations: find each one's document, place it on the latest text. */
async function planAttached(store: Corpus, urls: UrlLookup, attached: PendingAnnotation[], steps: Step[], types: TypeResolver, report: ImportReport): Promise<void> {
  const byDoc = new Map<string, PlannedLabel[]>();
  const texts = new Map<string, { text: string; ix: CodePointIndex; base: { baseRev: number; existingLabels: number } }>();
  for (const a of attached) {
    const id = a.target.id ?? (a.target.url ? await urls.id(a.target.url) : undefined);
    let t = id ? texts.get(id) : undefined;
    const doc = id && !t ? await store.getDocument(id) : null;
    if (!id || (!t && !doc)) {
      report.errors.push({ ...a.place, message: `no document for its target ${a.target.id ? `urn:framewise:document:${a.target.id}` : a.target.url} (import the texts first, e.g. as jsonl or brat)` });
      continue;
    }
    if (!t) texts.set(id, (t = { text: latestRevision(doc!).text, ix: new CodePointIndex(latestRevision(doc!).text), base: planBase(doc!) }));
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
    draft.type = types.resolve(draft.type);
    byDoc.set(id, [...(byDoc.get(id) ?? []), ...planned(t.text, [draft], a.place)]);
  }
  for (const [id, labels] of byDoc) steps.push({ kind: 'update', place: { file: 'w3c' }, id, text: null, ...texts.get(id)!.base, labels });
}

function newRecord(id: string, draft: Extract<DocumentDraft, { kind: 'text' }>, options: ImportOptions, now: string): DocumentRecord {
  const meta: Partial<DocumentMeta> = { ...draft.meta };
  const doc = createDocument({ id, body: draft.text, format: 'text', meta, author: options.importedBy ?? options.annotator, now, message: `Imported from ${draft.place.file} (${options.format})` });
  doc.labels = toLabels(doc, draft.labels, [], options.annotator, now, options.importedBy);
  return doc;
}

/** Stored labels for drafts on the latest revision of `doc`; `taken` are ids already in use. */
function toLabels(doc: DocumentRecord, drafts: LabelDraft[], existing: Label[], annotator: string, now: string, importedBy?: string): Label[] {
  const ids = new Set(existing.map((l) => l.id));
  const out: Label[] = [];
  for (const d of drafts) {
    const id = d.id && !ids.has(d.id) ? d.id : randomUUID();
    ids.add(id);
    const label = makeLabel(doc, { id, type: d.type, start: d.start, end: d.end, speaker: d.speaker, cue: d.cue, sourcing: d.sourcing, note: d.note }, d.annotator ?? annotator, now);
    // The label records both whose it was (annotator) and who brought it in (importedBy).
    out.push({ ...label, ...(importedBy ? { importedBy } : {}), createdAt: d.createdAt ?? now, updatedAt: d.updatedAt ?? d.createdAt ?? now, anchor: { state: 'exact', method: 'imported', fromRev: label.rev } });
  }
  return out;
}

/**
 * New documents written at once by one import. Each create waits for its own durable write (file,
 * fsync, rename, folder fsync; or a transaction), so one after another an import spent most of its
 * time waiting on the disk; a window of creates lets those waits overlap. Updates still run one at a
 * time, after every create before them is written, and progress and speakers follow plan order.
 */
export const CREATE_WINDOW = 16;

type Created = { ok: true } | { ok: false; err: unknown; meanwhile: boolean };

async function commit(store: Corpus, project: ProjectStore, plan: Plan, options: ImportOptions, report: ImportReport): Promise<void> {
  const now = options.now ?? new Date().toISOString();
  const newTypes = plan.types.filter((t) => !project.hasType(t));
  if (newTypes.length) report.typesAdded = (await project.addTypes(newTypeDefs(newTypes, project.labelTypes()))).map((t) => t.id);
  let done = 0;
  const idOf = (step: Step) => (step.kind === 'create' ? step.record.id : step.id);
  /** After a step is written, in plan order: its speakers resolved, the progress told. */
  const finish = async (step: Step) => {
    await resolveSpeakersOfDocument(store, idOf(step));
    options.onProgress?.(++done, plan.steps.length, idOf(step));
  };
  const create = async (step: Extract<Step, { kind: 'create' }>): Promise<Created> => {
    if (store.has(step.record.id)) return { ok: false, err: null, meanwhile: true };
    try {
      await store.create(step.record);
      return { ok: true };
    } catch (err) {
      // On a shared database the document may come from another server: catch up before asking.
      await store.refresh().catch(() => undefined);
      return { ok: false, err, meanwhile: store.has(step.record.id) };
    }
  };
  const window: { step: Extract<Step, { kind: 'create' }>; run: Promise<Created> }[] = [];
  /** Waits for the oldest create in the window; on a failure, for every other one too, then throws. */
  const settleOldest = async () => {
    const { step, run } = window.shift()!;
    const created = await run;
    if (created.ok) {
      report.documents.imported++;
      report.labels.imported += step.record.labels.length;
      return finish(step);
    }
    const before = report.documents.imported + report.documents.revised + report.documents.unchanged;
    const after = await stopWriting();
    if (created.meanwhile) throw createdMeanwhile(step.record.id, report, before, after);
    throw created.err;
  };
  /** Nothing is left writing when the import stops: the creates still in the window are waited for, counted and their speakers resolved. */
  const stopWriting = async () => {
    let written = 0;
    for (const later of window.splice(0)) {
      if (!(await later.run).ok) continue;
      written++;
      report.documents.imported++;
      report.labels.imported += later.step.record.labels.length;
      await resolveSpeakersOfDocument(store, later.step.record.id).catch(() => 0);
    }
    return written;
  };
  try {
    for (const step of plan.steps) {
      if (step.kind === 'create') {
        if (window.length >= CREATE_WINDOW) await settleOldest();
        window.push({ step, run: create(step) });
        continue;
      }
      while (window.length) await settleOldest();
      await updateExisting(store, step, options, now, report);
      await finish(step);
    }
    while (window.length) await settleOldest();
  } catch (err) {
    await stopWriting();
    throw err;
  }
  if (plan.answers.length) report.answers = await (await answerStoreOf(store)).update((draft) => countAnswers(draft.answers, plan.answers, now, true));
}

/**
 * Counts the planned answers the store has already (same document, question, annotator and value)
 * and those it does not; with `write`, puts the new ones in `stored` (replacing that annotator's
 * earlier answer to the question).
 */
function countAnswers(stored: { documentId: string; questionId: string; annotator: string; value: AnswerValue; at: string }[], planned: PlannedAnswer[], now: string, write: boolean): { imported: number; existing: number } {
  const counts = { imported: 0, existing: 0 };
  for (const p of planned) {
    const i = stored.findIndex((a) => a.documentId === p.documentId && a.questionId === p.questionId && a.annotator === p.annotator);
    if (i !== -1 && JSON.stringify(stored[i].value) === JSON.stringify(p.value)) {
      counts.existing++;
      continue;
    }
    counts.imported++;
    if (!write) continue;
    if (i !== -1) stored.splice(i, 1);
    stored.push({ ...p, at: now });
  }
  return counts;
}

/**
 * A 409 for a document that appeared between the plan and its creation (imports alone cannot cause
 * it: they run one at a time); `before` documents of the import were written before it, `after`
 * were being written at the same time and were written too.
 */
function createdMeanwhile(id: string, report: ImportReport, before: number, after: number): HttpError {
  const also = after ? `, and ${after} after it that were being written at the same time` : '';
  const so = before + after ? `the ${before} document(s) before it in this import were written${also}; the rest were not` : 'nothing was imported';
  return conflict(`the document ${id} was created by someone else while this import was being written: ${so}. Import the file again to finish`, report);
}

/**
 * A document that exists already: a new revision when the text differs (labels re-anchored), then
 * the new labels. A document revised by someone else since the plan was made gets neither: its
 * labels would land on other words, so each is reported as skipped.
 */
async function updateExisting(store: Corpus, step: Extract<Step, { kind: 'update' }>, options: ImportOptions, now: string, report: ImportReport): Promise<void> {
  const skipAll = (reason: string) => {
    for (const d of step.labels) report.skipped.push({ ...(d.place ?? step.place), item: d.source, reason });
  };
  const current = await store.getDocument(step.id);
  if (!current) return skipAll(`document ${step.id} was deleted while importing`);
  let expectedRev = step.baseRev;
  if (step.text !== null && step.text !== latestRevision(current).text) {
    try {
      const revised = await reviseDocument(store, step.id, { text: step.text, author: options.importedBy ?? options.annotator, message: `Re-imported from ${step.place.file} (${options.format})`, baseRev: step.baseRev });
      expectedRev = latestRevision(revised.doc).rev;
      if (revised.created) report.documents.revised++;
      else report.documents.unchanged++;
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 409) throw err;
      report.skipped.push({ ...step.place, item: `document ${step.id}`, reason: `its text was revised by someone else while importing (revision ${latestRevision((await store.getDocument(step.id)) ?? current).rev}); the imported text was not applied` });
      return skipAll(`document ${step.id} was revised while importing; import it again to add this label`);
    }
  } else if (step.text !== null) report.documents.unchanged++;
  // No labels to add: nothing to write (an unchanged document is not rewritten, nor announced to other servers).
  if (step.labels.length === 0) return;
  const result = await store.update(step.id, (draft) => {
    const latest = latestRevision(draft);
    if (latest.rev !== expectedRev) {
      skipAll(`document ${step.id} was revised while importing (revision ${latest.rev}, not ${expectedRev}); import it again to add this label`);
      return 0;
    }
    const fresh = step.labels.filter((d) => {
      const dup = duplicateOf(draft.labels, latest.rev, d);
      if (dup) {
        report.labels.existing++;
        report.skipped.push({ ...(d.place ?? step.place), item: d.source, reason: `already in document ${step.id} (label ${dup.id})` });
        return false;
      }
      const problem = spanProblem(latest.text, d.start, d.end) ?? (latest.text.slice(d.start, d.end) === d.exact ? null : `the text at ${d.start}-${d.end} is no longer ${JSON.stringify(d.exact.slice(0, 60))}`);
      if (problem) report.skipped.push({ ...(d.place ?? step.place), item: d.source, reason: `not placed on document ${step.id}: ${problem}` });
      return problem === null;
    });
    const labels = toLabels(draft, fresh, draft.labels, options.annotator, now, options.importedBy);
    draft.labels.push(...labels);
    if (labels.length) draft.events.push({ at: now, actor: options.importedBy ?? options.annotator, kind: 'labels.imported', rev: latest.rev, after: { format: options.format, count: labels.length } });
    return labels.length;
  });
  if (!result) return skipAll(`document ${step.id} was deleted while importing`);
  report.labels.imported += result.result;
}

/**
 * The label of `labels` that `d` repeats: the same id, or the same type (ignoring case and
 * punctuation) on the same span of revision `rev`; `undefined` when it is new.
 */
function duplicateOf(labels: Label[], rev: number, d: LabelDraft): Label | undefined {
  const key = typeIdKey(d.type);
  return labels.find((l) => (d.id !== undefined && l.id === d.id) || (l.rev === rev && l.start === d.start && l.end === d.end && typeIdKey(l.type) === key));
}

/**
 * What the plan would do, counted into the report without writing: documents created, revised or
 * unchanged, labels new or already there (each one already there listed as skipped, as the import
 * would), and the label types it would add. For a document whose text would change, labels already
 * there are recognised by type and quoted words, since the re-anchored offsets are not known yet.
 */
async function preview(store: Corpus, project: ProjectStore, plan: Plan, report: ImportReport): Promise<void> {
  for (const step of plan.steps) {
    if (step.kind === 'create') {
      report.documents.imported++;
      report.labels.imported += step.record.labels.length;
      continue;
    }
    const current = await store.getDocument(step.id);
    if (!current) continue; // deleted since the plan; the import would skip it
    const latest = latestRevision(current);
    const revised = step.text !== null && step.text !== latest.text;
    if (step.text !== null) report.documents[revised ? 'revised' : 'unchanged']++;
    for (const d of step.labels) {
      const dup = revised
        ? current.labels.find((l) => (d.id !== undefined && l.id === d.id) || (l.anchor.state !== 'orphaned' && typeIdKey(l.type) === typeIdKey(d.type) && l.quote.exact === d.exact))
        : duplicateOf(current.labels, latest.rev, d);
      if (dup) {
        report.labels.existing++;
        report.skipped.push({ ...(d.place ?? step.place), item: d.source, reason: `already in document ${step.id} (label ${dup.id})` });
      } else report.labels.imported++;
    }
  }
  report.typesAdded = plan.types.filter((t) => !project.hasType(t));
}
