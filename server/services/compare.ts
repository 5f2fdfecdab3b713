import type { DocumentStore } from '../store/document-store.js';
import { latestRevision } from '../domain/types.js';
import type { CorpusDocument, StatementCluster } from '../domain/compare/types.js';
import { findStatements, type MatchingStats } from '../domain/compare/statements.js';

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
 * Statement matching over the document store, cached until any document changes (the store's
 * `generation` counts every create and update, so editing a label's speaker invalidates it too).
 * Pages and API calls share one snapshot until then.
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
    return String(this.store.generation);
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
