import type { OutletFigures, Share } from './outlet-figures.js';

/** A column of the outlet table and of its CSV: a name and how to read it off a row. */
export interface OutletColumn {
  id: string;
  title: string;
  value: (f: OutletFigures) => number | string | null;
  /** For shares: the count and n shown beside the percentage. */
  share?: (f: OutletFigures) => Share;
}

const s = (id: string, title: string, pick: (f: OutletFigures) => Share): OutletColumn => ({ id, title, value: (f) => pick(f).share, share: pick });
const sourcingShare = (f: OutletFigures, key: 'named' | 'anonymous' | 'document' | 'unattributed'): Share => ({
  count: f.sourcing.all[key],
  n: f.sourcing.all.n,
  share: f.sourcing.all.n ? f.sourcing.all[key] / f.sourcing.all.n : null,
});

/** The table's columns in order; ids are the `sort` values and CSV headers. */
export const OUTLET_COLUMNS: OutletColumn[] = [
  { id: 'outlet', title: 'Outlet', value: (f) => f.outlet },
  { id: 'documents', title: 'Documents', value: (f) => f.documents },
  { id: 'chars', title: 'Characters', value: (f) => f.chars },
  s('quoteText', 'Quote share of text', (f) => f.text.quote),
  s('claimText', 'Claim share of text', (f) => f.text.claim),
  s('opinionText', 'Opinion share of text', (f) => f.text.opinion),
  s('named', 'Named sourcing', (f) => sourcingShare(f, 'named')),
  s('anonymous', 'Anonymous sourcing', (f) => sourcingShare(f, 'anonymous')),
  s('document', 'Document sourcing', (f) => sourcingShare(f, 'document')),
  s('unattributed', 'Unattributed', (f) => sourcingShare(f, 'unattributed')),
  { id: 'quotes', title: 'Direct quotes', value: (f) => f.sourcing.quote.n },
  { id: 'claims', title: 'Reported claims', value: (f) => f.sourcing.claim.n },
  { id: 'quotesNamed', title: 'Quotes named', value: (f) => f.sourcing.quote.named },
  { id: 'quotesAnonymous', title: 'Quotes anonymous', value: (f) => f.sourcing.quote.anonymous },
  { id: 'claimsNamed', title: 'Claims named', value: (f) => f.sourcing.claim.named },
  { id: 'claimsAnonymous', title: 'Claims anonymous', value: (f) => f.sourcing.claim.anonymous },
  { id: 'verbatim', title: 'Shared: verbatim', value: (f) => f.rendering.verbatim },
  { id: 'cut', title: 'Shared: cut', value: (f) => f.rendering.cut },
  { id: 'altered', title: 'Shared: altered', value: (f) => f.rendering.altered },
  s('changed', 'Shared statements cut or altered', (f) => f.rendering.changed),
  s('loadedVerbs', 'Loaded attribution verbs', (f) => f.verbs.loaded),
  s('anonymousQuotes', 'Quotes with an anonymous source', (f) => f.anonymousQuotes),
  { id: 'speakers', title: 'Speakers quoted', value: (f) => f.speakers },
];

export const SORTABLE = OUTLET_COLUMNS.map((c) => c.id);

/** Rows sorted by a column; missing values (a share of nothing) always last, ties by outlet and month. */
export function sortRows(rows: OutletFigures[], column: string, dir: 'asc' | 'desc'): OutletFigures[] {
  const col = OUTLET_COLUMNS.find((c) => c.id === column);
  if (!col) throw new Error(`unknown column ${column}`);
  const sign = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const c = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    return sign * c || a.outlet.localeCompare(b.outlet) || (a.month ?? '').localeCompare(b.month ?? '');
  });
}

/** CSV header and rows (RFC 4180 quoting done by the caller's CSV library): shares as count, n and share columns. */
export function csvRows(rows: OutletFigures[]): (string | number)[][] {
  const header: string[] = ['outlet', 'month'];
  for (const c of OUTLET_COLUMNS.slice(1)) header.push(...(c.share ? [`${c.id}`, `${c.id}_count`, `${c.id}_n`] : [c.id]));
  const body = rows.map((f) => {
    const out: (string | number)[] = [f.outlet, f.month ?? ''];
    for (const c of OUTLET_COLUMNS.slice(1)) {
      if (c.share) {
        const sh = c.share(f);
        out.push(sh.share === null ? '' : Number(sh.share.toFixed(4)), sh.count, sh.n);
      } else out.push(c.value(f) ?? '');
    }
    return out;
  });
  return [header, ...body];
}
