import type { CorpusDocument, StatementCluster } from './types.js';
import { DEFAULT_INDEX_OPTIONS, type IndexOptions } from './shingle-index.js';
import { StatementIndex } from './statement-index.js';

/** How much work a run did, for the benchmark and the README. */
export interface MatchingStats {
  documents: number;
  passages: number;
  candidatePairs: number;
  matches: number;
  clusters: number;
  /** Passages left out as boilerplate: more identical copies than MAX_PASSAGE_COPIES (statement-index.ts). */
  boilerplateSkipped: number;
  /** Milliseconds spent extracting passages, generating and aligning candidate pairs (one pass), and building statements. */
  ms: { passages: number; candidatesAndAlign: number; build: number };
}

/**
 * Finds the statements rendered more than once in the corpus (across documents or inside one):
 * passages → shingle index → candidate pairs → local alignment → renderings grouped into
 * statements. Biggest first: most documents, then most renderings. Offsets are UTF-16.
 * A fresh `StatementIndex` over the documents: the same code keeps the index up to date document
 * by document, so a full build and an incremental one cannot drift apart.
 */
export function findStatements(docs: CorpusDocument[], options: IndexOptions = DEFAULT_INDEX_OPTIONS): { clusters: StatementCluster[]; stats: MatchingStats } {
  const t0 = performance.now();
  const index = new StatementIndex(options);
  const update = index.update(docs.map((doc) => ({ id: doc.id, doc })));
  const t1 = performance.now();
  const clusters = index.clusters();
  return {
    clusters,
    stats: {
      documents: index.documentCount,
      passages: index.passageTotal,
      candidatePairs: update.pairsJudged,
      matches: index.matchCount,
      clusters: clusters.length,
      boilerplateSkipped: index.boilerplateSkipped,
      ms: { passages: 0, candidatesAndAlign: t1 - t0, build: performance.now() - t1 },
    },
  };
}
