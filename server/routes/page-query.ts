import { CursorSigner } from '../store/cursor.js';
import { InvalidQueryError } from '../store/repository.js';

/** Largest page of an in-memory list (speakers, statements, an outlet's documents). */
export const MAX_PAGE = 1000;

/** Largest page of a document's revisions (and default when `limit` is given without a value). */
export const MAX_REVISIONS_PAGE = 1000;
/** Largest page of a document's events or history lines. */
export const MAX_EVENTS_PAGE = 1000;
/** History lines on one page of `/documents/:id/history` (newest first); the editor shows as many. */
export const HISTORY_HTML_PAGE = 50;
/** Revisions on one page of the revisions HTML page (newest first). */
export const REVISIONS_HTML_PAGE = 50;

/** `limit` of a query string: absent, or a whole number from 1 to `max`; anything else is a 400. */
export function pageLimit(raw: unknown, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = typeof raw === 'string' && /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidQueryError(`limit must be a whole number from 1 to ${max}, not ${JSON.stringify(String(raw).slice(0, 20))}`);
  return n;
}

/**
 * Pages of a list that only grows at its end (a document's revisions): the cursor, signed, holds
 * the number of rows already given and the list it belongs to.
 */
export class AppendOnlyPager {
  private readonly cursors = new CursorSigner();

  page<T>(rows: Pick<readonly T[], 'length' | 'slice'>, listKey: string, query: { cursor?: unknown; limit?: unknown }, max: number, fallback = max): { items: T[]; total: number; next: string | null } {
    const limit = pageLimit(query.limit, max) ?? fallback;
    let offset = 0;
    if (query.cursor !== undefined) {
      if (typeof query.cursor !== 'string') throw new InvalidQueryError('cursor must be given once');
      const at = this.cursors.open(query.cursor, listKey);
      if (typeof at !== 'number' || !Number.isInteger(at) || at < 0) throw new InvalidQueryError('the cursor does not hold a position');
      offset = at;
    }
    const items = rows.slice(offset, offset + limit);
    const next = offset + limit < rows.length ? this.cursors.sign(listKey, offset + limit) : null;
    return { items, total: rows.length, next };
  }

  /**
   * The same list newest first: the cursor holds how many of the oldest rows are still to show, so
   * rows added at the end meanwhile do not shift the next page.
   */
  pageNewestFirst<T>(rows: T[], listKey: string, query: { cursor?: unknown; limit?: unknown }, max: number, fallback = max): { items: T[]; total: number; next: string | null } {
    const limit = pageLimit(query.limit, max) ?? fallback;
    let end = rows.length;
    if (query.cursor !== undefined) {
      if (typeof query.cursor !== 'string') throw new InvalidQueryError('cursor must be given once');
      const at = this.cursors.open(query.cursor, `${listKey}:newest-first`);
      if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at > rows.length) throw new InvalidQueryError('the cursor does not hold a position');
      end = at;
    }
    const start = Math.max(0, end - limit);
    const items = rows.slice(start, end).reverse();
    return { items, total: rows.length, next: start > 0 ? this.cursors.sign(`${listKey}:newest-first`, start) : null };
  }
}

/** A row's place in a sorted list, as a cursor keeps it (JSON: strings and numbers). */
export type SortKeyTuple = Array<string | number>;

/**
 * Pages of a list kept in memory in a stable order (`cmp` over `keyOf`, which must tell any two rows
 * apart: end it with an id): the signed cursor holds the key of the last row given, so rows added or
 * removed meanwhile do not shift the next page.
 */
export class SortedPager {
  private readonly cursors = new CursorSigner();

  page<T>(
    rows: T[],
    listKey: string,
    query: { cursor?: unknown; limit?: unknown },
    options: { max: number; fallback: number; keyOf: (row: T) => SortKeyTuple; cmp: (a: SortKeyTuple, b: SortKeyTuple) => number },
  ): { items: T[]; total: number; next: string | null; limit: number } {
    const limit = pageLimit(query.limit, options.max) ?? options.fallback;
    let start = 0;
    if (query.cursor !== undefined) {
      if (typeof query.cursor !== 'string') throw new InvalidQueryError('cursor must be given once');
      const after = this.cursors.open(query.cursor, listKey);
      if (!Array.isArray(after) || after.length === 0 || !after.every((v) => typeof v === 'string' || typeof v === 'number')) {
        throw new InvalidQueryError('the cursor does not hold a position');
      }
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (options.cmp(options.keyOf(rows[mid]), after as SortKeyTuple) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const items = rows.slice(start, start + limit);
    const last = items[items.length - 1];
    const next = last !== undefined && start + limit < rows.length ? this.cursors.sign(listKey, options.keyOf(last)) : null;
    return { items, total: rows.length, next, limit };
  }
}

/** Compares two strings by code point (a stable order for ids). */
export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
