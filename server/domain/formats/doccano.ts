import { mappedType } from '../type-ids.js';
import { SOURCINGS, type Sourcing, type DocumentMeta, type DocumentRecord, type Label } from '../types.js';
import { anchoredLabelsEncoding, JSON_LINES_FILE } from './json-lines.js';
import { emptyDecoded, runSteps, type Decoded, type DecodeContext, type DecodeSteps, type Format } from './format.js';
import { jsonRecordSteps } from './decode-text.js';
import type { NamedFile } from './archive.js';
import { isDocumentId } from '../schema.js';
import { CodePointIndex } from './code-points.js';
import { normalizeWithOffsets } from './normalize-spans.js';
import type { DocumentDraftBody, LabelDraft } from './drafts.js';
import { IMPORTED_TYPE_ID } from './type-colors.js';
import type { Answer } from '../questions/types.js';
import type { AnswerDraft } from './answers.js';

/**
 * doccano sequence-labelling JSONL: `{"id", "text", "label": [[start, end, "type"], ...], "meta"}`
 * per document, offsets in Unicode code points (Python string indices), end exclusive. doccano's
 * importer keeps `meta` as it is, so Framewise puts there the document's title, outlet, date and
 * URL, and `label_attributes`: one object per `label` entry, in the same order, with the label's
 * `id`, `annotator` and any `speaker`, `cue`, `sourcing`, `note`; and `answers`, the document-level
 * answers `[{ question, annotator, value }]` (a sequence-labelling project has no document labels:
 * doccano's `cats` belong to text-classification and intent-detection projects). A Framewise import reads them back.
 */
export function encodeDoccanoLine(doc: DocumentRecord, labels: Label[], ix: CodePointIndex, answers: Answer[] = []): string {
  const meta: Record<string, unknown> = { title: doc.meta.title };
  for (const key of ['outlet', 'author', 'publishedAt', 'url', 'language'] as const) if (doc.meta[key]) meta[key] = doc.meta[key]!;
  const label = labels.map((l) => [ix.toCodePoint(l.start), ix.toCodePoint(l.end), l.type]);
  meta.label_attributes = labels.map((l) => {
    const a: Record<string, string> = { id: l.id, annotator: l.annotator };
    for (const key of LABEL_ATTRIBUTES) if (l[key]) a[key] = l[key]!;
    return a;
  });
  if (answers.length) meta.answers = answers.map((a) => ({ question: a.questionId, annotator: a.annotator, value: a.value }));
  return `${JSON.stringify({ id: doc.id, text: ix.text, label, meta })}\n`;
}

const LABEL_ATTRIBUTES = ['speaker', 'cue', 'sourcing', 'note'] as const;

const META_KEYS = ['title', 'outlet', 'author', 'url', 'publishedAt', 'language'] as const;

export interface DoccanoLine {
  draft: DocumentDraftBody & { kind: 'text' };
  /** `meta.answers`, read back as drafts. */
  answers: AnswerDraft[];
  /** Things in the line Framewise does not keep, each with why. */
  skipped: { item: string; reason: string }[];
}

/**
 * Reads one doccano line: the sequence-labelling form (`label` or `labels` as `[s, e, "type"]`
 * triples) or the relation form (`entities` with `start_offset`/`end_offset`; `relations` are
 * reported as skipped). A label repeating an earlier one exactly is dropped and reported.
 */
export function decodeDoccanoValue(value: unknown, map: Record<string, string>, maxTextLength: number): DoccanoLine | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a line must be a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.text !== 'string') return 'the line has no "text" string';
  if (v.text.length > maxTextLength) return `"text" is ${v.text.length} characters; the limit is ${maxTextLength}`;
  if (v.text.trim() === '') return '"text" is empty';
  const raw = v.text;
  const ix = new CodePointIndex(raw);
  const spans = spansOf(v);
  if (typeof spans === 'string') return spans;
  const skipped: DoccanoLine['skipped'] = [];
  const drafts: LabelDraft[] = [];
  const givenMeta = typeof v.meta === 'object' && v.meta !== null ? (v.meta as Record<string, unknown>) : {};
  const attributes = Array.isArray(givenMeta.label_attributes) ? (givenMeta.label_attributes as unknown[]) : undefined;
  const seen = new Set<string>();
  for (const [i, [s, e, tag]] of spans.entries()) {
    const start = ix.toUtf16(s);
    const end = ix.toUtf16(e);
    if (start === null || end === null) return `label ${i + 1}: the span ${s}-${e} is past the end of the text (${ix.length} code points)`;
    if (start >= end) return `label ${i + 1}: the span ${s}-${e} is empty or reversed`;
    const type = mappedType(map, tag);
    if (!IMPORTED_TYPE_ID.test(type)) return `label ${i + 1}: the type ${JSON.stringify(type)} is not a usable label type id`;
    const key = `${start}:${end}:${type}`;
    if (seen.has(key)) {
      skipped.push({ item: `label ${i + 1}`, reason: `it repeats an earlier label (${s}-${e} ${tag})` });
      continue;
    }
    seen.add(key);
    drafts.push({ source: `label ${i + 1}`, type, start, end, ...attributesOf(attributes?.[i]) });
  }
  if (Array.isArray(v.relations) && v.relations.length) skipped.push({ item: 'relations', reason: `${v.relations.length} relation(s) not imported (Framewise has no relations)` });
  const normalized = normalizeWithOffsets(raw, drafts.flatMap((d) => [d.start, d.end]));
  if (!normalized) return 'a span boundary falls inside a character sequence that Unicode (NFC) or line-ending normalisation changes';
  const meta: Partial<DocumentMeta> = {};
  const answers: AnswerDraft[] = [];
  for (const [key, val] of Object.entries(givenMeta)) {
    if (key === 'label_attributes' && attributes) continue;
    if (key === 'answers' && Array.isArray(val)) {
      for (const [i, a] of val.entries()) {
        const g = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
        if (typeof g.question !== 'string' || !('value' in g)) return `meta.answers.${i}: expected { question, annotator, value }`;
        answers.push({ source: `meta.answers.${i}`, questionId: g.question, ...(typeof g.annotator === 'string' ? { annotator: g.annotator } : {}), value: g.value });
      }
      continue;
    }
    if ((META_KEYS as readonly string[]).includes(key) && typeof val === 'string') (meta as Record<string, string>)[key] = val;
    else skipped.push({ item: `meta.${key}`, reason: `not kept (Framewise keeps ${META_KEYS.join(', ')})` });
  }
  const id = typeof v.id === 'string' && isDocumentId(v.id) ? v.id : undefined;
  const labels = drafts.map((d) => ({ ...d, start: normalized.map.get(d.start)!, end: normalized.map.get(d.end)! }));
  return { draft: { kind: 'text', id, text: normalized.text, meta, labels }, answers, skipped };
}

