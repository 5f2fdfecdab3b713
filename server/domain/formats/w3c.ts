import { z } from 'zod';
import { SOURCINGS, type DocumentRecord, type Label, type Sourcing } from '../types.js';
import { CodePointIndex } from './code-points.js';
import type { LabelDraft } from './drafts.js';
import { anchoredLabelsEncoding, JSON_LINES_FILE } from './json-lines.js';
import { emptyDecoded, runSteps, type Decoded, type DecodeContext, type DecodeSteps, type Format } from './format.js';
import { jsonRecordSteps } from './decode-text.js';
import type { NamedFile } from './archive.js';
import type { Answer, Question } from '../questions/types.js';
import { GOLD } from '../layers.js';
import { answerText } from './answers.js';

/**
 * W3C Web Annotation (JSON-LD), one annotation per label. The type is a `classifying` TextualBody;
 * speaker, cue, sourcing and note are TextualBodies told apart by `purpose` and by a Framewise
 * `role` term declared in the context. The target has a TextQuoteSelector and a
 * TextPositionSelector, whose `start`/`end` count Unicode code points (as the model says).
 */
export const W3C_CONTEXT = ['http://www.w3.org/ns/anno.jsonld', { role: 'urn:framewise:vocab#role' }] as const;

/** The IRI an exported annotation's target points at; an import finds the document by it. */
export function documentIri(id: string): string {
  return `urn:framewise:document:${id}`;
}

type Role = 'type' | 'speaker' | 'cue' | 'sourcing' | 'note' | 'answer' | 'question';
const PURPOSE: Record<Role, string> = { type: 'classifying', speaker: 'identifying', cue: 'describing', sourcing: 'classifying', note: 'commenting', answer: 'assessing', question: 'describing' };

interface TextualBody {
  type: 'TextualBody';
  purpose: string;
  role: Role;
  value: string;
}

/** The annotation for one label on the latest revision of `doc` (`ix` indexes that text). */
export function toAnnotation(doc: DocumentRecord, label: Label, ix: CodePointIndex): Record<string, unknown> {
  const body: TextualBody[] = [textual('type', label.type)];
  if (label.speaker) body.push(textual('speaker', label.speaker));
  if (label.cue) body.push(textual('cue', label.cue));
  if (label.sourcing) body.push(textual('sourcing', label.sourcing));
  if (label.note) body.push(textual('note', label.note));
  return {
    '@context': W3C_CONTEXT,
    id: `urn:uuid:${label.id}`,
    type: 'Annotation',
    motivation: 'classifying',
    created: label.createdAt,
    modified: label.updatedAt,
    creator: { type: 'Person', name: label.annotator },
    body,
    target: {
      source: documentIri(doc.id),
      ...(doc.meta.url ? { scope: doc.meta.url } : {}),
      selector: [
        { type: 'TextQuoteSelector', exact: label.quote.exact, prefix: label.quote.prefix, suffix: label.quote.suffix },
        { type: 'TextPositionSelector', start: ix.toCodePoint(label.start), end: ix.toCodePoint(label.end) },
      ],
    },
  };
}

/**
 * One document-level answer as an annotation of the whole document: motivation `assessing`, the
 * answer a TextualBody with purpose `assessing` (a multiple choice joined with "; "), the question's
 * text a `describing` body, the creator the annotator (`gold`, the adjudicated answer, as Software),
 * the target the document's IRI (the whole resource).
 */
export function answerAnnotation(doc: DocumentRecord, a: Answer, q: Question): Record<string, unknown> {
  return {
    '@context': W3C_CONTEXT,
    id: `urn:framewise:answer:${doc.id}:${q.id}:${encodeURIComponent(a.annotator)}`,
    type: 'Annotation',
    motivation: 'assessing',
    created: a.at,
    creator: { type: a.annotator === GOLD ? 'Software' : 'Person', name: a.annotator },
    body: [textual('answer', answerText(a.value)), textual('question', q.text)],
    target: documentIri(doc.id),
  };
}

function textual(role: Role, value: string): TextualBody {
  return { type: 'TextualBody', purpose: PURPOSE[role], role, value };
}

