import { z } from 'zod';
import { latestRevision, type DocumentRecord, type Label, type Revision } from '../types.js';
import { documentFileSchema, isDocumentId } from '../schema.js';
import { sourceToText } from '../documents.js';
import { spanProblem } from '../labels.js';
import { normalizeText } from '../text.js';
import { importedLabelProblem, lineStringProblem, MAX_ANNOTATOR_LENGTH } from './label-checks.js';
import type { DocumentDraftBody } from './drafts.js';
import type { ImportError } from './report.js';
import { emptyDecoded, runSteps, type Decoded, type DecodeContext, type DecodeSteps, type Format } from './format.js';
import { jsonRecordSteps } from './decode-text.js';
import type { NamedFile } from './archive.js';
import { JSON_LINES_FILE } from './json-lines.js';
import type { Answer } from '../questions/types.js';
import type { AnswerDraft } from './answers.js';

/**
 * The native JSONL line: one whole document, lossless. `text` and `rev` are the latest revision's;
 * `revisions` holds every revision, the latest one without its `text` (it is `text`), and the
 * events are the document's audit trail. Key order is fixed so that an export, imported into an
 * empty folder and exported again, is byte-identical.
 */
export function encodeNativeLine(doc: DocumentRecord, answers: Answer[] = []): string {
  const latest = latestRevision(doc);
  const revisions = doc.revisions.map((r) => (r === latest ? withoutText(r) : r));
  const line: Record<string, unknown> = { id: doc.id, rev: latest.rev, meta: doc.meta, text: latest.text, labels: doc.labels, revisions, events: doc.events };
  if (answers.length) line.answers = answers.map((a) => ({ questionId: a.questionId, annotator: a.annotator, value: a.value, at: a.at }));
  return `${JSON.stringify(line)}\n`;
}

/** The `answers` of a native line as drafts, or a message; each `{ questionId, annotator, value }`. */
function answerDrafts(given: unknown): AnswerDraft[] | string {
  if (given === undefined) return [];
  if (!Array.isArray(given)) return '"answers" must be a list of { questionId, annotator, value }';
  const out: AnswerDraft[] = [];
  for (const [i, a] of given.entries()) {
    if (typeof a !== 'object' || a === null || typeof (a as Record<string, unknown>).questionId !== 'string' || typeof (a as Record<string, unknown>).annotator !== 'string' || !('value' in a)) return `answers.${i}: expected { questionId, annotator, value }`;
    const { questionId, annotator, value } = a as { questionId: string; annotator: string; value: unknown };
    out.push({ source: `answers.${i}`, questionId, annotator, value });
  }
  return out;
}

function withoutText(r: Revision): Omit<Revision, 'text'> {
  const { text: _text, ...rest } = r;
  return rest;
}

/** The simple line the bulk import takes: metadata and one of text, html or markdown. */
const simpleLineSchema = z
  .object({
    id: z.string().refine(isDocumentId, 'must be letters, digits, "_" or "-" (at most 100)').optional(),
    title: z.string().max(500).optional(),
    outlet: z.string().max(200).optional(),
    author: z.string().max(200).optional(),
    url: z.string().max(2000).regex(/^https?:\/\/\S+$/i, 'must be an http:// or https:// URL').optional(),
    publishedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional(),
    language: z.string().max(35).optional(),
    text: z.string().optional(),
    html: z.string().optional(),
    markdown: z.string().optional(),
  })
  .strict();

const nativeLineSchema = z.object({
  id: z.string().refine(isDocumentId, 'must be letters, digits, "_" or "-" (at most 100)'),
  rev: z.number().int().positive(),
  text: z.string(),
  meta: z.unknown(),
  labels: z.unknown(),
  revisions: z.array(z.record(z.string(), z.unknown())).min(1),
  events: z.unknown(),
});

