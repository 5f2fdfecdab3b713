import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { latestRevision, type DocumentRecord, type Label } from '../domain/types.js';
import { fullNameForms, rejectionKey, type KnownSpeaker, type Suggestion } from '../domain/suggestions.js';
import { commonNameFormsOfCounts } from '../domain/suggestions/speakers.js';
import { notFound } from '../http-error.js';
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

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over one string, then a separator. */
function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return Math.imul(h ^ 0x7c, FNV_PRIME);
}

/** FNV-1a over the four bytes of a non-negative integer (an offset). */
function mixNumber(h: number, n: number): number {
  h = Math.imul(h ^ (n & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((n >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((n >>> 16) & 0xff), FNV_PRIME);
  return Math.imul(h ^ (n >>> 24), FNV_PRIME);
}

/** FNV-1a over strings and numbers: a cheap fingerprint for the cache key. */
function fingerprint(parts: Iterable<string | number>): string {
  let h = FNV_OFFSET;
  for (const p of parts) h = mixString(h, String(p));
  return (h >>> 0).toString(36);
}

/**
 * The labels suggestions are filtered against (type and span of each label not orphaned): their
 * count and fingerprint, without building a string per label (asked on every suggestions request
 * and editor page, cached or not: 20,000 labels cost 20–60 ms that way).
 */
function labelSetKey(labels: Label[]): string {
  let h = FNV_OFFSET;
  let n = 0;
  for (const l of labels) {
    if (l.anchor.state === 'orphaned') continue;
    n++;
    h = mixNumber(mixNumber(mixString(h, l.type), l.start), l.end);
  }
  return `${n}:${(h >>> 0).toString(36)}`;
}

/** Fingerprints of known-speaker lists, by list: knownSpeakersFor hands out the same list until the corpus changes. */
const speakerKeys = new WeakMap<KnownSpeaker[], string>();

function speakersKey(knownSpeakers: KnownSpeaker[]): string {
  let key = speakerKeys.get(knownSpeakers);
  if (key === undefined) {
    key = fingerprint(knownSpeakers.map((k) => (typeof k === 'string' ? k : `${k.name}=${(k.aliases ?? []).join('|')}`)));
    speakerKeys.set(knownSpeakers, key);
  }
  return key;
}

/** What a document's suggestions depend on: its revision, its label set, its rejections and the known speakers. */
function cacheKey(doc: DocumentRecord, knownSpeakers: KnownSpeaker[]): string {
  return `${latestRevision(doc).rev}|${labelSetKey(doc.labels)}|${doc.rejectedSuggestions?.length ?? 0}:${fingerprint(doc.rejectedSuggestions ?? [])}|${speakersKey(knownSpeakers)}`;
}

/** At most this many documents' suggestions are kept (the least recently used go first). */
const CACHED_DOCUMENTS = 64;
const cache = new WeakMap<Corpus, Map<string, { key: string; result: Promise<Suggestion[]> }>>();

/**
 * Open suggestions on the latest text, computed once per document revision, label set, rejection
 * list and known speakers (later calls, accept and reject included, reuse them), on the worker
 * thread when the work is over SUGGESTIONS_WORKER_THRESHOLD. The list is shared: do not mutate it.
 */
export function listSuggestions(store: Corpus, doc: DocumentRecord, knownSpeakers: KnownSpeaker[] = knownSpeakersFor(store)): Promise<Suggestion[]> {
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

type FormsState = {
  /** `counted`: the document was in the corpus when its forms were read, so they are in `counts`. */
  forms: Map<string, { rev: number; forms: string[]; counted: boolean }>;
  /** How many documents' forms hold each full name form (those `counted`), kept with `forms`. */
  counts: Map<string, number>;
  /** The corpus generation the last check of `forms` against the catalogue was made at. */
  checked: number | null;
  pass: Promise<void> | null;
  /** Goes up whenever `forms` changes. */
  version: number;
  /** The last answer, kept while neither the corpus (`generation`) nor `forms` changed. */
  known: { generation: number; version: number; speakers: KnownSpeaker[] } | null;
  labelled: { generation: number; speakers: string[] } | null;
};

/** Each document's name forms, per store, recomputed only for documents whose revision changed. */
const formsCache = new WeakMap<Corpus, FormsState>();

/** The background pass reads documents for at most this many milliseconds before giving the event loop a turn. */
export const NAME_FORMS_SLICE_MS = 10;

function formsState(store: Corpus): FormsState {
  let state = formsCache.get(store);
  if (!state) {
    state = { forms: new Map(), counts: new Map(), checked: null, pass: null, version: 0, known: null, labelled: null };
    formsCache.set(store, state);
  }
  return state;
}

/**
 * Every speaker reviewers put on a label across the corpus (from the catalogue), most used first,
 * then alphabetically; computed once per corpus generation (a request reads no summary again).
 * Shared: do not mutate.
 */
export function labelSpeakers(store: Corpus): string[] {
  const state = formsState(store);
  if (state.labelled?.generation === store.generation) return state.labelled.speakers;
  const generation = store.generation;
  const counts = new Map<string, number>();
  for (const s of store.summaries()) for (const sp of s.speakers) counts.set(sp, (counts.get(sp) ?? 0) + 1);
  const speakers = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([sp]) => sp);
  state.labelled = { generation, speakers };
  return speakers;
}

/**
 * The speakers suggestions resolve names to: the speakers reviewers put on labels (from the
 * catalogue), then the full names most documents spell the same way (so one article's "Anthony
 * Blinken" becomes the corpus's "Antony Blinken"). Never reads a document's text: each document's
 * name forms are read from its text once per revision by a background pass (started here when any
 * document is new or changed, a turn of the event loop every NAME_FORMS_SLICE_MS), and the answer
 * counts what is known so far: a document just created or revised adds its spellings once the
 * pass has read it (`whenIdle` waits for that). The answer is kept until a document changes or the
 * pass learns more, so a request in a quiet corpus does no corpus-wide work. Shared: do not mutate.
 */
export function knownSpeakersFor(store: Corpus): KnownSpeaker[] {
  const state = formsState(store);
  const generation = store.generation;
  if (state.known?.generation === generation && state.known.version === state.version) return state.known.speakers;
  // The catalogue is walked only when the corpus changed: while the background pass reads (the
  // version goes up with each document), the answer comes from the counts it keeps.
  if (state.checked !== generation) {
    const entries = store.summaries();
    if (entries.some((e) => state.forms.get(e.id)?.rev !== e.rev)) state.pass ??= readNameForms(store, state).finally(() => (state.pass = null));
    if (state.forms.size > entries.length || entries.some((e) => !state.forms.has(e.id))) {
      const live = new Set(entries.map((e) => e.id));
      for (const id of state.forms.keys()) if (!live.has(id)) setForms(state, id, null);
    }
    state.checked = generation;
  }
  const speakers = [...labelSpeakers(store), ...commonNameFormsOfCounts(state.counts)];
  state.known = { generation, version: state.version, speakers };
  return speakers;
}

/** Resolves once every document's name forms are known at its current revision (starts the background pass if needed). */
export async function whenIdle(store: Corpus): Promise<void> {
  for (;;) {
    knownSpeakersFor(store);
    const pass = formsState(store).pass;
    if (!pass) return;
    await pass;
  }
}

/** Replaces (or with `null` forgets) the forms known of document `id`, keeping `counts` in step. */
function setForms(state: FormsState, id: string, next: { rev: number; forms: string[]; counted: boolean } | null): void {
  const old = state.forms.get(id);
  if (old?.counted) {
    for (const f of old.forms) {
      const n = state.counts.get(f)! - 1;
      if (n > 0) state.counts.set(f, n);
      else state.counts.delete(f);
    }
  }
  if (next === null) {
    state.forms.delete(id);
    return;
  }
  state.forms.set(id, next);
  if (next.counted) for (const f of next.forms) state.counts.set(f, (state.counts.get(f) ?? 0) + 1);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads the name forms of every document whose revision is not known yet, through the repository,
 * until none is left (documents changed meanwhile included); gives the event loop a turn whenever a
 * slice of NAME_FORMS_SLICE_MS is used up. A document that cannot be read counts as naming nobody
 * at that revision.
 */
async function readNameForms(store: Corpus, state: FormsState): Promise<void> {
  await nextTurn(); // never on the request that started the pass
  let sliceStart = performance.now();
  for (;;) {
    const stale = store.summaries().filter((e) => state.forms.get(e.id)?.rev !== e.rev);
    if (stale.length === 0) return;
    for (const e of stale) {
      let forms: string[] = [];
      try {
        const doc = await store.getDocument(e.id);
        if (doc) forms = fullNameForms(latestRevision(doc).text);
      } catch {
        // unreadable: no forms at this revision (the next revision is read again)
      }
      setForms(state, e.id, { rev: e.rev, forms, counted: store.has(e.id) });
      state.version++; // a revision made meanwhile is listed with a higher rev: read again on the next round
      if (performance.now() - sliceStart >= NAME_FORMS_SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  }
}

async function findSuggestion(store: Corpus, doc: DocumentRecord, suggestionId: string, knownSpeakers?: KnownSpeaker[]): Promise<Suggestion> {
  const found = (await listSuggestions(store, doc, knownSpeakers)).find((s) => s.id === suggestionId);
  if (!found) throw notFound(`no open suggestion "${suggestionId.slice(0, 100)}" on the latest revision of "${doc.id}"`);
  return found;
}

/** Turns a suggestion into a label with its speaker, cue and sourcing; 409 when `rev` is stale. */
export async function acceptSuggestion(store: Corpus, project: ProjectStore, doc: DocumentRecord, suggestionId: string, rev: number, actor: string, knownSpeakers?: KnownSpeaker[]): Promise<Label> {
  const s = await findSuggestion(store, doc, suggestionId, knownSpeakers);
  return createLabel(store, project, doc.id, { start: s.start, end: s.end, type: s.type, rev, speaker: s.speaker, cue: s.cue, sourcing: s.sourcing }, actor);
}

/** Remembers that the suggestion is wrong, by type and words, so it stays away after revisions. */
export async function rejectSuggestion(store: Corpus, doc: DocumentRecord, suggestionId: string, actor: string): Promise<Suggestion> {
  const s = await findSuggestion(store, doc, suggestionId);
  await store.update(doc.id, (draft) => {
    draft.rejectedSuggestions = [...(draft.rejectedSuggestions ?? []), rejectionKey(s)];
    draft.events.push({ at: new Date().toISOString(), actor, kind: 'suggestion.rejected', rev: latestRevision(draft).rev, after: { type: s.type, start: s.start, end: s.end, exact: s.exact } });
  });
  return s;
}