const selectorSchema = z.looseObject({ type: z.string() });
const targetSchema = z.looseObject({
  source: z.string(),
  scope: z.string().optional(),
  selector: z.union([selectorSchema, z.array(selectorSchema)]).optional(),
});
const bodySchema = z.looseObject({ type: z.string().optional(), purpose: z.string().optional(), role: z.string().optional(), value: z.string().optional() });
export const annotationSchema = z.looseObject({
  id: z.string().optional(),
  type: z.union([z.string(), z.array(z.string())]),
  created: z.string().optional(),
  modified: z.string().optional(),
  creator: z.union([z.string(), z.looseObject({ name: z.string().optional(), nickname: z.string().optional() }), z.array(z.unknown())]).optional(),
  body: z.union([bodySchema, z.string(), z.array(z.union([bodySchema, z.string()]))]).optional(),
  bodyValue: z.string().optional(),
  target: z.union([targetSchema, z.string(), z.array(z.union([targetSchema, z.string()]))]),
});
export type W3cAnnotation = z.infer<typeof annotationSchema>;

/** Where an annotation points: the document (by Framewise IRI or by URL) and its selectors. */
export function annotationTarget(a: W3cAnnotation): { target: { id?: string; url?: string }; selectors: Record<string, unknown>[] } | string {
  const targets = Array.isArray(a.target) ? a.target : [a.target];
  if (targets.length !== 1) return `it has ${targets.length} targets; Framewise labels have exactly one`;
  const t = targets[0];
  if (typeof t === 'string') return 'its target is a whole resource, not a span of text (no selector)';
  const m = /^urn:framewise:document:(.+)$/.exec(t.source);
  const target = m ? { id: m[1] } : { url: t.source };
  const selectors = t.selector === undefined ? [] : Array.isArray(t.selector) ? t.selector : [t.selector];
  return { target, selectors };
}

/**
 * Reads an annotation as a label draft on `text` (the document's latest text, UTF-16 offsets out).
 * The TextPositionSelector is tried first and accepted when it agrees with the quote (or there is
 * no quote); otherwise the quote is searched for, preferring the occurrence whose prefix and suffix
 * match. A message when it cannot be placed.
 */
