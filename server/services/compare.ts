import type { DocumentStore } from '../store/document-store.js';
import { latestRevision } from '../domain/types.js';
import type { CorpusDocument, StatementCluster } from '../domain/compare/types.js';
import type { MatchingStats } from '../domain/compare/statements.js';
import { runJob } from './domain-worker.js';

/**
 * Above this much work, matching runs on the worker thread. The work counts what becomes passages:
 * every document's text plus the text under each of its labels (a label is a passage of its own,
 * so 15 labels over one long sentence multiply the passages to align), in UTF-16 code units.
 */
export const COMPARE_WORKER_THRESHOLD = 200_000;

/** The matching work of a corpus, as COMPARE_WORKER_THRESHOLD counts it. */
export function matchingWork(docs: CorpusDocument[]): number {
  let work = 0;
  for (const d of docs) {
    work += d.text.length;
    for (const l of d.labels) if (l.anchor.state !== 'orphaned') work += Math.max(0, Math.min(l.end, d.text.length) - l.start);
  }
  return work;
}

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
  private cached: { key: string; snapshot: Promise<CompareSnapshot> } | null = null;

  constructor(private readonly store: DocumentStore) {}

  /**
   * The statements of the corpus as it is now. Requests that arrive while a rebuild runs share it;
   * a large corpus is matched on the worker thread, so the server keeps answering meanwhile.
   */
  snapshot(): Promise<CompareSnapshot> {
    const key = this.cacheKey();
    if (this.cached?.key === key) return this.cached.snapshot;
    const snapshot = this.build();
    this.cached = { key, snapshot };
    snapshot.catch(() => {
      if (this.cached?.snapshot === snapshot) this.cached = null;
    });
    return snapshot;
  }

  private async build(): Promise<CompareSnapshot> {
    const started = performance.now();
    const docs = await this.loadCorpus();
    const { clusters, stats } = await runJob('statements', docs, matchingWork(docs) > COMPARE_WORKER_THRESHOLD);
    return { docs, clusters, byId: new Map(clusters.map((c) => [c.id, c])), stats, buildMs: performance.now() - started };
  }

  private cacheKey(): string {
    return String(this.store.generation);
  }

  /**
   * The latest revision of every document with its labels. Copying a document out of the store
   * costs time in proportion to its size (a 2,000,000-character text with 20,000 labels takes a
   * few hundred ms), so the event loop gets a turn between documents: other requests are answered
   * while a large corpus is read.
   */
  private async loadCorpus(): Promise<CorpusDocument[]> {
    const docs: CorpusDocument[] = [];
    for (const e of [...this.store.list()].sort((a, b) => a.id.localeCompare(b.id))) {
      await new Promise((resolve) => setImmediate(resolve));
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
