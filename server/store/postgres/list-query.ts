import type { SortKey } from '../repository.js';

export { checkListQuery, pageSize, sortValue, type CheckedListQuery } from '../list-query.js';

/** The SQL expression over the documents table that orders like `sortValue` (text compared by code point). */
export const SORT_SQL: Record<SortKey, string> = {
  date: "coalesce(published_at, '')",
  title: 'title_key',
  outlet: 'outlet_key',
  labels: 'label_count',
  status: 'status_rank',
};

/** Whether a sort's values are numbers (else text). */
export const NUMERIC_SORT: Record<SortKey, boolean> = { date: false, title: false, outlet: false, labels: true, status: true };
