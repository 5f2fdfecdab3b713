import { randomUUID } from 'node:crypto';
import type { Corpus } from '../store/corpus.js';
import { HELD, Turns, type ExclusiveLease, type StateBackend } from '../store/state.js';
import { SpeakerStore } from '../store/speaker-store.js';
import { latestRevision, type Label } from '../domain/types.js';
import type { Speaker, SpeakerData, SpeakerMerge, SpeakerRelabel } from '../domain/speakers/types.js';
import { activeSpeaker, resolveSpeaker } from '../domain/speakers/resolve.js';
import { applyMerge, applyUndo, creditLabel, mergeProblem, splitProblem, undoProblem } from '../domain/speakers/merge.js';
import { RELABEL_EVENT, relabelPick } from '../domain/speakers/relabel.js';
import { badRequest, conflict, HttpError, notFound } from '../http-error.js';

const stores = new WeakMap<Corpus, Promise<SpeakerStore>>();
const opened = new WeakMap<Corpus, SpeakerStore>();

/**
 * The speaker store of the data folder `store` works on: opened once and shared, since two
 * writers on one file would corrupt it (see atomic-json-file.ts).
 */
export function speakerStoreOf(store: Corpus): Promise<SpeakerStore> {
  let s = stores.get(store);
  if (!s) {
    s = SpeakerStore.open(store.states);
    stores.set(store, s);
    void s.then((open) => opened.set(store, open)).catch(() => stores.delete(store));
  }
  return s;
}

/**
 * The project's speakers as `{ name, aliases }`, for synchronous callers (suggestions, the
 * editor's speaker list): empty until the speaker file has been opened once (it is opened here).
 */
export function knownSpeakerEntities(store: Corpus): { name: string; aliases: string[] }[] {
  const open = opened.get(store);
  if (!open) {
    void speakerStoreOf(store).catch(() => undefined);
    return [];
  }
  return open.read().speakers.filter((s) => !s.mergedInto).map((s) => ({ name: s.name, aliases: s.aliases }));
}

/** A change to a label's speaker fields, to apply to the label being written. */
export type SpeakerFields = (label: Label) => Label;

/**
 * Resolves the speaker typed on a label (API, editor, suggestion accept, import) to a speaker
 * entity, creating one for a new name. `undefined` changes nothing; `''` removes the speaker.
 * Names that are no entity (pronouns, anonymous descriptions) stay plain text without an id.
 * Call it before the document update; apply the returned function to the label written.
 */
export async function resolveSpeakerForLabel(store: Corpus, docId: string, typed: string | undefined): Promise<SpeakerFields> {
  if (typed === undefined) return (l) => l;
  const name = typed.trim();
  if (name === '') return ({ speakerId: _id, speakerAs: _as, ...rest }) => rest;
  const doc = await store.getDocument(docId);
  if (!doc) return (l) => l;
  const speaker = await resolveIn(store, latestRevision(doc).text, doc.labels.map((l) => l.speakerId).filter((x): x is string => !!x), name);
  return credit(name, speaker);
}

function credit(name: string, speaker: Speaker | null): SpeakerFields {
  if (!speaker) return ({ speakerId: _id, speakerAs: _as, ...rest }) => ({ ...rest, speaker: name });
  return ({ speakerAs: _as, ...l }) => creditLabel({ ...l, speaker: name }, speaker);
}

/** The speaker entity `name` resolves to in a document (created when new); `null` for names that are no entity. */
async function resolveIn(store: Corpus, text: string, documentSpeakerIds: string[], name: string): Promise<Speaker | null> {
  const speakers = await speakerStoreOf(store);
  return speakers.update((draft) => {
    const r = resolveSpeaker(draft.speakers, name, { text, documentSpeakerIds });
    if (!r) return null;
    if (r.kind === 'new') {
      const created: Speaker = { id: `sp-${randomUUID()}`, name: r.name, aliases: [r.name], ...(r.role ? { role: r.role } : {}), createdAt: new Date().toISOString() };
      draft.speakers.push(created);
      return created;
    }
    const s = draft.speakers.find((x) => x.id === r.speaker.id)!;
    if (r.alias && !s.aliases.includes(r.alias)) s.aliases.push(r.alias);
    if (r.role && !s.role) s.role = r.role;
    return s;
  });
}

/**
 * Resolves the labels of one document that name a speaker but carry no known speaker id (after
 * an import): full names first, so "Blinken" then finds the "Antony Blinken" of the same text.
 */
