import type { Sourcing } from '../types.js';
import type { CorpusDocument, StatementCluster } from './types.js';
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
  return [...byKey.values()]
    .map((spellings) => {
      const [speaker] = [...spellings].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
      return { speaker, labels: [...spellings.values()].reduce((a, b) => a + b, 0) };
    })
    .sort((a, b) => b.labels - a.labels || a.speaker.localeCompare(b.speaker));
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
