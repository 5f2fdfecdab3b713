import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';
import { latestRevision, type DocumentRecord, type Label } from '../domain/types.js';
import { rejectionKey, suggestLabels, type Suggestion } from '../domain/suggestions.js';
import { notFound } from '../http-error.js';
import { corpusSpeakers } from '../domain/documents.js';
import { createLabel } from './labels.js';

/** Open suggestions on the latest text; `knownSpeakers` (the corpus's) turn surnames into full names. */
export function suggestionsFor(doc: DocumentRecord, knownSpeakers: string[] = []): Suggestion[] {
  return suggestLabels(latestRevision(doc).text, doc.labels.filter((l) => l.anchor.state !== 'orphaned'), doc.rejectedSuggestions, knownSpeakers);
}

function findSuggestion(doc: DocumentRecord, suggestionId: string, knownSpeakers: string[]): Suggestion {
  const found = suggestionsFor(doc, knownSpeakers).find((s) => s.id === suggestionId);
  if (!found) throw notFound(`no open suggestion "${suggestionId.slice(0, 100)}" on the latest revision of "${doc.id}"`);
  return found;
}

/** Turns a suggestion into a label with its speaker, cue and sourcing; 409 when `rev` is stale. */
export async function acceptSuggestion(store: DocumentStore, project: ProjectStore, doc: DocumentRecord, suggestionId: string, rev: number, actor: string): Promise<Label> {
  const s = findSuggestion(doc, suggestionId, corpusSpeakers(store.list()));
  return createLabel(store, project, doc.id, { start: s.start, end: s.end, type: s.type, rev, speaker: s.speaker, cue: s.cue, sourcing: s.sourcing }, actor);
}

/** Remembers that the suggestion is wrong, by type and words, so it stays away after revisions. */
export async function rejectSuggestion(store: DocumentStore, doc: DocumentRecord, suggestionId: string, actor: string): Promise<Suggestion> {
  const s = findSuggestion(doc, suggestionId, corpusSpeakers(store.list()));
  await store.update(doc.id, (draft) => {
    draft.rejectedSuggestions = [...(draft.rejectedSuggestions ?? []), rejectionKey(s)];
    draft.events.push({ at: new Date().toISOString(), actor, kind: 'suggestion.rejected', rev: latestRevision(draft).rev, after: { type: s.type, start: s.start, end: s.end, exact: s.exact } });
  });
  return s;
}
