import type { RenderingKind, StatementCluster } from './types.js';
import type { LabelRendering } from './speakers.js';
import type { ClusterChanges } from './cluster-changes.js';

/**
 * What `labelRenderings(clusters)` (speakers.ts) gives, kept up to date statement by statement: a
 * label's rendering is added when a statement carried by two documents or more is formed and taken
 * out when it is dropped, so a speaker's page after a label save costs the statements changed, not
 * every rendering of every statement (15-20 ms a save at 100,000 documents, 32,607 statements).
 * Also counts those statements (the /compare page's total).
 */
export class LabelRenderingIndex {
  /** Label id → the statements with a rendering under it, each with what the label's last rendering there gives. */
  private readonly byLabel = new Map<string, { cluster: StatementCluster; rendering: LabelRendering }[]>();
  /** Every statement taken in (those carried by one document too: `clusterChanges` asks about them). */
  private readonly held = new Set<StatementCluster>();
  /** Statements taken in that are carried by two documents or more. */
  acrossDocuments = 0;

  /** Whether `c` is taken in. */
  has(c: StatementCluster): boolean {
    return this.held.has(c);
  }

  /** Takes in the statements formed and takes out those dropped. */
  apply(changes: ClusterChanges): void {
    for (const c of changes.dropped) this.remove(c);
    for (const c of changes.added) this.add(c);
  }

  /** Starts again from `clusters`. */
  reset(clusters: readonly StatementCluster[]): void {
    this.byLabel.clear();
    this.held.clear();
    this.acrossDocuments = 0;
    for (const c of clusters) this.add(c);
  }

  /**
   * The rendering of label `id` as `labelRenderings(clusters)` gives it, `clusters` being the list
   * taken in: where statements share a label (rare), the one last in the list, found by its place.
   */
  get(id: string, clusters: readonly StatementCluster[]): LabelRendering | undefined {
    const entries = this.byLabel.get(id);
    if (!entries) return undefined;
    if (entries.length === 1) return entries[0].rendering;
    let best = entries[0];
    let bestAt = clusters.indexOf(best.cluster);
    for (const e of entries.slice(1)) {
      const at = clusters.indexOf(e.cluster);
      if (at > bestAt) {
        best = e;
        bestAt = at;
      }
    }
    return best.rendering;
  }

  private add(c: StatementCluster): void {
    if (this.held.has(c)) return;
    this.held.add(c);
    if (c.documentCount < 2) return;
    this.acrossDocuments++;
    const last = new Map<string, { clusterId: string; kind: RenderingKind | 'reference' }>();
    for (const r of c.renderings) if (r.label) last.set(r.label.id, { clusterId: c.id, kind: r.isReference ? 'reference' : r.kind });
    for (const [label, rendering] of last) {
      const entries = this.byLabel.get(label);
      if (entries) entries.push({ cluster: c, rendering });
      else this.byLabel.set(label, [{ cluster: c, rendering }]);
    }
  }

  private remove(c: StatementCluster): void {
    if (!this.held.delete(c)) return;
    if (c.documentCount < 2) return;
    this.acrossDocuments--;
    for (const r of c.renderings) {
      if (!r.label) continue;
      const entries = this.byLabel.get(r.label.id);
      if (!entries) continue;
      const left = entries.filter((e) => e.cluster !== c);
      if (left.length) this.byLabel.set(r.label.id, left);
      else this.byLabel.delete(r.label.id);
    }
  }
}
