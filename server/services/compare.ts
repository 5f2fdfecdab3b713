import type { DocumentStore } from '../store/document-store.js';
import { latestRevision } from '../domain/types.js';
import type { CorpusDocument, StatementCluster } from '../domain/compare/types.js';
import { findStatements, type MatchingStats } from '../domain/compare/statements.js';
import { hashHex64 } from '../domain/compare/hash.js';

/** The corpus as matched, with its statements; rebuilt only when the documents change. */
export interface CompareSnapshot {
  docs: CorpusDocument[];
  clusters: StatementCluster[];
  byId: Map<string, StatementCluster>;
  stats: MatchingStats;
  /** Milliseconds the last rebuild took. */
  buildMs: number;
}

/**
 * Statement matching over the document store, cached. The cache key is every document's id,
 * latest rev, label count, title, outlet and date (from the catalogue), plus a fingerprint of the
 * labels of the documents that have any (id, offsets, type, attributes, updatedAt), so editing a
 * label's speaker also invalidates it. Pages and API calls share one snapshot until then.
 */
export class CompareService {
  private cached: { key: string; snapshot: CompareSnapshot } | null = null;

  constructor(private readonly store: DocumentStore) {}

  snapshot(): CompareSnapshot {
    const key = this.cacheKey();
    if (this.cached?.key === key) return this.cached.snapshot;
    const started = performance.now();
    const docs = this.loadCorpus();
    const { clusters, stats } = findStatements(docs);
    const snapshot: CompareSnapshot = { docs, clusters, byId: new Map(clusters.map((c) => [c.id, c])), stats, buildMs: performance.now() - started };
    this.cached = { key, snapshot };
    return snapshot;
  }

  private cacheKey(): string {
    const parts: string[] = [];
    for (const e of [...this.store.list()].sort((a, b) => a.id.localeCompare(b.id))) {
      parts.push(`${e.id}@${e.rev}#${e.labelCount}|${e.title}|${e.outlet ?? ''}|${e.publishedAt ?? ''}`);
      if (e.labelCount > 0) {
        const labels = this.store.get(e.id)?.labels ?? [];
        parts.push(labels.map((l) => `${l.id}:${l.start}-${l.end}:${l.type}:${l.speaker ?? ''}:${l.cue ?? ''}:${l.sourcing ?? ''}:${l.anchor.state}:${l.updatedAt}`).join(','));
      }
    }
    return hashHex64(parts.join('\n'));
  }

  private loadCorpus(): CorpusDocument[] {
    const docs: CorpusDocument[] = [];
    for (const e of [...this.store.list()].sort((a, b) => a.id.localeCompare(b.id))) {
      const doc = this.store.get(e.id);
      if (!doc) continue;
      const latest = latestRevision(doc);
      docs.push({
        id: doc.id,
        title: doc.meta.title,
        ...(doc.meta.outlet ? { outlet: doc.meta.outlet } : {}),
        ...(doc.meta.publishedAt ? { publishedAt: doc.meta.publishedAt } : {}),
        rev: latest.rev,
        text: latest.text,
        labels: doc.labels.filter((l) => l.rev === latest.rev),
      });
    }
    return docs;
  }
}
