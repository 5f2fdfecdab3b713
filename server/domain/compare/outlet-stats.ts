import type { CorpusDocument, RenderingKind, StatementCluster } from './types.js';
import { SOURCINGS, type Sourcing } from '../types.js';
import { nameKey, sameName } from './names.js';

export interface OutletStats {
  outlet: string;
  documents: { id: string; title: string; publishedAt?: string; labelCount: number }[];
  /** Characters of the outlet's text (latest revisions), UTF-16 code units. */
  textLength: number;
  /** Share (0-1) of that text covered by labels of each type, in the order of `types` given. */
  textShare: { type: string; share: number; chars: number }[];
  /** Reported claims by sourcing; `unset` for claims whose sourcing nobody filled in. */
  claimSourcing: { sourcing: Sourcing | 'unset'; count: number }[];
  claimCount: number;
  /** Cue words on this outlet's labels, most used first (at most `topCues`). */
  cues: { cue: string; count: number }[];
  /** This outlet's renderings of statements that other documents also carry, by kind. */
  shared: { kind: RenderingKind; count: number }[];
  sharedClusters: StatementCluster[];
}

const CLAIM = 'reported-claim';

/** Statistics of one outlet; `null` when no document has that outlet. */
export function outletStats(docs: CorpusDocument[], clusters: StatementCluster[], outlet: string, types: string[], topCues = 8): OutletStats | null {
  const own = docs.filter((d) => sameName(d.outlet, outlet));
  if (own.length === 0) return null;
  const textLength = own.reduce((n, d) => n + d.text.length, 0);
  const textShare = types.map((type) => {
    const chars = own.reduce((n, d) => n + coveredLength(d.labels.filter((l) => l.type === type && l.anchor.state !== 'orphaned')), 0);
    return { type, chars, share: textLength === 0 ? 0 : chars / textLength };
  });
  const labels = own.flatMap((d) => d.labels);
  const claims = labels.filter((l) => l.type === CLAIM);
  const claimSourcing = [...SOURCINGS, 'unset' as const].map((sourcing) => ({
    sourcing,
    count: claims.filter((l) => (l.sourcing ?? 'unset') === sourcing).length,
  }));
  const cueCounts = new Map<string, number>();
  for (const l of labels) {
    const cue = l.cue?.trim().toLowerCase();
    if (cue) cueCounts.set(cue, (cueCounts.get(cue) ?? 0) + 1);
  }
  const cues = [...cueCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, topCues).map(([cue, count]) => ({ cue, count }));
  const ownIds = new Set(own.map((d) => d.id));
  const sharedClusters = clusters.filter((c) => c.renderings.some((r) => ownIds.has(r.documentId)) && c.renderings.some((r) => !ownIds.has(r.documentId)));
  const kinds: RenderingKind[] = ['verbatim', 'cut', 'altered'];
  const ownRenderings = sharedClusters.flatMap((c) => c.renderings.filter((r) => ownIds.has(r.documentId)));
  return {
    outlet: own.find((d) => d.outlet)!.outlet!,
    documents: own
      .map((d) => ({ id: d.id, title: d.title, labelCount: d.labels.length, ...(d.publishedAt ? { publishedAt: d.publishedAt } : {}) }))
      .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '') || a.title.localeCompare(b.title)),
    textLength,
    textShare,
    claimSourcing,
    claimCount: claims.length,
    cues,
    shared: kinds.map((kind) => ({ kind, count: ownRenderings.filter((r) => r.kind === kind).length })),
    sharedClusters,
  };
}

/** UTF-16 code units covered by the union of the spans (overlaps counted once). */
export function coveredLength(spans: { start: number; end: number }[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let total = 0;
  let reach = -1;
  for (const s of sorted) {
    const from = Math.max(s.start, reach);
    if (s.end > from) total += s.end - from;
    reach = Math.max(reach, s.end);
  }
  return total;
}

/** Outlets named in the corpus with their number of documents, by name. */
export function outletList(docs: CorpusDocument[]): { outlet: string; documents: number }[] {
  const counts = new Map<string, { outlet: string; documents: number }>();
  for (const d of docs) {
    if (!d.outlet) continue;
    const key = nameKey(d.outlet);
    const seen = counts.get(key);
    if (seen) seen.documents++;
    else counts.set(key, { outlet: d.outlet, documents: 1 });
  }
  return [...counts.values()].sort((a, b) => a.outlet.localeCompare(b.outlet));
}
