import type { StatementCluster } from './types.js';
import { sameName } from './names.js';

export interface ClusterFilter {
  /** A rendering's label names this speaker. */
  speaker?: string;
  /** A rendering comes from this outlet. */
  outlet?: string;
  /** A rendering carries a label of this type. */
  type?: string;
  /** Fewest distinct documents: 2 keeps statements carried across documents, 1 also keeps repeats inside one. */
  minDocuments: number;
}

/** The clusters that pass every given filter, in their order. */
export function filterClusters(clusters: StatementCluster[], f: ClusterFilter): StatementCluster[] {
  return clusters.filter(
    (c) =>
      c.documentCount >= f.minDocuments &&
      (!f.speaker || c.speakers.some((s) => sameName(s, f.speaker!))) &&
      (!f.outlet || c.outlets.some((o) => sameName(o, f.outlet!))) &&
      (!f.type || c.types.includes(f.type)),
  );
}
