import type { DocumentStore } from '../store/document-store.js';
import { CompareService, type CompareSnapshot } from './compare.js';
import { outletMonths, outletTable, type OutletFigures } from '../domain/compare/outlet-figures.js';

const services = new WeakMap<DocumentStore, CompareService>();

/** One statement-matching cache per document store, shared by /compare, /outlets and /speakers. */
export function compareServiceOf(store: DocumentStore): CompareService {
  let s = services.get(store);
  if (!s) {
    s = new CompareService(store);
    services.set(store, s);
  }
  return s;
}

/** The outlet table over the corpus as it is now: one row per outlet, and one per outlet and month. */
export async function outletFigures(store: DocumentStore): Promise<{ snapshot: CompareSnapshot; rows: OutletFigures[]; months: OutletFigures[] }> {
  const snapshot = await compareServiceOf(store).snapshot();
  return { snapshot, rows: outletTable(snapshot.docs, snapshot.clusters), months: outletMonths(snapshot.docs, snapshot.clusters) };
}