export async function resolveSpeakersOfDocument(store: Corpus, docId: string): Promise<number> {
  const doc = await store.getDocument(docId);
  if (!doc) return 0;
  const known = new Set((await speakerStoreOf(store)).read().speakers.map((s) => s.id));
  const todo = doc.labels.filter((l) => l.speaker && !(l.speakerId && known.has(l.speakerId)));
  if (todo.length === 0) return 0;
  const ids = doc.labels.map((l) => l.speakerId).filter((x): x is string => !!x && known.has(x));
  const fields = new Map<string, SpeakerFields>();
  for (const l of [...todo].sort((a, b) => Number(b.speaker!.includes(' ')) - Number(a.speaker!.includes(' ')))) {
    const speaker = await resolveIn(store, latestRevision(doc).text, ids, l.speaker!);
    if (speaker) ids.push(speaker.id);
    fields.set(l.id, credit(l.speaker!, speaker));
  }
  await store.update(docId, (draft) => {
    draft.labels = draft.labels.map((l) => fields.get(l.id)?.(l) ?? l);
  });
  return fields.size;
}

/** Resolves, in every document, the labels that name a speaker but carry no known speaker id (labels written before speakers existed). */
export async function resolveAllSpeakers(store: Corpus): Promise<{ documents: number; labels: number }> {
  let documents = 0;
  let labels = 0;
  for (const e of store.summaries().sort((a, b) => a.id.localeCompare(b.id))) {
    const n = await resolveSpeakersOfDocument(store, e.id);
    if (n > 0) {
      documents++;
      labels += n;
    }
  }
  return { documents, labels };
}

function refuse(problem: { message: string; missing?: true }): never {
  throw problem.missing ? notFound(problem.message) : badRequest(problem.message, 'invalid_speaker');
}

/** Turns for a state backend without `exclusive` (one process only). */
const localTurns = new WeakMap<StateBackend, Turns>();

/**
 * Runs a relabel walk (finishing a merge, undo, split or rename) alone: walks take turns within the
 * process and, on PostgreSQL, with every server on the database (an advisory lock, not the speakers
 * row: the state can still be changed meanwhile, the walk's documents are written outside its
 * transaction). The speaker state is read again once the turn is taken, so a walk relabels with the
 * newest names and journal, never with those of the moment it was asked for: two renames of one
 * speaker on two servers end with every label carrying the name the speaker ends with.
 */
async function walkAlone<T>(store: Corpus, work: (lease: ExclusiveLease) => Promise<T>): Promise<T> {
  const states = store.states;
  const fresh = async (lease: ExclusiveLease) => {
    await states.refresh();
    return work(lease);
  };
  if (states.exclusive) return states.exclusive('speakers.json relabels', fresh);
  let turns = localTurns.get(states);
  if (!turns) localTurns.set(states, (turns = new Turns()));
  return turns.run('speakers', () => fresh(HELD));
}

/**
 * Rewrites every label of every document for which `pick` says so; returns the labels changed.
 * `mergeId` is recorded in each event (to find the labels of a merge again). Runs inside walkAlone:
 * `lease` is checked before each document is written.
 */
async function moveLabels(store: Corpus, lease: ExclusiveLease, actor: string, kind: string, pick: (l: Label) => Label | null, mergeId?: string): Promise<{ documentId: string; labelId: string }[]> {
  const moved: { documentId: string; labelId: string }[] = [];
  // One document in memory at a time: the catalogue gives the ids, each document is read in turn.
  for (const entry of store.summaries()) {
    const doc = await store.getDocument(entry.id);
    if (!doc || !doc.labels.some((l) => pick(l))) continue;
    lease.check();
    const out = await store.update(entry.id, (draft) => {
      const ids: string[] = [];
      const at = new Date().toISOString();
      draft.labels = draft.labels.map((l) => {
        const next = pick(l);
        if (!next) return l;
        ids.push(l.id);
        draft.events.push({ at, actor, kind, labelId: l.id, rev: l.rev, before: { speaker: l.speaker, speakerId: l.speakerId }, after: { speaker: next.speaker, speakerId: next.speakerId, ...(mergeId ? { mergeId } : {}) } });
        return { ...next, updatedAt: at };
      });
      return ids;
    });
    for (const labelId of out?.result ?? []) moved.push({ documentId: entry.id, labelId });
  }
  return moved;
}

