import type { CorpusDocument, PassageMatch, StatementCluster } from './types.js';
import { documentPassages } from './passages.js';
import { WordIds } from './word-ids.js';
import { DEFAULT_INDEX_OPTIONS, forEachCandidatePair, type IndexOptions } from './shingle-index.js';
import { matchPassages } from './match.js';
import { groupRegions } from './group-regions.js';
import { buildCluster, layoutOf, type DocumentLayout } from './build-cluster.js';
import { isStatementCluster } from './statement-filter.js';

/** How much work a run did, for the benchmark and the README. */
export interface MatchingStats {
  documents: number;
  passages: number;
  candidatePairs: number;
  matches: number;
  clusters: number;
  /** Milliseconds spent extracting passages, generating and aligning candidate pairs (one pass), and building statements. */
  ms: { passages: number; candidatesAndAlign: number; build: number };
}

/**
 * Finds the statements rendered more than once in the corpus (across documents or inside one):
 * passages → shingle index → candidate pairs → local alignment → renderings grouped into
 * statements. Biggest first: most documents, then most renderings. Offsets are UTF-16.
 */
export function findStatements(docs: CorpusDocument[], options: IndexOptions = DEFAULT_INDEX_OPTIONS): { clusters: StatementCluster[]; stats: MatchingStats } {
  const t0 = performance.now();
  const ids = new WordIds();
  const passages = docs.flatMap((d, i) => documentPassages(d, i, ids));
  const t1 = performance.now();
  const matches: PassageMatch[] = [];
  const pairs = forEachCandidatePair(passages, options, (a, b) => {
    const m = matchPassages(passages[a], passages[b], a, b, ids);
    if (m) matches.push(m);
  });
  const t3 = performance.now();
  const layouts = new Map<number, DocumentLayout>();
  const layout = (doc: number) => {
    let l = layouts.get(doc);
    if (!l) layouts.set(doc, (l = layoutOf(docs[doc].text)));
    return l;
  };
  const clusters = groupRegions(passages, matches)
    .map((regions) => buildCluster(docs, regions, layout))
    .filter(isStatementCluster) // clauses and quotations only, not shared names (statement-filter.ts)
    .sort(
      (x, y) =>
        y.documentCount - x.documentCount ||
        y.renderings.length - x.renderings.length ||
        y.labelledCount - x.labelledCount ||
        x.id.localeCompare(y.id),
    );
  return {
    clusters,
    stats: {
      documents: docs.length,
      passages: passages.length,
      candidatePairs: pairs,
      matches: matches.length,
      clusters: clusters.length,
      ms: { passages: t1 - t0, candidatesAndAlign: t3 - t1, build: performance.now() - t3 },
    },
  };
}
