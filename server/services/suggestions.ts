import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';
import { latestRevision, type DocumentRecord, type Label } from '../domain/types.js';
import { commonNameForms, fullNameForms, rejectionKey, type KnownSpeaker, type Suggestion } from '../domain/suggestions.js';
import { notFound } from '../http-error.js';
import { corpusSpeakers } from '../domain/documents.js';
import { createLabel } from './labels.js';
import { runJob, type SuggestionsJob } from './domain-worker.js';

/**
 * Work above which suggestions are computed on the domain worker thread, so a large text never
 * holds the event loop: characters of text plus 20 per existing label (labels are indexed once
 * and checked per suggestion). 50,000 is a long article of about 8,000 words, which takes tens of
 * milliseconds inline; a 20 KB article stays on the request's thread.
 */
export const SUGGESTIONS_WORKER_THRESHOLD = 50_000;

/** The work size of a document's suggestions (see SUGGESTIONS_WORKER_THRESHOLD). */
export function suggestionWork(doc: DocumentRecord): number {
  return latestRevision(doc).text.length + 20 * doc.labels.length;
}

/** FNV-1a over strings and numbers: a cheap fingerprint for the cache key. */
function fingerprint(parts: Iterable<string | number>): string {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x7c, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** What a document's suggestions depend on: its revision, its label set, its rejections and the known speakers. */
function cacheKey(doc: DocumentRecord, knownSpeakers: KnownSpeaker[]): string {
  const labels = doc.labels.filter((l) => l.anchor.state !== 'orphaned');
  const labelSet = fingerprint((function* () { for (const l of labels) yield `${l.type}:${l.start}-${l.end}`; })());
  const speakers = fingerprint(knownSpeakers.map((k) => (typeof k === 'string' ? k : `${k.name}=${(k.aliases ?? []).join('|')}`)));
  return `${latestRevision(doc).rev}|${labels.length}:${labelSet}|${doc.rejectedSuggestions?.length ?? 0}:${fingerprint(doc.rejectedSuggestions ?? [])}|${speakers}`;
}

/** At most this many documents' suggestions are kept (the least recently used go first). */
const CACHED_DOCUMENTS = 64;
const cache = new WeakMap<DocumentStore, Map<string, { key: string; result: Promise<Suggestion[]> }>>();

/**
 * Open suggestions on the latest text, computed once per document revision, label set, rejection
 * list and known speakers (later calls, accept and reject included, reuse them), on the worker
 * thread when the work is over SUGGESTIONS_WORKER_THRESHOLD. The list is shared: do not mutate it.
 */
export function listSuggestions(store: DocumentStore, doc: DocumentRecord, knownSpeakers: KnownSpeaker[] = knownSpeakersFor(store)): Promise<Suggestion[]> {
  const perStore = cache.get(store) ?? new Map<string, { key: string; result: Promise<Suggestion[]> }>();
  cache.set(store, perStore);
  const key = cacheKey(doc, knownSpeakers);
  const hit = perStore.get(doc.id);
  if (hit?.key === key) {
    perStore.delete(doc.id);
    perStore.set(doc.id, hit);
    return hit.result;
  }
  const job: SuggestionsJob = {
    text: latestRevision(doc).text,
    existing: doc.labels.filter((l) => l.anchor.state !== 'orphaned').map((l) => ({ type: l.type, start: l.start, end: l.end })),
    rejected: doc.rejectedSuggestions ?? [],
    knownSpeakers,
  };
  const result = runJob('suggestions', job, suggestionWork(doc) > SUGGESTIONS_WORKER_THRESHOLD);
  perStore.delete(doc.id);
  perStore.set(doc.id, { key, result });
  while (perStore.size > CACHED_DOCUMENTS) perStore.delete(perStore.keys().next().value!);
  result.catch(() => { if (perStore.get(doc.id)?.result === result) perStore.delete(doc.id); });
  return result;
}

/** Each document's name forms, per store, recomputed only for documents whose revision changed. */
const formsCache = new WeakMap<DocumentStore, { forms: Map<string, { rev: number; forms: string[] }>; pass: Promise<void> | null }>();

/** Up to this many documents whose forms are not known yet are read at once on the request; more are read in the background. */
export const NAME_FORMS_SYNC_DOCUMENTS = 200;

/**
 * The speakers suggestions resolve names to: the speakers reviewers put on labels (from the
 * catalogue), then the full names most documents spell the same way (so one article's "Anthony
 * Blinken" becomes the corpus's "Antony Blinken"). Each document's name forms are read from its
 * text once per revision: a few at once, a larger backlog (a large corpus, a big import) in the
 * background one document at a time, its forms counted as they become known.
 */
export function knownSpeakersFor(store: DocumentStore): KnownSpeaker[] {
  const entries = store.list();
  const state = formsCache.get(store) ?? { forms: new Map<string, { rev: number; forms: string[] }>(), pass: null };
  formsCache.set(store, state);
  const stale = entries.filter((e) => state.forms.get(e.id)?.rev !== e.rev);
  if (stale.length > NAME_FORMS_SYNC_DOCUMENTS) {
    state.pass ??= readNameForms(store, state.forms, stale).finally(() => (state.pass = null));
  } else {
    for (const e of stale) {
      const doc = store.get(e.id);
      if (doc) state.forms.set(e.id, { rev: e.rev, forms: fullNameForms(latestRevision(doc).text) });
    }
  }
  const live = new Set(entries.map((e) => e.id));
  for (const id of state.forms.keys()) if (!live.has(id)) state.forms.delete(id);
  const perDocument = entries.map((e) => state.forms.get(e.id)?.forms ?? []);
  return [...corpusSpeakers(entries), ...commonNameForms(perDocument)];
}

/** Reads the name forms of `entries` one document at a time through the repository, a turn of the event loop between them. */
async function readNameForms(store: DocumentStore, forms: Map<string, { rev: number; forms: string[] }>, entries: { id: string; rev: number }[]): Promise<void> {
  for (const e of entries) {
    const doc = await store.getDocument(e.id);
    if (doc) forms.set(e.id, { rev: latestRevision(doc).rev, forms: fullNameForms(latestRevision(doc).text) });
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function findSuggestion(store: DocumentStore, doc: DocumentRecord, suggestionId: string, knownSpeakers?: KnownSpeaker[]): Promise<Suggestion> {
  const found = (await listSuggestions(store, doc, knownSpeakers)).find((s) => s.id === suggestionId);
  if (!found) throw notFound(`no open suggestion "${suggestionId.slice(0, 100)}" on the latest revision of "${doc.id}"`);
  return found;
}

/** Turns a suggestion into a label with its speaker, cue and sourcing; 409 when `rev` is stale. */
export async function acceptSuggestion(store: DocumentStore, project: ProjectStore, doc: DocumentRecord, suggestionId: string, rev: number, actor: string, knownSpeakers?: KnownSpeaker[]): Promise<Label> {
  const s = await findSuggestion(store, doc, suggestionId, knownSpeakers);
  return createLabel(store, project, doc.id, { start: s.start, end: s.end, type: s.type, rev, speaker: s.speaker, cue: s.cue, sourcing: s.sourcing }, actor);
}

/** Remembers that the suggestion is wrong, by type and words, so it stays away after revisions. */
export async function rejectSuggestion(store: DocumentStore, doc: DocumentRecord, suggestionId: string, actor: string): Promise<Suggestion> {
  const s = await findSuggestion(store, doc, suggestionId);
  await store.update(doc.id, (draft) => {
    draft.rejectedSuggestions = [...(draft.rejectedSuggestions ?? []), rejectionKey(s)];
    draft.events.push({ at: new Date().toISOString(), actor, kind: 'suggestion.rejected', rev: latestRevision(draft).rev, after: { type: s.type, start: s.start, end: s.end, exact: s.exact } });
  });
  return s;
}
