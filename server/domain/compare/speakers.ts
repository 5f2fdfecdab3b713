import type { Sourcing, Verdict } from '../types.js';
import type { CorpusDocument, RenderingKind, StatementCluster } from './types.js';
import { statisticsLabels } from '../layers.js';
import { classifyCue } from './attribution-verbs.js';
import { nameKey, sameName } from './names.js';

/** One statement attributed to a speaker: a labelled span, or an unlabelled rendering of a statement the speaker is credited with elsewhere. */
export interface SpeakerStatement {
  documentId: string;
  title: string;
  outlet?: string;
  publishedAt?: string;
  /** UTF-16 offsets into the document's latest revision. */
  start: number;
  end: number;
  text: string;
  type: string | null;
  cue?: string;
  sourcing?: Sourcing;
  clusterId?: string;
}

/** Speakers named on labels, with how many labels name them; the spelling used most is shown. */
export function speakerList(docs: CorpusDocument[]): { speaker: string; labels: number }[] {
  const byKey = new Map<string, Map<string, number>>();
  for (const d of docs) {
    for (const l of d.labels) {
      const s = l.speaker?.trim();
      if (!s) continue;
      const spellings = byKey.get(nameKey(s)) ?? new Map<string, number>();
      spellings.set(s, (spellings.get(s) ?? 0) + 1);
      byKey.set(nameKey(s), spellings);
    }
  }
  return speakerListOfCounts(byKey);
}

