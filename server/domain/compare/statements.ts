import type { CorpusDocument, PassageMatch, StatementCluster } from './types.js';
import { documentPassages } from './passages.js';
import { candidatePairs, DEFAULT_INDEX_OPTIONS, type IndexOptions } from './shingle-index.js';
import { matchPassages } from './match.js';
import { groupRegions } from './group-regions.js';
import { buildCluster, layoutOf, type DocumentLayout } from './build-cluster.js';

/** How much work a run did, for the benchmark and the README. */
export interface MatchingStats {
  documents: number;
  passages: number;
  candidatePairs: number;
  matches: number;
  clusters: number;
}

/**
 * Finds the statements rendered more than once in the corpus (across documents or inside one):
 * passages → shingle index → candidate pairs → local alignment → renderings grouped into
 * statements. Biggest first: most documents, then most renderings. Offsets are UTF-16.
 */
export function findStatements(docs: CorpusDocument[], options: IndexOptions = DEFAULT_INDEX_OPTIONS): { clusters: StatementCluster[]; stats: MatchingStats } {
  const passages = docs.flatMap((d, i) => documentPassages(d, i));
  const pairs = candidatePairs(passages, options);
  const matches: PassageMatch[] = [];
  for (const [a, b] of pairs) {
    const m = matchPassages(passages[a], passages[b], a, b);
    if (m) matches.push(m);
  }
  const layouts = new Map<number, DocumentLayout>();
  const layout = (doc: number) => {
    let l = layouts.get(doc);
    if (!l) layouts.set(doc, (l = layoutOf(docs[doc].text)));
    return l;
  };
  const clusters = groupRegions(passages, matches)
    .map((regions) => buildCluster(docs, regions, layout))
    .sort(
      (x, y) =>
        y.documentCount - x.documentCount ||
        y.renderings.length - x.renderings.length ||
        y.labelledCount - x.labelledCount ||
        x.id.localeCompare(y.id),
    );
  return {
    clusters,
    stats: { documents: docs.length, passages: passages.length, candidatePairs: pairs.length, matches: matches.length, clusters: clusters.length },
  };
}