/** The `[start, end, type]` triples (code points) of a line, in either doccano layout. */
function spansOf(v: Record<string, unknown>): [number, number, string][] | string {
  const list = v.label ?? v.labels;
  if (list !== undefined) {
    if (!Array.isArray(list)) return '"label" must be an array of [start, end, "type"]';
    const out: [number, number, string][] = [];
    for (const [i, item] of list.entries()) {
      if (!Array.isArray(item) || item.length !== 3 || !Number.isInteger(item[0]) || !Number.isInteger(item[1]) || typeof item[2] !== 'string') {
        return `label ${i + 1}: expected [start, end, "type"], found ${JSON.stringify(item).slice(0, 80)}`;
      }
      out.push([item[0], item[1], item[2]]);
    }
    return out;
  }
  if (Array.isArray(v.entities)) {
    const out: [number, number, string][] = [];
    for (const [i, e] of v.entities.entries()) {
      const ent = e as Record<string, unknown>;
      if (!Number.isInteger(ent?.start_offset) || !Number.isInteger(ent?.end_offset) || typeof ent?.label !== 'string') {
        return `entity ${i + 1}: expected {start_offset, end_offset, label}`;
      }
      out.push([ent.start_offset as number, ent.end_offset as number, ent.label]);
    }
    return out;
  }
  return [];
}

/** The Framewise attributes of one `meta.label_attributes` entry; anything else in it is ignored. */
function attributesOf(given: unknown): Partial<LabelDraft> {
  if (typeof given !== 'object' || given === null) return {};
  const g = given as Record<string, unknown>;
  const out: Partial<LabelDraft> = {};
  if (typeof g.id === 'string' && isDocumentId(g.id)) out.id = g.id;
  for (const key of ['speaker', 'cue', 'note', 'annotator'] as const) if (g[key] !== undefined) (out as Record<string, unknown>)[key] = g[key];
  if ((SOURCINGS as readonly unknown[]).includes(g.sourcing)) out.sourcing = g.sourcing as Sourcing;
  return out;
}

/** The doccano reading in steps: a pause after every line parsed and every record read (see `jsonRecordSteps`). */
function* decodeDoccanoSteps(files: NamedFile[], ctx: DecodeContext): DecodeSteps<Decoded> {
  const out = emptyDecoded();
  for (const record of jsonRecordSteps(files, ctx, (v) => (Array.isArray(v) ? v : typeof v === 'object' && v !== null ? [v] : null))) {
    yield;
    if (!record) continue;
    const { place, value } = record;
    const decoded = decodeDoccanoValue(value, ctx.map, ctx.maxTextLength);
    if (typeof decoded === 'string') {
      ctx.report.errors.push({ ...place, message: decoded });
      continue;
    }
    for (const s of decoded.skipped) ctx.report.skipped.push({ ...place, ...s });
    out.documents.push({ ...decoded.draft, place, ...(decoded.answers.length ? { answers: decoded.answers } : {}) });
  }
  return out;
}

export const doccanoFormat: Format = {
  name: 'doccano',
  description: 'doccano sequence labelling JSONL (`text`, `label: [[start, end, type]]`, code points), speaker, cue, sourcing, note and annotator in `meta.label_attributes`, document answers in `meta.answers`',
  ...JSON_LINES_FILE,
  encode: anchoredLabelsEncoding((doc, labels, ix, ctx) => encodeDoccanoLine(doc, labels, ix, ctx.answersOf(doc.id))),
  decode: (files, ctx) => runSteps(decodeDoccanoSteps(files, ctx)),
  decodeSteps: decodeDoccanoSteps,
};
