import { randomUUID } from 'node:crypto';
import type { Corpus } from '../store/corpus.js';
import { latestRevision, type DocumentRecord, type Label } from '../domain/types.js';
import { labelEvent, quoteOf, spanProblem, withAttributes } from '../domain/labels.js';
import { GOLD, layerOf } from '../domain/layers.js';
import { agreedCandidates, alignCandidates } from '../domain/adjudication.js';
import { badRequest, conflict, notFound } from '../http-error.js';

/** What an editor may change before accepting a candidate (`e`). */
export interface GoldEdits {
  type?: string;
  start?: number;
  end?: number;
  speaker?: string;
  cue?: string;
  sourcing?: '' | Label['sourcing'];
  note?: string;
}

/** Editors' rejections of candidates, read back from the document's events. */
export function rejectedKeys(doc: DocumentRecord): Set<string> {
  const out = new Set<string>();
  for (const e of doc.events) {
    const key = (e.after as { key?: string } | undefined)?.key;
    if (e.kind === 'adjudication.rejected' && key) out.add(key);
    if (e.kind === 'adjudication.unrejected' && key) out.delete(key);
  }
  return out;
}

/** A gold label copied from annotator label `source` (with `edits`), naming every annotator label with the same span and type. */
function goldFrom(draft: DocumentRecord, source: Label, edits: GoldEdits, actor: string, now: string): Label {
  const text = latestRevision(draft).text;
  const start = edits.start ?? source.start;
  const end = edits.end ?? source.end;
  const type = edits.type ?? source.type;
  const problem = spanProblem(text, start, end);
  if (problem) throw badRequest(problem, 'invalid_span');
  const same = draft.labels.filter((l) => layerOf(l) !== GOLD && l.start === source.start && l.end === source.end && l.type === source.type);
  if (draft.labels.some((l) => layerOf(l) === GOLD && l.start === start && l.end === end && l.type === type)) {
    throw conflict(`the gold layer already holds a ${type} label on ${start}-${end}`);
  }
  const base: Label = {
    id: randomUUID(),
    type,
    start,
    end,
    rev: latestRevision(draft).rev,
    quote: quoteOf(text, start, end),
    ...(source.speaker ? { speaker: source.speaker } : {}),
    ...(source.speakerId ? { speakerId: source.speakerId } : {}),
    ...(source.cue ? { cue: source.cue } : {}),
    ...(source.sourcing ? { sourcing: source.sourcing } : {}),
    ...(source.note ? { note: source.note } : {}),
    annotator: actor,
    layer: GOLD,
    from: same.map((l) => ({ labelId: l.id, annotator: layerOf(l) })),
    createdAt: now,
    updatedAt: now,
    anchor: { state: 'exact', method: 'adjudicated', fromRev: latestRevision(draft).rev },
  };
  return withAttributes(base, { speaker: edits.speaker, cue: edits.cue, sourcing: edits.sourcing, note: edits.note });
}

function sourceLabel(draft: DocumentRecord, labelId: string): Label {
  const source = draft.labels.find((l) => l.id === labelId);
  if (!source) throw notFound(`no label with id "${labelId.slice(0, 100)}" in document "${draft.id}"`);
  if (layerOf(source) === GOLD) throw conflict('this label is already in the gold layer');
  if (source.anchor.state === 'orphaned') throw conflict('an orphaned label has no span to accept: fix it first');
  if (source.rev !== latestRevision(draft).rev) throw conflict('this label is not on the latest revision');
  return source;
}

/** Copies annotator label `labelId` (optionally edited) into the gold layer; the annotator's label stays. */
export async function acceptIntoGold(store: Corpus, docId: string, labelId: string, edits: GoldEdits, actor: string): Promise<Label> {
  const out = await store.update(docId, (draft) => {
    const now = new Date().toISOString();
    const gold = goldFrom(draft, sourceLabel(draft, labelId), edits, actor, now);
    draft.labels.push(gold);
    draft.events.push(labelEvent('label.created', actor, now, undefined, gold));
    return gold;
  });
  if (!out) throw notFound(`no document with id "${docId}"`);
  return out.result;
}

/** "Accept all agreed": every candidate all annotators agree on, not yet in gold nor rejected. */
export async function acceptAllAgreed(store: Corpus, docId: string, actor: string): Promise<Label[]> {
  const out = await store.update(docId, (draft) => {
    const now = new Date().toISOString();
    const { regions } = alignCandidates(draft.labels, rejectedKeys(draft));
    const added: Label[] = [];
    for (const c of agreedCandidates(regions)) {
      const gold = goldFrom(draft, sourceLabel(draft, c.labels[0].labelId), {}, actor, now);
      draft.labels.push(gold);
      draft.events.push(labelEvent('label.created', actor, now, undefined, gold));
      added.push(gold);
    }
    return added;
  });
  if (!out) throw notFound(`no document with id "${docId}"`);
  return out.result;
}

/** Removes a gold label (the annotators' labels it came from stay). */
export async function deleteGold(store: Corpus, docId: string, labelId: string, actor: string): Promise<Label> {
  const out = await store.update(docId, (draft) => {
    const label = draft.labels.find((l) => l.id === labelId);
    if (!label) throw notFound(`no label with id "${labelId.slice(0, 100)}" in document "${draft.id}"`);
    if (layerOf(label) !== GOLD) throw conflict('this label is not in the gold layer; only gold labels are removed here');
    draft.labels.splice(draft.labels.indexOf(label), 1);
    draft.events.push(labelEvent('label.deleted', actor, new Date().toISOString(), label));
    return label;
  });
  if (!out) throw notFound(`no document with id "${docId}"`);
  return out.result;
}

/** Marks a candidate rejected (or not): an event, so the choice is in the history. */
export async function setRejected(store: Corpus, docId: string, key: string, rejected: boolean, actor: string): Promise<void> {
  if (!/^\d+:\d+:[\w.-]{1,64}$/.test(key)) throw badRequest('the candidate key must look like start:end:type');
  const out = await store.update(docId, (draft) => {
    draft.events.push({ at: new Date().toISOString(), actor, kind: rejected ? 'adjudication.rejected' : 'adjudication.unrejected', after: { key } });
  });
  if (!out) throw notFound(`no document with id "${docId}"`);
}
