import type { Corpus } from '../store/corpus.js';
import type { KnownSpeaker } from '../domain/suggestions.js';
import { knownSpeakerEntities } from './speakers.js';
import { knownSpeakersFor, labelSpeakers } from './suggestions.js';

/**
 * The speakers suggestions may credit, for a caller who may see only `labelNames` on labels (blind
 * labelling; `null`: no limit): those names, then the full names read off the corpus's texts,
 * without any name taken from another annotator's labels.
 */
export function knownSpeakersVisible(store: Corpus, labelNames: string[] | null): KnownSpeaker[] {
  if (labelNames === null) return knownSpeakersFor(store);
  const allowed = new Set(labelNames);
  const fromLabels = new Set(labelSpeakers(store));
  return [...labelNames, ...knownSpeakersFor(store).filter((k) => typeof k !== 'string' || !fromLabels.has(k) || allowed.has(k))];
}

/**
 * The names the editor's speaker field offers: every spelling of every speaker entity and every
 * speaker on a label, or, for a caller limited to `labelNames`, only those (entities are made from
 * whichever label first named them, so they would tell another annotator's names).
 */
export function speakerChoices(store: Corpus, labelNames: string[] | null): string[] {
  if (labelNames !== null) return labelNames;
  return [...new Set([...knownSpeakerEntities(store).flatMap((s) => [s.name, ...s.aliases]), ...labelSpeakers(store)])];
}