/**
 * Merges speaker `from` into `into`: every label on every document follows, `into` keeps the
 * aliases, and the merge is recorded (undoable). A journal keeps the files consistent: the speaker
 * file is written first with the merge applied and marked `pending` (readers already credit `into`,
 * since a merged speaker resolves to its target), then the documents one by one, then the merge is
 * completed with the labels it moved. A write that fails part-way leaves the merge pending; it is
 * finished (idempotently: only labels still credited to `from` move) by retrying the same merge or
 * by the next merge, undo, split or rename. Undo, split and rename keep the same kind of journal
 * (`relabels`, see relabelPick): no document is written while the speaker state is being changed,
 * so on PostgreSQL its row is locked only for that short change, never for the corpus walk.
 */
export async function mergeSpeakers(store: Corpus, from: string, into: string, actor: string): Promise<SpeakerMerge> {
  const speakers = await speakerStoreOf(store);
  const retry = speakers.read().merges.find((m) => m.pending && m.from === from && m.into === into);
  await finishPendingSpeakerWork(store);
  if (retry) return speakers.read().merges.find((m) => m.id === retry.id)!;
  const record = await speakers.update((draft) => {
    const problem = mergeProblem(draft, from, into);
    if (problem) refuse(problem);
    const aliasesAdded = applyMerge(draft, from, into);
    const merge: SpeakerMerge = { id: `merge-${randomUUID()}`, at: new Date().toISOString(), actor, from, into, aliasesAdded, labels: [], pending: true };
    draft.merges.push(merge);
    return merge;
  });
  await finishMerge(store, record.id);
  return speakers.read().merges.find((m) => m.id === record.id)!;
}

/**
 * Moves the labels a pending merge has not moved yet, then records every label it moved and clears
 * `pending`; alone (walkAlone), with the merge and its target as they are once the turn is taken
 * (a merge finished, or finished and undone, meanwhile is left alone).
 */
async function finishMerge(store: Corpus, mergeId: string): Promise<void> {
  const speakers = await speakerStoreOf(store);
  await walkAlone(store, async (lease) => {
    const data = speakers.read();
    const m = data.merges.find((x) => x.id === mergeId);
    if (!m?.pending) return;
    const target = data.speakers.find((s) => s.id === m.into)!;
    await moveLabels(store, lease, m.actor, 'speaker.merged', (l) => (l.speakerId === m.from ? creditLabel(l, target) : null), m.id);
    const moved = await labelsMovedBy(store, m.id);
    lease.check();
    await speakers.update((draft) => {
      const d = draft.merges.find((x) => x.id === mergeId);
      if (!d?.pending) return;
      d.labels = moved;
      delete d.pending;
    });
  });
}

/** The labels a merge moved, found by the `mergeId` of their `speaker.merged` events (across a failed first run and its retry). */
async function labelsMovedBy(store: Corpus, mergeId: string): Promise<{ documentId: string; labelId: string }[]> {
  const out: { documentId: string; labelId: string }[] = [];
  for (const entry of store.summaries().sort((a, b) => a.id.localeCompare(b.id))) {
    const doc = await store.getDocument(entry.id);
    for (const e of doc?.events ?? []) {
      if (e.kind === 'speaker.merged' && e.labelId && (e.after as { mergeId?: string } | undefined)?.mergeId === mergeId) out.push({ documentId: entry.id, labelId: e.labelId });
    }
  }
  return out;
}

/** Records `job` in the speaker state's journal (the caller changed the state in the same update). */
function journal(draft: SpeakerData, job: SpeakerRelabel): SpeakerRelabel {
  (draft.relabels ??= []).push(job);
  return job;
}

/**
 * Moves the labels a journaled undo, split or rename has not moved yet, then removes it from the
 * journal; alone (walkAlone), picking with the speaker state as it is once the turn is taken (a job
 * another server finished meanwhile is left alone).
 */
async function finishRelabel(store: Corpus, jobId: string): Promise<void> {
  const speakers = await speakerStoreOf(store);
  await walkAlone(store, async (lease) => {
    const data = speakers.read();
    const job = data.relabels?.find((j) => j.id === jobId);
    if (!job) return;
    await moveLabels(store, lease, job.actor, RELABEL_EVENT[job.kind], relabelPick(data, job));
    lease.check();
    await speakers.update((draft) => {
      const left = (draft.relabels ?? []).filter((j) => j.id !== jobId);
      if (left.length) draft.relabels = left;
      else delete draft.relabels;
    });
  });
}

