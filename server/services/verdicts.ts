import type { Corpus } from '../store/corpus.js';
import { everyDocument } from './corpus-pass.js';
import type { Label, Verdict } from '../domain/types.js';
import type { VerdictSettings } from '../domain/speakers/types.js';
import { settingsProblem, verdictProblem, verdictTargetProblem, type VerdictInput } from '../domain/speakers/verdicts.js';
import { speakerStoreOf } from './speakers.js';
import { badRequest, conflict, notFound } from '../http-error.js';

export async function verdictSettings(store: Corpus): Promise<VerdictSettings> {
  return (await speakerStoreOf(store)).read().verdictSettings;
}

/** Sets (or replaces) a label's verdict; refused, with nothing written, on opinions, text-less labels and bad ratings or URLs. */
export async function setVerdict(store: Corpus, docId: string, labelId: string, input: VerdictInput, actor: string): Promise<Label> {
  const settings = await verdictSettings(store);
  const problem = verdictProblem(input, settings);
  if (problem) throw badRequest(problem, 'invalid_verdict');
  const out = await store.update(docId, (draft) => {
    const label = draft.labels.find((l) => l.id === labelId);
    if (!label) throw notFound(`no label with id "${labelId.slice(0, 100)}" in document "${docId}"`);
    const target = verdictTargetProblem(label);
    if (target) throw badRequest(target, 'invalid_verdict');
    const at = new Date().toISOString();
    const verdict: Verdict = { rating: input.rating, ...(input.summary ? { summary: input.summary } : {}), ...(input.evidence?.length ? { evidence: input.evidence } : {}), by: actor, at };
    const after: Label = { ...label, verdict, updatedAt: at };
    draft.labels[draft.labels.indexOf(label)] = after;
    draft.events.push({ at, actor, kind: 'label.verdict', labelId, rev: label.rev, ...(label.verdict ? { before: label.verdict } : {}), after: verdict });
    return after;
  });
  if (!out) throw notFound(`no document with id "${docId.slice(0, 100)}"`);
  return out.result;
}

/** Removes a label's verdict (404 when it has none). */
export async function deleteVerdict(store: Corpus, docId: string, labelId: string, actor: string): Promise<Label> {
  const out = await store.update(docId, (draft) => {
    const label = draft.labels.find((l) => l.id === labelId);
    if (!label) throw notFound(`no label with id "${labelId.slice(0, 100)}" in document "${docId}"`);
    if (!label.verdict) throw notFound('this label has no verdict');
    const at = new Date().toISOString();
    const { verdict, ...rest } = label;
    draft.labels[draft.labels.indexOf(label)] = { ...rest, updatedAt: at };
    draft.events.push({ at, actor, kind: 'label.verdict-removed', labelId, rev: label.rev, before: verdict });
    return rest as Label;
  });
  if (!out) throw notFound(`no document with id "${docId.slice(0, 100)}"`);
  return out.result;
}

/** Replaces the verdict settings; a scale that would leave an existing verdict off it is a 409. */
export async function putVerdictSettings(store: Corpus, next: VerdictSettings): Promise<VerdictSettings> {
  const problem = settingsProblem(next);
  if (problem) throw badRequest(problem, 'invalid_settings');
  const used = new Set<string>();
  for await (const doc of everyDocument(store, (s) => s.labelCount > 0)) for (const l of doc.labels) if (l.verdict) used.add(l.verdict.rating);
  const lost = [...used].filter((r) => !next.scale.includes(r));
  if (lost.length) throw conflict(`scale: verdicts rated ${lost.map((r) => `"${r}"`).join(', ')} exist; keep those ratings or change the verdicts first`);
  return (await speakerStoreOf(store)).update((draft) => {
    draft.verdictSettings = next;
    return next;
  });
}
