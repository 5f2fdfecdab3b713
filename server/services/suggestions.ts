import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';
import { latestRevision, type DocumentRecord, type Label } from '../domain/types.js';
import { commonNameForms, fullNameForms, rejectionKey, suggestLabels, type KnownSpeaker, type Suggestion } from '../domain/suggestions.js';
import { notFound } from '../http-error.js';
import { corpusSpeakers } from '../domain/documents.js';
import { createLabel } from './labels.js';

/**
 * Open suggestions on the latest text. `knownSpeakers` (see `knownSpeakersFor`) turn surnames and
 * variant spellings into the corpus's own full names.
 */
export function suggestionsFor(doc: DocumentRecord, knownSpeakers: KnownSpeaker[] = []): Suggestion[] {
  return suggestLabels(latestRevision(doc).text, doc.labels.filter((l) => l.anchor.state !== 'orphaned'), doc.rejectedSuggestions, knownSpeakers);
}

/** Each document's name forms, kept per store and recomputed only for documents whose revision changed. */
const formsCache = new WeakMap<DocumentStore, Map<string, { rev: number; forms: string[] }>>();

/**
 * The speakers suggestions resolve names to: the speakers reviewers put on labels, then the full
 * names most documents spell the same way (so one article's "Anthony Blinken" becomes the
 * corpus's "Antony Blinken").
 */
export function knownSpeakersFor(store: DocumentStore): KnownSpeaker[] {
  const entries = store.list();
  const cache = formsCache.get(store) ?? new Map<string, { rev: number; forms: string[] }>();
  formsCache.set(store, cache);
  const live = new Set<string>();
  const perDocument: string[][] = [];
  for (const e of entries) {
    live.add(e.id);
    let hit = cache.get(e.id);
    if (!hit || hit.rev !== e.rev) {
      const doc = store.get(e.id);
      if (!doc) continue;
      hit = { rev: e.rev, forms: fullNameForms(latestRevision(doc).text) };
      cache.set(e.id, hit);
    }
    perDocument.push(hit.forms);
  }
  for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);
  return [...corpusSpeakers(entries), ...commonNameForms(perDocument)];
}

function findSuggestion(doc: DocumentRecord, suggestionId: string, knownSpeakers: KnownSpeaker[]): Suggestion {
  const found = suggestionsFor(doc, knownSpeakers).find((s) => s.id === suggestionId);
  if (!found) throw notFound(`no open suggestion "${suggestionId.slice(0, 100)}" on the latest revision of "${doc.id}"`);
  return found;
}

/** Turns a suggestion into a label with its speaker, cue and sourcing; 409 when `rev` is stale. */
export async function acceptSuggestion(store: DocumentStore, project: ProjectStore, doc: DocumentRecord, suggestionId: string, rev: number, actor: string): Promise<Label> {
  const s = findSuggestion(doc, suggestionId, knownSpeakersFor(store));
  return createLabel(store, project, doc.id, { start: s.start, end: s.end, type: s.type, rev, speaker: s.speaker, cue: s.cue, sourcing: s.sourcing }, actor);
}

/** Remembers that the suggestion is wrong, by type and words, so it stays away after revisions. */
export async function rejectSuggestion(store: DocumentStore, doc: DocumentRecord, suggestionId: string, actor: string): Promise<Suggestion> {
  const s = findSuggestion(doc, suggestionId, knownSpeakersFor(store));
  await store.update(doc.id, (draft) => {
    draft.rejectedSuggestions = [...(draft.rejectedSuggestions ?? []), rejectionKey(s)];
    draft.events.push({ at: new Date().toISOString(), actor, kind: 'suggestion.rejected', rev: latestRevision(draft).rev, after: { type: s.type, start: s.start, end: s.end, exact: s.exact } });
  });
  return s;
}