/** speakerList from its counts: by name key, how many labels use each spelling. */
export function speakerListOfCounts(byKey: Map<string, Map<string, number>>): { speaker: string; labels: number }[] {
  return [...byKey.values()]
    .map((spellings) => {
      const [speaker] = [...spellings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      return { speaker, labels: [...spellings.values()].reduce((a, b) => a + b, 0) };
    })
    .sort((a, b) => b.labels - a.labels || a.speaker.localeCompare(b.speaker));
}

/** Adds `by` to the count of a speaker's spelling in `counts` (as speakerList counts it: trimmed, by name key). */
export function countSpelling(counts: Map<string, Map<string, number>>, speaker: string | undefined, by: number): void {
  const s = speaker?.trim();
  if (!s) return;
  const key = nameKey(s);
  let spellings = counts.get(key);
  if (!spellings) counts.set(key, (spellings = new Map()));
  const n = (spellings.get(s) ?? 0) + by;
  if (n > 0) spellings.set(s, n);
  else spellings.delete(s);
  if (spellings.size === 0) counts.delete(key);
}

/**
 * Everything attributed to `speaker`, by date (undated last), then outlet, then position; `null`
 * when no label names that speaker.
 */
export function speakerStatements(docs: CorpusDocument[], clusters: StatementCluster[], speaker: string): { speaker: string; statements: SpeakerStatement[] } | null {
  const known = speakerList(docs).find((s) => sameName(s.speaker, speaker));
  if (!known) return null;
  const clusterOfLabel = new Map<string, string>();
  for (const c of clusters) for (const r of c.renderings) if (r.label) clusterOfLabel.set(r.label.id, c.id);
  const out: SpeakerStatement[] = [];
  for (const d of docs) {
    for (const l of d.labels) {
      if (!sameName(l.speaker, speaker) || l.anchor.state === 'orphaned') continue;
      const clusterId = clusterOfLabel.get(l.id);
      out.push({
        ...where(d),
        start: l.start,
        end: l.end,
        text: d.text.slice(l.start, l.end),
        type: l.type,
        ...(l.cue ? { cue: l.cue } : {}),
        ...(l.sourcing ? { sourcing: l.sourcing } : {}),
        ...(clusterId ? { clusterId } : {}),
      });
    }
  }
  const byId = new Map(docs.map((d) => [d.id, d]));
  for (const c of clusters) {
    if (!c.speakers.some((s) => sameName(s, speaker))) continue;
    for (const r of c.renderings) {
      if (r.label) continue;
      out.push({ ...where(byId.get(r.documentId)!), start: r.start, end: r.end, text: r.text, type: null, clusterId: c.id });
    }
  }
  out.sort(
    (a, b) =>
      (a.publishedAt ?? '9999').localeCompare(b.publishedAt ?? '9999') ||
      (a.outlet ?? '').localeCompare(b.outlet ?? '') ||
      a.documentId.localeCompare(b.documentId) ||
      a.start - b.start,
  );
  return { speaker: known.speaker, statements: out };
}

function where(d: CorpusDocument) {
  return { documentId: d.id, title: d.title, ...(d.outlet ? { outlet: d.outlet } : {}), ...(d.publishedAt ? { publishedAt: d.publishedAt } : {}) };
}

/** A speaker entity as pages and the API list it (see domain/speakers/types.ts). */
export interface SpeakerEntity {
  id: string;
  name: string;
  aliases: string[];
  role?: string;
  wikidata?: string;
  url?: string;
}

/** Labels (statistics layer, not orphaned) per speaker id, with the outlets that carry them. */
export function speakerCounts(docs: CorpusDocument[]): Map<string, { labels: number; outlets: Set<string> }> {
  const counts: SpeakerLabelCounts = new Map();
  for (const d of docs) countSpeakerLabels(counts, d, 1);
  return speakerCountsOf(counts);
}

/** Per speaker id: its labels (statistics layer, not orphaned) and how many of them each outlet carries. */
export type SpeakerLabelCounts = Map<string, { labels: number; outlets: Map<string, number> }>;

/** Adds (`by` 1) or takes out (-1) the labels of document `d` in `counts` (as `speakerCounts` counts them). */
export function countSpeakerLabels(counts: SpeakerLabelCounts, d: CorpusDocument, by: 1 | -1): void {
  for (const l of statisticsLabels(d)) {
    if (!l.speakerId || l.anchor.state === 'orphaned') continue;
    let seen = counts.get(l.speakerId);
    if (!seen) counts.set(l.speakerId, (seen = { labels: 0, outlets: new Map() }));
    seen.labels += by;
    if (d.outlet) {
      const n = (seen.outlets.get(d.outlet) ?? 0) + by;
      if (n > 0) seen.outlets.set(d.outlet, n);
      else seen.outlets.delete(d.outlet);
    }
    if (seen.labels <= 0) counts.delete(l.speakerId);
  }
}

/** `speakerCounts` from the counts `countSpeakerLabels` keeps. */
export function speakerCountsOf(counts: SpeakerLabelCounts): Map<string, { labels: number; outlets: Set<string> }> {
  return new Map([...counts].map(([id, c]) => [id, { labels: c.labels, outlets: new Set(c.outlets.keys()) }]));
}

/** One statement credited to a speaker entity, with how the outlet rendered it. */
export interface CreditedStatement extends SpeakerStatement {
  labelId: string;
  /** Against the closest-to-verbatim rendering of the same statement elsewhere; `null` when no other document carries it. */
  kind: RenderingKind | 'reference' | null;
  verdict?: Verdict;
}

export interface SpeakerProfile {
  statements: CreditedStatement[];
  /** Attribution verbs used about the speaker, per outlet (`—` for documents without outlet). */
  verbsByOutlet: { outlet: string; verbs: { verb: string; cls: string; count: number }[] }[];
  /** Sourcing of the statements credited to the speaker, by type. */
  sourcing: { type: string; named: number; anonymous: number; document: number; unattributed: number; unset: number; n: number }[];
  verdicts: CreditedStatement[];
}

/** Everything credited to speaker `id` in the statistics layer of each document, by date (undated last), outlet, position. */
export function speakerProfile(docs: CorpusDocument[], clusters: StatementCluster[], id: string): SpeakerProfile {
  return speakerProfileOf(docs, labelRenderings(clusters), id);
}

/** A label's rendering of a statement carried by another document too. */
export interface LabelRendering {
  clusterId: string;
  kind: RenderingKind | 'reference';
}

/** Where each label is a rendering of a statement carried by another document too: by label id (a Map, or a lookup kept up to date). */
export interface LabelRenderings {
  get(labelId: string): LabelRendering | undefined;
}

export function labelRenderings(clusters: StatementCluster[]): Map<string, LabelRendering> {
  const renderingOf = new Map<string, LabelRendering>();
  for (const c of clusters) {
    if (c.documentCount < 2) continue;
    for (const r of c.renderings) if (r.label) renderingOf.set(r.label.id, { clusterId: c.id, kind: r.isReference ? 'reference' : r.kind });
  }
  return renderingOf;
}

/**
 * `speakerProfile` from the label renderings computed once per corpus state; `docs` need only hold
 * the documents with a label crediting the speaker (the others add nothing).
 */
export function speakerProfileOf(docs: CorpusDocument[], renderingOf: LabelRenderings, id: string): SpeakerProfile {
  const statements: CreditedStatement[] = [];
  for (const d of docs) {
    for (const l of statisticsLabels(d)) {
      if (l.speakerId !== id || l.anchor.state === 'orphaned') continue;
      const r = renderingOf.get(l.id);
      statements.push({
        ...where(d),
        labelId: l.id,
        start: l.start,
        end: l.end,
        text: d.text.slice(l.start, l.end),
        type: l.type,
        ...(l.cue ? { cue: l.cue } : {}),
        ...(l.sourcing ? { sourcing: l.sourcing } : {}),
        ...(r ? { clusterId: r.clusterId } : {}),
        kind: r?.kind ?? null,
        ...(l.verdict ? { verdict: l.verdict } : {}),
      });
    }
  }
  statements.sort((a, b) => (a.publishedAt ?? '9999').localeCompare(b.publishedAt ?? '9999') || (a.outlet ?? '').localeCompare(b.outlet ?? '') || a.documentId.localeCompare(b.documentId) || a.start - b.start);
  const verbs = new Map<string, Map<string, { cls: string; count: number }>>();
  for (const s of statements) {
    if (!s.cue) continue;
    const c = classifyCue(s.cue);
    const verb = c?.verb ?? s.cue.toLowerCase().split(/\s+/)[0];
    const byVerb = verbs.get(s.outlet ?? '—') ?? new Map();
    const seen = byVerb.get(verb) ?? { cls: c?.cls ?? 'unknown', count: 0 };
    seen.count++;
    byVerb.set(verb, seen);
    verbs.set(s.outlet ?? '—', byVerb);
  }
  const types = [...new Set(statements.map((s) => s.type!))].sort();
  return {
    statements,
    verbsByOutlet: [...verbs].sort((a, b) => a[0].localeCompare(b[0])).map(([outlet, m]) => ({ outlet, verbs: [...m].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0])).map(([verb, v]) => ({ verb, ...v })) })),
    sourcing: types.map((type) => {
      const own = statements.filter((s) => s.type === type);
      const count = (k: string) => own.filter((s) => (s.sourcing ?? 'unset') === k).length;
      return { type, named: count('named'), anonymous: count('anonymous'), document: count('document'), unattributed: count('unattributed'), unset: count('unset'), n: own.length };
    }),
    verdicts: statements.filter((s) => s.verdict),
  };
}