/** Finishes every merge, undo, split and rename a failed write left part-way (see mergeSpeakers), oldest first. */
export async function finishPendingSpeakerWork(store: Corpus): Promise<void> {
  const data = (await speakerStoreOf(store)).read();
  const work = [
    ...data.merges.filter((m) => m.pending).map((m) => ({ at: m.at, finish: () => finishMerge(store, m.id) })),
    ...(data.relabels ?? []).map((j) => ({ at: j.at, finish: () => finishRelabel(store, j.id) })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  for (const w of work) await w.finish();
}

/** Undoes a merge: the labels it moved (and still credited to the merged speaker) go back. Journaled as mergeSpeakers explains. */
export async function undoMerge(store: Corpus, mergeId: string, actor: string): Promise<SpeakerMerge> {
  const speakers = await speakerStoreOf(store);
  const retry = speakers.read().relabels?.some((j) => j.kind === 'undo' && j.mergeId === mergeId);
  await finishPendingSpeakerWork(store);
  if (!retry) {
    const job = await speakers.update((draft) => {
      const problem = undoProblem(draft, mergeId);
      if (problem) refuse(problem);
      applyUndo(draft, mergeId);
      const m = draft.merges.find((x) => x.id === mergeId)!;
      m.undoneAt = new Date().toISOString();
      m.undoneBy = actor;
      return journal(draft, { id: `relabel-${randomUUID()}`, at: m.undoneAt, actor, kind: 'undo', mergeId });
    });
    await finishRelabel(store, job.id);
  }
  return speakers.read().merges.find((m) => m.id === mergeId)!;
}

/** Splits a wrongly merged alias off a speaker into a new speaker; the labels written with that alias follow. Journaled as mergeSpeakers explains. */
export async function splitSpeaker(store: Corpus, id: string, alias: string, actor: string): Promise<Speaker> {
  const speakers = await speakerStoreOf(store);
  const retry = speakers.read().relabels?.find((j) => j.kind === 'split' && j.from === id && j.alias === alias);
  await finishPendingSpeakerWork(store);
  let createdId: string;
  if (retry?.kind === 'split') {
    createdId = retry.to;
  } else {
    const job = await speakers.update((draft) => {
      const problem = splitProblem(draft, id, alias);
      if (problem) refuse(problem);
      const source = draft.speakers.find((s) => s.id === id)!;
      source.aliases = source.aliases.filter((a) => a !== alias);
      const at = new Date().toISOString();
      const created: Speaker = { id: `sp-${randomUUID()}`, name: alias, aliases: [alias], createdAt: at };
      draft.speakers.push(created);
      return journal(draft, { id: `relabel-${randomUUID()}`, at, actor, kind: 'split', from: id, alias, to: created.id });
    });
    createdId = (job as { to: string }).to;
    await finishRelabel(store, job.id);
  }
  return speakers.read().speakers.find((s) => s.id === createdId)!;
}

/**
 * Changes a speaker's canonical name, role, Wikidata id or URL; a new name relabels every label
 * credited to it, journaled as mergeSpeakers explains (retrying the same rename finishes it).
 */
export async function editSpeaker(store: Corpus, id: string, patch: { name?: string; role?: string; wikidata?: string; url?: string }, actor: string): Promise<Speaker> {
  const speakers = await speakerStoreOf(store);
  await finishPendingSpeakerWork(store);
  const job = await speakers.update((draft) => {
    const s = draft.speakers.find((x) => x.id === id);
    if (!s) throw notFound(`no speaker with id "${id.slice(0, 100)}"`);
    if (s.mergedInto) throw conflict(`"${s.name}" has been merged into another speaker; edit that one`);
    for (const key of ['role', 'wikidata', 'url'] as const) {
      const v = patch[key];
      if (v === undefined) continue;
      if (v === '') delete s[key];
      else s[key] = v;
    }
    if (patch.name === undefined || patch.name === s.name) return null;
    const clash = draft.speakers.find((x) => x.id !== id && !x.mergedInto && x.aliases.includes(patch.name!));
    if (clash) throw new HttpError(409, 'conflict', `name: "${patch.name}" is already a name of another speaker (${clash.id}); merge them instead`);
    s.name = patch.name;
    if (!s.aliases.includes(patch.name)) s.aliases.push(patch.name);
    return journal(draft, { id: `relabel-${randomUUID()}`, at: new Date().toISOString(), actor, kind: 'rename', speakerId: id });
  });
  if (job) await finishRelabel(store, job.id);
  return speakers.read().speakers.find((s) => s.id === id)!;
}

/** The active speaker behind an id (following merges), or `null`. */
export async function findSpeaker(store: Corpus, id: string): Promise<Speaker | null> {
  return activeSpeaker((await speakerStoreOf(store)).read().speakers, id);
}