/** Reads one JSONL line (already JSON-parsed) into a draft, or a message saying what is wrong. */
export function decodeJsonlValue(value: unknown, maxTextLength: number): { draft: DocumentDraftBody; answers?: AnswerDraft[] } | { error: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'a line must be a JSON object' };
  if ('revisions' in value) return decodeNative(value);
  const parsed = simpleLineSchema.safeParse(value);
  if (!parsed.success) return { error: zodMessage(parsed.error) };
  const body = parsed.data;
  const given = (['text', 'html', 'markdown'] as const).filter((k) => (body[k] ?? '').trim() !== '');
  if (given.length !== 1) return { error: given.length ? `give only one of "text", "html" or "markdown", not ${given.join(' and ')}` : 'the line needs one of "text", "html" or "markdown"' };
  const source = body[given[0]]!;
  if (source.length > maxTextLength) return { error: `"${given[0]}" is ${source.length} characters; the limit is ${maxTextLength}` };
  const text = sourceToText(source, given[0] === 'text' ? 'text' : given[0]);
  if (text.trim() === '') return { error: `the ${given[0]} has no readable text once cleaned` };
  const { id, text: _t, html: _h, markdown: _m, ...meta } = body;
  return { draft: { kind: 'text', id, text, meta, labels: [] } };
}

/** Keys that could reach an object's prototype if code ever merged them: a native line may not hold them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deepest nesting a native line may have (a document file is about 6 levels deep). */
export const MAX_NATIVE_DEPTH = 32;

/** What makes a parsed native line unsafe to store: a forbidden key or too deep a nesting; iterative, so any depth is safe to check. */
function unsafeStructure(root: unknown): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_NATIVE_DEPTH) return `${path}: nested deeper than ${MAX_NATIVE_DEPTH} levels`;
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) return `${childPath}: the key "${key}" is not allowed`;
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

function decodeNative(value: object): { draft: DocumentDraftBody; answers?: AnswerDraft[] } | { error: string } {
  const unsafe = unsafeStructure(value);
  if (unsafe) return { error: unsafe };
  const answers = answerDrafts((value as { answers?: unknown }).answers);
  if (typeof answers === 'string') return { error: answers };
  const line = nativeLineSchema.safeParse(value);
  if (!line.success) return { error: zodMessage(line.error) };
  const { id, rev, text, meta, labels, revisions, events } = line.data;
  const last = revisions[revisions.length - 1];
  if (last.rev !== rev) return { error: `"rev" is ${rev} but the last revision is ${String(last.rev)}` };
  if ('text' in last) return { error: 'the last revision must not repeat its text (it is the line\'s "text")' };
  const record = { id, meta, revisions: revisions.map((r) => (r === last ? { rev: r.rev, text, ...r } : r)), labels, events };
  const checked = documentFileSchema.safeParse(record);
  if (!checked.success) return { error: zodMessage(checked.error) };
  const problem = nativeProblem(record as unknown as DocumentRecord);
  if (problem) return { error: problem };
  // Keep the record as written (not zod's output), so key order and unknown keys survive.
  return { draft: { kind: 'native', record: record as unknown as DocumentRecord }, ...(answers.length ? { answers } : {}) };
}

/** Longest revision message kept from a file (the app writes at most 500; a re-import names its file). */
const MAX_REVISION_MESSAGE = 2000;
const EVENT_KIND = /^[a-z][a-z._-]{0,63}$/;

/**
 * Checks the schema cannot express: revision numbering and normalised texts, clean authors and
 * actors, unique label ids, and every label (the latest ones and those kept on older revisions)
 * with a usable type, clean attributes, and a span inside its revision's text that holds its quote.
 */
function nativeProblem(doc: DocumentRecord): string | null {
  for (let i = 0; i < doc.revisions.length; i++) {
    const r = doc.revisions[i];
    if (r.rev !== i + 1) return `revisions must be numbered 1, 2, 3…; found ${r.rev} at position ${i + 1}`;
    if (normalizeText(r.text) !== r.text) return `revision ${r.rev}: the text is not normalised (Unicode NFC, \\n line endings)`;
    const field = lineStringProblem('author', r.author, MAX_ANNOTATOR_LENGTH) ?? lineStringProblem('message', r.message, MAX_REVISION_MESSAGE) ?? lineStringProblem('createdAt', r.createdAt, 64);
    if (field) return `revision ${r.rev}: ${field}`;
  }
  for (const [i, e] of doc.events.entries()) {
    const field = lineStringProblem('actor', e.actor, MAX_ANNOTATOR_LENGTH) ?? lineStringProblem('at', e.at, 64) ?? (EVENT_KIND.test(e.kind) ? null : `the kind ${JSON.stringify(e.kind.slice(0, 80))} is not an event kind`);
    if (field) return `events.${i}: ${field}`;
  }
  const ids = new Set<string>();
  for (const [i, label] of doc.labels.entries()) {
    if (ids.has(label.id)) return `labels.${i}: the label id ${label.id} appears twice`;
    ids.add(label.id);
    const problem = labelProblem(doc, label);
    if (problem) return `labels.${i} (${label.id}): ${problem}`;
  }
  for (const [ri, r] of doc.revisions.entries()) {
    if (r.labels === undefined) continue;
    const parsed = documentFileSchema.shape.labels.safeParse(r.labels);
    if (!parsed.success) return `revisions.${ri}.labels.${zodMessage(parsed.error)}`;
    for (const [i, label] of r.labels.entries()) {
      const problem = labelProblem(doc, label);
      if (problem) return `revisions.${ri}.labels.${i} (${label.id}): ${problem}`;
    }
  }
  return null;
}

