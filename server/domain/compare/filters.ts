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
  return clusters.filter((c) => passes(c, f));
}

/** Whether statement `c` passes every given filter. */
export function passes(c: StatementCluster, f: ClusterFilter): boolean {
  return (
    c.documentCount >= f.minDocuments &&
    (!f.speaker || c.speakers.some((s) => sameName(s, f.speaker!))) &&
    (!f.outlet || c.outlets.some((o) => sameName(o, f.outlet!))) &&
    (!f.type || c.types.includes(f.type))
  );
}

/**
 * `filterClusters(clusters, f)` read a page at a time: `slice` looks through the statements only as
 * far as the page asked for needs (the list is sorted by documents carrying a statement, most
 * first, so the first page of statements across documents is its first 200), and `length` counts
 * every one unless told how many pass (`length` given: the count the statement index keeps). Keeps
 * what it found for the next page of the same list.
 */
export class FilteredClusters {
  /** The statements that pass, in order, among `clusters` up to `scanned`. */
  private readonly found: StatementCluster[] = [];
  private scanned = 0;

  constructor(
    private readonly clusters: readonly StatementCluster[],
    private readonly filter: ClusterFilter,
    private known?: number,
  ) {}

  get length(): number {
    if (this.known === undefined) {
      this.scanTo(Infinity);
      this.known = this.found.length;
    }
    return this.known;
  }

  slice(start = 0, end = Infinity): StatementCluster[] {
    this.scanTo(end);
    return this.found.slice(start, end);
  }

  private scanTo(count: number): void {
    const list = this.clusters;
    while (this.found.length < count && this.scanned < list.length) {
      const c = list[this.scanned++];
      if (passes(c, this.filter)) this.found.push(c);
    }
  }
}
