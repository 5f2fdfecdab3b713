import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DocumentRecord } from '../domain/types.js';
import { MAX_PAGE_SIZE, type DocumentRepository, type DocumentSummary } from '../store/repository.js';

/**
 * Every document's summary, a page of the catalogue at a time (no document is read), in title
 * order. A document added or removed during the pass may or may not be met.
 */
export async function* everySummary(store: DocumentRepository): AsyncGenerator<DocumentSummary> {
  let cursor: string | undefined;
  do {
    const page = await store.listPage({ sort: 'title', limit: MAX_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.next ?? undefined;
  } while (cursor);
}

/**
 * The documents whose summary `wanted` keeps (all by default), read one at a time through the
 * repository (its cache bounds memory), with a turn of the event loop after each, so a pass over
 * a large corpus never holds up other requests. Documents deleted meanwhile are skipped.
 */
export async function* everyDocument(store: DocumentRepository, wanted: (s: DocumentSummary) => boolean = () => true): AsyncGenerator<DocumentRecord> {
  for await (const summary of everySummary(store)) {
    if (!wanted(summary)) continue;
    const doc = await store.getDocument(summary.id);
    if (doc) yield doc;
    await nextTurn();
  }
}
