import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { stringify } from 'csv-stringify/sync';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { compareServiceOf, outletFigures } from '../services/outlets.js';
import { outletStats } from '../domain/compare/outlet-stats.js';
import { OUTLET_COLUMNS, SORTABLE, csvRows, sortRows } from '../domain/compare/outlet-columns.js';
import { monthChart } from '../domain/compare/month-chart.js';
import { barChart } from '../domain/compare/bar-chart.js';
import { typeName } from '../domain/label-types.js';
import { sameName } from '../domain/compare/names.js';
import { notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { statementsNow } from './statement-index-state.js';
import { byCodePoint, MAX_PAGE, SortedPager, type SortKeyTuple } from './page-query.js';

/** Documents on one page of an outlet's document list (`/outlets/:name`). */
export const OUTLET_DOCUMENTS_PAGE = 50;

/** Newest first (undated last), then by id: the order of an outlet's document list and of its cursors. */
const documentKey = (d: { publishedAt?: string; id: string }): SortKeyTuple => [d.publishedAt ?? '', d.id];
const documentOrder = (a: SortKeyTuple, b: SortKeyTuple) => byCodePoint(String(b[0]), String(a[0])) || byCodePoint(String(a[1]), String(b[1]));

/** Figures the month chart can draw: share columns only. */
const CHARTABLE = OUTLET_COLUMNS.filter((c) => c.share).map((c) => c.id) as [string, ...string[]];

const tableQuery = z.object({
  sort: z.enum(SORTABLE as [string, ...string[]], { message: `must be one of ${SORTABLE.join(', ')}` }).optional(),
  dir: z.enum(['asc', 'desc'], { message: 'must be asc or desc' }).optional(),
  by: z.enum(['outlet', 'month'], { message: 'must be outlet or month' }).optional(),
  format: z.enum(['json', 'csv'], { message: 'must be json or csv' }).optional(),
  figure: z.enum(CHARTABLE, { message: `must be one of ${CHARTABLE.join(', ')}` }).optional(),
});

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/** /outlets (comparison table and month chart), /outlets/:name, GET /api/outlets (JSON or CSV). */
export function outletRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();
  const documentPager = new SortedPager();

  const table = async (req: Request, res: Response) => {
    const q = parseWith(tableQuery, req.query, 'query');
    await statementsNow(compareServiceOf(store), res);
    const { rows, months } = await outletFigures(store);
    const sort = q.sort ?? 'outlet';
    const dir = q.dir ?? (sort === 'outlet' ? 'asc' : 'desc');
    return { q, sort, dir, rows: sortRows(q.by === 'month' ? months : rows, sort, dir), months };
  };

  router.get('/api/outlets', async (req, res) => {
    const { q, rows } = await table(req, res);
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(q.by === 'month' ? 'outlets-by-month.csv' : 'outlets.csv').send(stringify(csvRows(rows)));
      return;
    }
    res.json(rows);
  });

  router.get('/outlets', async (req, res) => {
    const { q, sort, dir, rows, months } = await table(req, res);
    const figure = q.figure ?? 'loadedVerbs';
    const column = OUTLET_COLUMNS.find((c) => c.id === figure)!;
    const chart = monthChart(
      months.map((m) => {
        const s = column.share!(m);
        return { outlet: m.outlet, month: m.month!, value: s.share, text: `${m.outlet} ${m.month}: ${pct(s.share)} (${s.count} of ${s.n})` };
      }),
    );
    res.render('outlets/index', { title: 'Outlets', rows, columns: OUTLET_COLUMNS, sort, dir, by: q.by ?? 'outlet', figure, chartable: OUTLET_COLUMNS.filter((c) => c.share), chart, pct });
  });

  router.get('/outlets/:name', async (req, res) => {
    const name = String(req.params.name);
    const snap = await statementsNow(compareServiceOf(store), res);
    const types = project.labelTypes();
    const stats = outletStats(snap.docs, snap.clusters, name, types.map((t) => t.id));
    if (!stats) throw notFound(`no document has the outlet "${name.slice(0, 200)}"`);
    const sorted = [...stats.documents].sort((a, b) => documentOrder(documentKey(a), documentKey(b)));
    const page = documentPager.page(sorted, `outlet-documents:${name}`, req.query, { max: MAX_PAGE, fallback: OUTLET_DOCUMENTS_PAGE, keyOf: documentKey, cmp: documentOrder });
    const nextUrl = page.next ? `/outlets/${encodeURIComponent(name)}?limit=${page.limit}&cursor=${encodeURIComponent(page.next)}` : null;
    const { rows, months } = await outletFigures(store);
    const row = rows.find((r) => sameName(r.outlet, name))!;
    const charts = {
      textShare: barChart(
        (['quote', 'claim', 'opinion'] as const).map((k, i) => ({ label: typeName(types, ['direct-quote', 'reported-claim', 'opinion'][i]), value: row.text[k].share ?? 0, valueText: `${pct(row.text[k].share)} (${row.text[k].count}/${row.text[k].n})`, cls: `bar t-${['direct-quote', 'reported-claim', 'opinion'][i]}` })),
        { max: Math.max(0.0001, ...(['quote', 'claim', 'opinion'] as const).map((k) => row.text[k].share ?? 0)) },
      ),
      cues: barChart(row.verbs.top.map((v) => ({ label: `${v.verb} (${v.cls})`, value: v.count, cls: `bar cue verb-${v.cls}` }))),
      shared: barChart((['verbatim', 'cut', 'altered'] as const).map((kind) => ({ label: kind, value: row.rendering[kind], cls: `bar k-${kind}` }))),
    };
    res.render('outlets/show', {
      charts,
      title: stats.outlet,
      stats,
      documents: page.items,
      nextUrl,
      row,
      months: months.filter((m) => sameName(m.outlet, name)),
      columns: OUTLET_COLUMNS,
      pct,
      typeName: (id: string) => typeName(types, id),
    });
  });

  return router;
}
