import type { Corpus } from '../store/corpus.js';
import { CompareService, type CompareSnapshot } from './compare.js';
import type { OutletFigures } from '../domain/compare/outlet-figures.js';
import type { StatementCluster } from '../domain/compare/types.js';
import { OutletSums, clusterTally, documentFigures, type DocumentFigures, type RenderingTally } from '../domain/compare/outlet-sums.js';

const services = new WeakMap<Corpus, { compare: CompareService; outlets: OutletIndex }>();

function of(store: Corpus) {
  let s = services.get(store);
  if (!s) {
    const compare = new CompareService(store, { storage: store.statementIndex, refreshAfterChangeMs: 200 });
    s = { compare, outlets: new OutletIndex(compare) };
    services.set(store, s);
  }
  return s;
}

/** Stops the store's statement index's background work, if it has one (see CompareService.settle). */
export async function settleCompareService(store: Corpus): Promise<void> {
  await services.get(store)?.compare.settle();
}

/** One statement-matching index per document store, shared by /compare, /outlets and /speakers. */
export function compareServiceOf(store: Corpus): CompareService {
  return of(store).compare;
}

/**
 * The outlet table over the corpus as the latest statement snapshot holds it (routes ask
 * `statementsNow` first, which says whether that is up to date): one row per outlet, and one per
 * outlet and month.
 */
export async function outletFigures(store: Corpus): Promise<{ snapshot: CompareSnapshot; rows: OutletFigures[]; months: OutletFigures[] }> {
  return of(store).outlets.current();
}

/**
 * The outlet table kept as sums (domain/compare/outlet-sums.ts): the figures of each document the
 * compare index re-read are replaced, the rendering tallies of statements formed or dropped are
 * added or subtracted; rows are read from the sums. So /outlets after a save costs the documents
 * touched and the outlets, not the corpus.
 */
class OutletIndex {
  private readonly figures = new Map<string, DocumentFigures>();
  private readonly sums = new OutletSums();
  private readonly tallies = new Map<StatementCluster, RenderingTally[]>();
  private clusters: StatementCluster[] | null = null;
  private readonly pending: { id: string; after: import('../domain/compare/types.js').CorpusDocument | null }[] = [];
  private table: { snapshot: CompareSnapshot; rows: OutletFigures[]; months: OutletFigures[] } | null = null;

  constructor(private readonly compare: CompareService) {
    compare.onUpdate((changes) => {
      for (const c of changes) this.pending.push({ id: c.id, after: c.after });
    });
  }

  async current(): Promise<{ snapshot: CompareSnapshot; rows: OutletFigures[]; months: OutletFigures[] }> {
    // The newest snapshot published (see CompareService.answer: it may be the last consistent one
    // while an update runs); the change feed above holds exactly the documents published with it.
    const snapshot = this.compare.latest ?? (await this.compare.snapshot());
    if (this.table?.snapshot === snapshot && this.pending.length === 0) return this.table;
    for (const { id, after } of this.pending.splice(0)) {
      const old = this.figures.get(id);
      if (old) {
        this.sums.document(old, -1);
        this.figures.delete(id);
      }
      const f = after ? documentFigures(after) : null;
      if (f) {
        this.figures.set(id, f);
        this.sums.document(f, 1);
      }
    }
    if (this.clusters !== snapshot.clusters) {
      const now = new Set(snapshot.clusters);
      for (const [c, tally] of this.tallies) {
        if (now.has(c)) continue;
        this.sums.renderings(tally, -1);
        this.tallies.delete(c);
      }
      for (const c of snapshot.clusters) {
        if (this.tallies.has(c)) continue;
        const tally = clusterTally(c, (id) => this.figures.get(id));
        this.tallies.set(c, tally);
        this.sums.renderings(tally, 1);
      }
      this.clusters = snapshot.clusters;
    }
    this.table = { snapshot, rows: this.sums.rows(), months: this.sums.months() };
    return this.table;
  }
}
