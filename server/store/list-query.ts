import {
  DEFAULT_PAGE_SIZE, DOCUMENT_STATUSES, InvalidQueryError, MAX_PAGE_SIZE, SORT_KEYS,
  type DocumentSummary, type ListQuery, type SortKey,
} from './repository.js';

/** A list query checked and with its defaults filled in. */
export interface CheckedListQuery {
  sort: SortKey;
  order: 'asc' | 'desc';
  limit: number;
  outlet?: string;
  from?: string;
  to?: string;
  status?: string;
  /** Only these document ids. */
  only?: string[];
  /** What a cursor of this query is signed for: the sort and every filter. */
  key: string;
}

/** Checks a list query for every backend (same defaults, same messages); throws InvalidQueryError. */
export function checkListQuery(query: ListQuery): CheckedListQuery {
  const sort = query.sort ?? 'date';
  if (!(SORT_KEYS as readonly string[]).includes(sort)) {
    throw new InvalidQueryError(`unknown sort key "${String(sort).slice(0, 40)}"; sort by one of ${SORT_KEYS.join(', ')}`);
  }
  const order = query.order ?? (sort === 'date' || sort === 'labels' ? 'desc' : 'asc');
  if (order !== 'asc' && order !== 'desc') throw new InvalidQueryError(`unknown order "${String(order).slice(0, 40)}"; use asc or desc`);
  const limit = pageSize(query.limit, DEFAULT_PAGE_SIZE);
  if (query.status !== undefined && !(DOCUMENT_STATUSES as readonly string[]).includes(query.status)) {
    throw new InvalidQueryError(`unknown status "${String(query.status).slice(0, 40)}"; use one of ${DOCUMENT_STATUSES.join(', ')}`);
  }
  for (const [name, value] of [['from', query.from], ['to', query.to]] as const) {
    if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidQueryError(`"${name}" must be a date written YYYY-MM-DD`);
  }
  const key = JSON.stringify(['list', sort, order, query.outlet ?? null, query.from ?? null, query.to ?? null, query.status ?? null, query.only?.name ?? null]);
  const only = query.only ? [...query.only.ids] : undefined;
  return { sort, order, limit, outlet: query.outlet, from: query.from, to: query.to, status: query.status, only, key };
}

export function pageSize(limit: number | undefined, fallback: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidQueryError(`the page size must be a whole number from 1 to ${MAX_PAGE_SIZE}, not ${String(limit).slice(0, 20)}`);
  }
  return limit;
}

/** The value a summary sorts by; the same as the lowdb store's, so cursors mean the same on both. */
export function sortValue(s: DocumentSummary, sort: SortKey): string | number {
  switch (sort) {
    case 'date':
      return s.publishedAt ?? '';
    case 'title':
      return s.title.toLowerCase();
    case 'outlet':
      return (s.outlet ?? '').toLowerCase();
    case 'labels':
      return s.labelCount;
    case 'status':
      return DOCUMENT_STATUSES.indexOf(s.status);
  }
}
