import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { latestRevision, SOURCINGS, type DocumentRecord, type Label } from '../domain/types.js';
import { ATTRIBUTE_LIMITS, labelEvent, makeLabel, quoteOf, snapToWords, spanProblem, withAttributes } from '../domain/labels.js';
import { hasLoneSurrogate } from '../domain/text.js';
import { badRequest, conflict, HttpError, notFound, tooLarge } from '../http-error.js';
import { labelCountProblem } from '../domain/label-limit.js';
import { resolveSpeakerForLabel } from './speakers.js';

/** A free-text attribute: no control characters (tab and newline allowed in notes), no lone surrogates. */
const attribute = (max: number, multiline = false) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !hasLoneSurrogate(s), 'contains an unpaired surrogate (invalid Unicode)')
    .refine((s) => !(multiline ? /[\u0000-\u0008\u000b-\u001f\u007f]/ : /[\u0000-\u001f\u007f]/).test(s), 'contains control characters')
    .transform((s) => s.trim());

const attributes = {
  speaker: attribute(ATTRIBUTE_LIMITS.speaker).optional(),
  cue: attribute(ATTRIBUTE_LIMITS.cue).optional(),
  sourcing: z.union([z.enum(SOURCINGS), z.literal('')]).optional(),
  note: attribute(ATTRIBUTE_LIMITS.note, true).optional(),
  annotator: z.string().optional(),
};
const offset = z.number().int('must be a whole number').nonnegative('must not be negative');
const typeId = z.string().min(1).max(64);

export const newLabelSchema = z
  .object({ start: offset, end: offset, type: typeId, rev: z.number().int().positive(), snap: z.boolean().optional(), ...attributes })
  .strict();
export type NewLabelBody = z.infer<typeof newLabelSchema>;

export const labelPatchSchema = z
  .object({ type: typeId.optional(), start: offset.optional(), end: offset.optional(), rev: z.number().int().positive().optional(), snap: z.boolean().optional(), confirm: z.literal(true).optional(), ...attributes })
  .strict()
  .refine((p) => (p.start === undefined && p.end === undefined) || p.rev !== undefined, { message: 'changing start/end needs the rev they refer to', path: ['rev'] });
export type LabelPatchBody = z.infer<typeof labelPatchSchema>;

function checkType(project: ProjectStore, type: string): void {
  if (!project.hasType(type)) {
    throw badRequest(`unknown label type "${type}"; known types: ${project.labelTypes().map((t) => t.id).join(', ')}`, 'unknown_type');
  }
}

/** 409 unless `rev` is the latest revision of `doc`. */
function checkRev(doc: DocumentRecord, rev: number): void {
  const latest = latestRevision(doc).rev;
  if (rev !== latest) throw conflict(`revision ${rev} is not the latest; the document is at revision ${latest}: reload it`, { latestRev: latest });
}

function checkSpan(doc: DocumentRecord, start: number, end: number): void {
  const problem = spanProblem(latestRevision(doc).text, start, end);
  if (problem) throw badRequest(problem, 'invalid_span');
}

function snapOrRefuse(doc: DocumentRecord, start: number, end: number): { start: number; end: number } {
  const snapped = snapToWords(latestRevision(doc).text, start, end);
  if (!snapped) throw badRequest('the selection holds only whitespace', 'invalid_span');
  return snapped;
}

/** 413 when `doc` already holds the most labels a document may hold. */
function checkLabelCount(doc: DocumentRecord): void {
  const problem = labelCountProblem(doc.labels.length, 1, doc.id);
  if (problem) throw tooLarge(problem);
}

function findLabel(doc: DocumentRecord, labelId: string): Label {
  const label = doc.labels.find((l) => l.id === labelId);
  if (!label) throw notFound(`no label with id "${labelId.slice(0, 100)}" in document "${doc.id}"`);
  return label;
}

async function mutate<T>(store: Corpus, id: string, fn: (draft: DocumentRecord) => T): Promise<T> {
  const out = await store.update(id, fn);
  if (!out) throw notFound(`no document with id "${id}"`);
  return out.result;
}

