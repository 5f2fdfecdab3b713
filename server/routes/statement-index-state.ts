import type { Response } from 'express';
import type { CompareService, CompareSnapshot } from '../services/compare.js';
import { HttpError } from '../http-error.js';

/** Seconds a client is asked to wait before asking again while the statement index is first built. */
export const BUILDING_RETRY_AFTER_S = 5;

/**
 * The statements to show on /compare, /outlets and the speaker pages, without waiting for long
 * index work (CompareService.answer). Every answer says what it shows in the `Statement-Index`
 * header: `ready`, or `updating; pending=N` (the last consistent index while N changed documents
 * are indexed; pages show the same as a note above the content). While the first build runs there
 * is nothing to show: a 503 "being built, N of M documents" with Retry-After.
 */
export async function statementsNow(service: CompareService, res: Response): Promise<CompareSnapshot> {
  const a = await service.answer();
  if (a.state === 'building') {
    res.set('Statement-Index', `building; done=${a.done}; total=${a.total}`);
    res.set('Retry-After', String(BUILDING_RETRY_AFTER_S));
    throw new HttpError(
      503,
      'index_building',
      `the statement index is being built: ${a.done.toLocaleString('en')} of ${a.total.toLocaleString('en')} documents read so far; try again in a few seconds`,
      { done: a.done, total: a.total },
    );
  }
  if (a.state === 'updating') {
    res.set('Statement-Index', `updating; pending=${a.pending}`);
    res.locals.indexNote = `Updating: ${a.pending.toLocaleString('en')} changed documents are being indexed; this shows the statements as they were before these changes.`;
  } else res.set('Statement-Index', 'ready');
  return a.snapshot;
}
