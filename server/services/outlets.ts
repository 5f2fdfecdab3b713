import type { Corpus } from '../store/corpus.js';
import { CompareService, INDEX_SLICE_MS, type CompareSnapshot } from './compare.js';
import type { CorpusDocument } from '../domain/compare/types.js';
import type { OutletFigures } from '../domain/compare/outlet-figures.js';
import type { StatementCluster } from '../domain/compare/types.js';
import { OutletSums, clusterTally, documentFigures, type DocumentFigures, type RenderingTally } from '../domain/compare/outlet-sums.js';
import { clusterChanges } from '../domain/compare/cluster-changes.js';

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

/** Documents' figures or statements' tallies counted between two checks of the clock while the outlet table catches up. */
const CATCH_UP_BATCH = 64;

type Table = { snapshot: CompareSnapshot; rows: OutletFigures[]; months: OutletFigures[] };

/** Turns of the event loop the outlet table's catch-ups gave (tests read it). */
export const outletCatchUps = { runs: 0, turns: 0 };

/**
 * The outlet table kept as sums (domain/compare/outlet-sums.ts): the figures of each document the
 * compare index re-read are replaced, the rendering tallies of statements formed or dropped are
 * added or subtracted; rows are read from the sums. So /outlets after a save costs the documents
 * touched and the outlets, not the corpus.
 *
 * The sums catch up with a published snapshot in slices of at most INDEX_SLICE_MS, with a turn of
 * the event loop between (the first catch-up after a start reads every document's figures: about
 * 3.5 s at 100,000 documents, which held every other request that long when done in one piece).
 * Once a table has been asked for, each later update's catch-up starts as soon as the update is
 * published, so the request after an import or a save usually finds the table ready; a request
 * arriving during a catch-up waits for it (other requests are answered meanwhile).
 */
export class OutletIndex {
  private readonly figures = new Map<string, DocumentFigures>();
  private readonly sums = new OutletSums();
  /** Each statement's tally, with the number of the catch-up that last found it among the snapshot's statements. */
  private readonly tallies = new Map<StatementCluster, { tally: RenderingTally[]; seen: number }>();
  private passes = 0;
  private clusters: StatementCluster[] | null = null;
  private readonly pending: { id: string; after: CorpusDocument | null }[] = [];
  private table: Table | null = null;
  private running: Promise<Table> | null = null;

  /** `sliceMs`: longest stretch of a catch-up between two turns of the event loop (INDEX_SLICE_MS; tests set 0). */
  constructor(
    private readonly compare: CompareService,
    private readonly options: { sliceMs?: number } = {},
  ) {
    compare.onUpdate((changes) => {
      for (const c of changes) this.pending.push({ id: c.id, after: c.after });
      // Catch up at once, but only once someone has looked at the table (it holds figures of every document).
      if (this.table) void this.catchUp().catch(() => undefined);
    });
  }

  async current(): Promise<Table> {
    // The newest snapshot published (see CompareService.answer: it may be the last consistent one
    // while an update runs); the change feed above holds exactly the documents published with it.
    const snapshot = this.compare.latest ?? (await this.compare.snapshot());
    if (this.table?.snapshot === snapshot && this.pending.length === 0) return this.table;
    return this.catchUp();
  }

  /** One catch-up at a time; it goes on until the sums describe the newest snapshot. */
  private catchUp(): Promise<Table> {
    return (this.running ??= this.run().finally(() => (this.running = null)));
  }

  private async run(): Promise<Table> {
    outletCatchUps.runs++;
    let since = performance.now();
    const turn = async () => {
      if (performance.now() - since < (this.options.sliceMs ?? INDEX_SLICE_MS)) return;
      outletCatchUps.turns++;
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    };
    for (;;) {
      // The snapshot and the documents published with it (and before it), taken together: updates
      // published while this runs are caught up with in the next round.
      const snapshot = this.compare.latest!;
      const changes = this.pending.splice(0);
      for (let at = 0; at < changes.length; at++) {
        const { id, after } = changes[at];
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
        if (at % CATCH_UP_BATCH === CATCH_UP_BATCH - 1) await turn();
      }
      // Statements never change once formed: a document's change forms its statements again as new
      // ones. The statements formed and dropped since the last catch-up are found in one walk of
      // both lists (cluster-changes.ts: a pointer comparison a statement where a map lookup each
      // took 20-30 ms at 100,000 documents); when that walk cannot tell, every statement is marked.
      const statements = this.clusters !== snapshot.clusters ? clusterChanges(this.clusters ?? [], snapshot.clusters, (c) => this.tallies.has(c)) : null;
      if (statements) {
        for (let i = 0; i < statements.dropped.length; i++) {
          const c = statements.dropped[i];
          this.sums.renderings(this.tallies.get(c)!.tally, -1);
          this.tallies.delete(c);
          if (i % CATCH_UP_BATCH === CATCH_UP_BATCH - 1) await turn();
        }
        for (let i = 0; i < statements.added.length; i++) {
          const c = statements.added[i];
          const tally = clusterTally(c, (id) => this.figures.get(id));
          this.tallies.set(c, { tally, seen: this.passes });
          this.sums.renderings(tally, 1);
          if (i % CATCH_UP_BATCH === CATCH_UP_BATCH - 1) await turn();
        }
        this.clusters = snapshot.clusters;
      } else if (this.clusters !== snapshot.clusters) {
        // Statements the snapshot holds are marked with this pass (and tallied when new); those left
        // unmarked were dropped.
        const pass = ++this.passes;
        const list = snapshot.clusters;
        for (let i = 0; i < list.length; i++) {
          const c = list[i];
          const held = this.tallies.get(c);
          if (held) held.seen = pass;
          else {
            const tally = clusterTally(c, (id) => this.figures.get(id));
            this.tallies.set(c, { tally, seen: pass });
            this.sums.renderings(tally, 1);
          }
          if (i % (CATCH_UP_BATCH * 16) === CATCH_UP_BATCH * 16 - 1) await turn();
        }
        let n = 0;
        for (const [c, held] of this.tallies) {
          if (held.seen !== pass) {
            this.sums.renderings(held.tally, -1);
            this.tallies.delete(c);
          }
          if (++n % (CATCH_UP_BATCH * 16) === 0) await turn();
        }
        this.clusters = list;
      }
      if (this.compare.latest === snapshot && this.pending.length === 0) {
        this.table = { snapshot, rows: this.sums.rows(), months: this.sums.months() };
        return this.table;
      }
    }
  }
}