export async function createLabel(store: Corpus, project: ProjectStore, docId: string, body: NewLabelBody, actor: string): Promise<Label> {
  checkType(project, body.type);
  /** Every check of the request, on the document as it is; the span to label. */
  const checked = (doc: DocumentRecord) => {
    checkRev(doc, body.rev);
    checkLabelCount(doc);
    let { start, end } = body;
    if (body.snap) ({ start, end } = snapOrRefuse(doc, start, end));
    checkSpan(doc, start, end);
    return { start, end };
  };
  // The checks run before the speaker is resolved (which may write speakers.json), so a refused
  // request writes nothing; they run again inside the update in case the document changed meanwhile.
  const current = await store.getDocument(docId);
  if (!current) throw notFound(`no document with id "${docId}"`);
  checked(current);
  const speakerFields = await resolveSpeakerForLabel(store, docId, body.speaker);
  return mutate(store, docId, (draft) => {
    const { start, end } = checked(draft);
    const now = new Date().toISOString();
    const label = speakerFields({ ...makeLabel(draft, { id: randomUUID(), type: body.type, start, end, speaker: body.speaker, cue: body.cue, sourcing: body.sourcing || undefined, note: body.note }, actor, now), layer: actor });
    draft.labels.push(label);
    draft.events.push(labelEvent('label.created', actor, now, undefined, label));
    return label;
  });
}

export async function updateLabel(store: Corpus, project: ProjectStore, docId: string, labelId: string, patch: LabelPatchBody, actor: string): Promise<Label> {
  if (patch.type !== undefined) checkType(project, patch.type);
  /** Every check of the request, on the document as it is: the label, and its new span when one is given. */
  const checked = (doc: DocumentRecord) => {
    const before = findLabel(doc, labelId);
    let span: { start: number; end: number } | null = null;
    if (patch.start !== undefined || patch.end !== undefined) {
      checkRev(doc, patch.rev!);
      let start = patch.start ?? before.start;
      let end = patch.end ?? before.end;
      if (patch.snap) ({ start, end } = snapOrRefuse(doc, start, end));
      checkSpan(doc, start, end);
      span = { start, end };
    }
    if (patch.confirm && before.anchor.state === 'orphaned') throw new HttpError(409, 'orphaned', 'an orphaned label has no span to confirm: give it new start/end offsets instead');
    return { before, span };
  };
  // As in createLabel: checks first, so a refused change never writes a new speaker.
  const current = await store.getDocument(docId);
  if (!current) throw notFound(`no document with id "${docId}"`);
  checked(current);
  const speakerFields = await resolveSpeakerForLabel(store, docId, patch.speaker);
  return mutate(store, docId, (draft) => {
    const { before, span } = checked(draft);
    const now = new Date().toISOString();
    let after: Label = speakerFields(withAttributes({ ...before, updatedAt: now }, patch));
    if (patch.type !== undefined) after.type = patch.type;
    if (span) {
      const { start, end } = span;
      after = { ...after, start, end, rev: patch.rev!, quote: quoteOf(latestRevision(draft).text, start, end), anchor: { state: 'exact', method: 'edited', fromRev: patch.rev! } };
    }
    if (patch.confirm) after.anchor = { ...after.anchor, state: 'exact', method: `confirmed (${before.anchor.method})` };
    draft.labels[draft.labels.indexOf(before)] = after;
    draft.events.push(labelEvent('label.updated', actor, now, before, after));
    return after;
  });
}

export async function deleteLabel(store: Corpus, docId: string, labelId: string, actor: string): Promise<Label> {
  return mutate(store, docId, (draft) => {
    const label = findLabel(draft, labelId);
    draft.labels.splice(draft.labels.indexOf(label), 1);
    draft.events.push(labelEvent('label.deleted', actor, new Date().toISOString(), label));
    return label;
  });
}

/** Brings back a deleted label as it was, if the text has not been revised since. */
export async function restoreLabel(store: Corpus, docId: string, labelId: string, actor: string): Promise<Label> {
  return mutate(store, docId, (draft) => {
    if (draft.labels.some((l) => l.id === labelId)) throw conflict(`label "${labelId}" is not deleted`);
    const deleted = [...draft.events].reverse().find((e) => e.kind === 'label.deleted' && e.labelId === labelId);
    if (!deleted) throw notFound(`no deleted label with id "${labelId.slice(0, 100)}" in document "${draft.id}"`);
    const label = deleted.before as Label;
    checkRev(draft, label.rev);
    checkLabelCount(draft);
    const now = new Date().toISOString();
    const restored = { ...label, updatedAt: now };
    draft.labels.push(restored);
    draft.events.push(labelEvent('label.restored', actor, now, undefined, restored));
    return restored;
  });
}