export function annotationToDraft(a: W3cAnnotation, selectors: Record<string, unknown>[], text: string, ix: CodePointIndex): LabelDraft | string {
  const quote = selectors.find((s) => s.type === 'TextQuoteSelector') as { exact?: unknown; prefix?: unknown; suffix?: unknown } | undefined;
  const position = selectors.find((s) => s.type === 'TextPositionSelector') as { start?: unknown; end?: unknown } | undefined;
  const exact = typeof quote?.exact === 'string' ? quote.exact : undefined;
  let span: { start: number; end: number } | null = null;
  if (position) {
    const start = typeof position.start === 'number' ? ix.toUtf16(position.start) : null;
    const end = typeof position.end === 'number' ? ix.toUtf16(position.end) : null;
    if (start === null || end === null) {
      if (exact === undefined) return `its TextPositionSelector ${String(position.start)}-${String(position.end)} is outside the text (0-${ix.length} code points)`;
    } else if (exact === undefined || text.slice(start, end) === exact) span = { start, end };
  }
  if (!span && exact !== undefined) span = findQuote(text, exact, str(quote?.prefix), str(quote?.suffix));
  if (!span) {
    if (!position && exact === undefined) return 'its target has neither a TextQuoteSelector nor a TextPositionSelector';
    return `its quote ${JSON.stringify((exact ?? '').slice(0, 60))} is not in the document's text`;
  }
  const draft: LabelDraft = { source: a.id ?? 'annotation', type: '', start: span.start, end: span.end };
  const uuid = a.id ? /^urn:uuid:([0-9a-f-]{36})$/i.exec(a.id) : null;
  if (uuid) draft.id = uuid[1].toLowerCase();
  if (a.created) draft.createdAt = a.created;
  if (a.modified) draft.updatedAt = a.modified;
  const creator = Array.isArray(a.creator) ? a.creator[0] : a.creator;
  if (typeof creator === 'object' && creator && 'name' in creator && typeof creator.name === 'string') draft.annotator = creator.name;
  else if (typeof creator === 'object' && creator && 'nickname' in creator && typeof creator.nickname === 'string') draft.annotator = creator.nickname;
  return applyBodies(draft, a);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Fills type and attributes from the bodies; a message when no body gives the type. */
function applyBodies(draft: LabelDraft, a: W3cAnnotation): LabelDraft | string {
  const bodies = (a.body === undefined ? [] : Array.isArray(a.body) ? a.body : [a.body]).filter((b) => typeof b === 'object');
  const notes: string[] = [];
  for (const b of bodies) {
    if (typeof b.value !== 'string') continue;
    const role = b.role ?? roleOfPurpose(b.purpose);
    if (role === 'type' && !draft.type) draft.type = b.value;
    else if (role === 'speaker') draft.speaker = b.value;
    else if (role === 'cue') draft.cue = b.value;
    else if (role === 'sourcing' && (SOURCINGS as readonly string[]).includes(b.value)) draft.sourcing = b.value as Sourcing;
    else if (role === 'note') notes.push(b.value);
  }
  if (a.bodyValue) notes.push(a.bodyValue);
  if (notes.length) draft.note = notes.join('\n\n');
  if (!draft.type) return 'no body gives its type (a TextualBody with purpose "classifying" or "tagging")';
  return draft;
}

/** Bodies from other tools have no `role`: a classifying or tagging body is the type, a comment a note. */
function roleOfPurpose(purpose: string | undefined): Role | undefined {
  if (purpose === 'classifying' || purpose === 'tagging') return 'type';
  if (purpose === 'commenting' || purpose === 'describing' || purpose === undefined) return 'note';
  return undefined;
}

/** The occurrence of `exact` in `text` whose context matches best; `null` when it does not occur. */
export function findQuote(text: string, exact: string, prefix: string, suffix: string): { start: number; end: number } | null {
  if (exact === '') return null;
  let best: { start: number; score: number } | null = null;
  for (let i = text.indexOf(exact); i !== -1; i = text.indexOf(exact, i + 1)) {
    const score = commonSuffix(text.slice(Math.max(0, i - prefix.length), i), prefix) + commonPrefix(text.slice(i + exact.length, i + exact.length + suffix.length), suffix);
    if (!best || score > best.score) best = { start: i, score };
  }
  return best ? { start: best.start, end: best.start + exact.length } : null;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

export const w3cFormat: Format = {
  name: 'w3c',
  description: 'W3C Web Annotation JSON-LD, one annotation a line, with TextQuoteSelector and TextPositionSelector (code points), and each document-level answer an `assessing` annotation of the document; import needs the texts first (answers are not imported)',
  ...JSON_LINES_FILE,
  encode: anchoredLabelsEncoding((doc, labels, ix, ctx) => {
    const answers = ctx.answersOf(doc.id).map((a) => `${JSON.stringify(answerAnnotation(doc, a, ctx.questions.find((q) => q.id === a.questionId)!))}\n`);
    return labels.map((l) => `${JSON.stringify(toAnnotation(doc, l, ix))}\n`).join('') + answers.join('');
  }),
  decode: (files, ctx) => runSteps(decodeW3cSteps(files, ctx)),
  decodeSteps: decodeW3cSteps,
};

/** The W3C reading in steps: a pause after every line parsed and every record read (see `jsonRecordSteps`). */
function* decodeW3cSteps(files: NamedFile[], ctx: DecodeContext): DecodeSteps<Decoded> {
  const out = emptyDecoded();
  const unwrap = (v: unknown) => {
    if (Array.isArray(v)) return v;
    const o = v as { items?: unknown; first?: { items?: unknown } };
    if (Array.isArray(o?.items)) return o.items;
    if (Array.isArray(o?.first?.items)) return o.first.items;
    return typeof v === 'object' && v !== null ? [v] : null;
  };
  for (const record of jsonRecordSteps(files, ctx, unwrap)) {
    yield;
    if (!record) continue;
    const { place, value } = record;
    const parsed = annotationSchema.safeParse(value);
    const types = parsed.success ? [parsed.data.type].flat() : [];
    if (!parsed.success || !types.includes('Annotation')) {
      ctx.report.errors.push({ ...place, message: parsed.success ? 'not a W3C Annotation (its type is not "Annotation")' : `not a W3C Annotation: ${parsed.error.issues[0].path.join('.') || 'value'}: ${parsed.error.issues[0].message}` });
      continue;
    }
    if (parsed.data.motivation === 'assessing') {
      ctx.report.skipped.push({ ...place, item: parsed.data.id ?? 'annotation', reason: 'a document-level answer (motivation "assessing"): answers are imported from jsonl, labelstudio and doccano files' });
      continue;
    }
    const target = annotationTarget(parsed.data);
    if (typeof target === 'string') {
      ctx.report.skipped.push({ ...place, item: parsed.data.id ?? 'annotation', reason: target });
      continue;
    }
    out.attached.push({ place, annotation: parsed.data, target: target.target, selectors: target.selectors });
  }
  return out;
}