function labelProblem(doc: DocumentRecord, label: Label): string | null {
  if (!isDocumentId(label.id)) return 'the label id must be letters, digits, "_" or "-" (at most 100)';
  const field = importedLabelProblem(label);
  if (field) return field;
  const revision = doc.revisions[label.rev - 1];
  if (!revision) return `it refers to revision ${label.rev}, which the document does not have`;
  if (label.anchor.state === 'orphaned') return null;
  const span = spanProblem(revision.text, label.start, label.end);
  if (span) return span;
  const exact = revision.text.slice(label.start, label.end);
  if (label.quote.exact !== exact) return `its quote ${JSON.stringify(label.quote.exact.slice(0, 60))} is not the text at ${label.start}-${label.end} (${JSON.stringify(exact.slice(0, 60))})`;
  return null;
}

export function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.length ? issue.path.join('.') : 'line'}: ${issue.message}`;
}

/**
 * Splits JSONL content into parsed values with their 1-based line numbers; blank lines are
 * ignored, a line that is not JSON becomes an error with its line number.
 */
export function parseJsonLines(content: string, file: string): { values: { line: number; value: unknown }[]; errors: ImportError[] } {
  return runSteps(parseJsonLinesSteps(content, file));
}

/** `parseJsonLines` in steps: one line at a time (as `split('\n')` cuts them), pausing after each. */
export function* parseJsonLinesSteps(content: string, file: string): DecodeSteps<{ values: { line: number; value: unknown }[]; errors: ImportError[] }> {
  const values: { line: number; value: unknown }[] = [];
  const errors: ImportError[] = [];
  const text = content.replace(/^\uFEFF/, '');
  for (let start = 0, line = 1; ; line++) {
    const nl = text.indexOf('\n', start);
    const raw = text.slice(start, nl === -1 ? text.length : nl).trim();
    if (raw !== '') {
      try {
        values.push({ line, value: JSON.parse(raw) });
      } catch (err) {
        errors.push({ file, line, message: `not valid JSON: ${(err as Error).message}` });
      }
      yield;
    }
    if (nl === -1) break;
    start = nl + 1;
  }
  return { values, errors };
}

/** The JSONL reading in steps: a pause after every line parsed and every record read (see `jsonRecordSteps`). */
function* decodeJsonlSteps(files: NamedFile[], ctx: DecodeContext): DecodeSteps<Decoded> {
  const out = emptyDecoded();
  for (const record of jsonRecordSteps(files, ctx, () => null)) {
    yield;
    if (!record) continue;
    const { place, value } = record;
    const decoded = decodeJsonlValue(value, ctx.maxTextLength);
    if ('error' in decoded) ctx.report.errors.push({ ...place, message: decoded.error });
    else out.documents.push({ ...decoded.draft, place, ...(decoded.answers ? { answers: decoded.answers } : {}) });
  }
  return out;
}

export const jsonlFormat: Format = {
  name: 'jsonl',
  description: 'native, lossless: one document a line with its meta, every revision, labels, history and document-level answers; imports also take simple lines `{title?, text}` (or `html`, `markdown`)',
  ...JSON_LINES_FILE,
  encode: {
    kind: 'text',
    create: (ctx) => ({
      document: (doc) => {
        ctx.report.labels += doc.labels.length;
        return encodeNativeLine(doc, ctx.answersOf(doc.id));
      },
    }),
  },
  decode: (files, ctx) => runSteps(decodeJsonlSteps(files, ctx)),
  decodeSteps: decodeJsonlSteps,
};
