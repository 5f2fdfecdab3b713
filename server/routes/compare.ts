import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { FilteredClusters, filterClusters, type ClusterFilter } from '../domain/compare/filters.js';
import { compareServiceOf } from '../services/outlets.js';
import type { StatementCluster } from '../domain/compare/types.js';
import { typeName } from '../domain/label-types.js';
import { badRequest, notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { statementsNow } from './statement-index-state.js';
import type { CompareSnapshot } from '../services/compare.js';
import { AppendOnlyPager, MAX_PAGE } from './page-query.js';
import { occurrenceOf, queryWords, searchStatements, type PassageHit } from '../domain/compare/search.js';
import { sameName } from '../domain/compare/names.js';

const optionalName = z
  .string()
  .max(200, 'must be at most 200 characters')
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

const filterSchema = z.object({
  speaker: optionalName,
  outlet: optionalName,
  type: optionalName,
  minDocuments: z.enum(['1', '2'], { message: 'must be 1 (also repeats inside one document) or 2' }).optional(),
  q: z.string().max(200, 'must be at most 200 characters').transform((s) => s.trim()).optional(),
});

/** Statements on one page of /compare (`limit` 1 to MAX_PAGE); `/api/compare` gives MAX_PAGE a page. */
export const COMPARE_PAGE = 200;

/** Statement ids are "s" and 12 hex digits (see build-cluster.ts). */
const CLUSTER_ID = /^s[0-9a-f]{12}$/;

/** The cluster as the JSON API gives it; offsets are UTF-16 code units into revision `rev`. */
export function clusterJson(c: StatementCluster) {
  return {
    id: c.id,
    url: `/compare/${c.id}`,
    documentCount: c.documentCount,
    renderingCount: c.renderings.length,
    labelledCount: c.labelledCount,
    speakers: c.speakers,
    outlets: c.outlets,
    types: c.types,
    firstDate: c.firstDate ?? null,
    lastDate: c.lastDate ?? null,
    renderings: c.renderings.map(({ words: _words, ...r }) => ({ ...r, outlet: r.outlet ?? null, publishedAt: r.publishedAt ?? null })),
  };
}

/** A passage found by search, in the shape of a statement of one rendering (`id` null: it is no matched statement). */
function passageJson(p: PassageHit) {
  return {
    id: null,
    match: 'passage',
    url: p.label ? `/documents/${p.documentId}#label-${p.label.id}` : `/documents/${p.documentId}`,
    documentCount: 1,
    renderingCount: 1,
    labelledCount: p.label ? 1 : 0,
    speakers: p.label?.speaker ? [p.label.speaker] : [],
    outlets: p.outlet ? [p.outlet] : [],
    types: p.label ? [p.label.type] : [],
    firstDate: p.publishedAt ?? null,
    lastDate: p.publishedAt ?? null,
    renderings: [{ documentId: p.documentId, title: p.title, outlet: p.outlet ?? null, publishedAt: p.publishedAt ?? null, rev: p.rev, start: p.start, end: p.end, text: p.text, quoted: p.quoted, label: p.label, occurrence: p.occurrence }],
  };
}

export function compareRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();
  const pager = new AppendOnlyPager();
  const service = compareServiceOf(store);

  const filterOf = (req: Request): ClusterFilter => {
    const q = parseWith(filterSchema, req.query, 'query');
    if (q.type && !project.hasType(q.type)) {
      throw badRequest(`type: unknown label type "${q.type}"; known types: ${project.labelTypes().map((t) => t.id).join(', ')}`, 'invalid_input');
    }
    if (q.q && queryWords(q.q).length === 0 && q.q.length < 2) throw badRequest('q: type at least one word of the statement, or a speaker or outlet name', 'invalid_input');
    return { speaker: q.speaker, outlet: q.outlet, type: q.type, minDocuments: Number(q.minDocuments ?? '2'), ...(q.q ? { q: q.q } : {}) };
  };

  /**
   * The statements of a snapshot that pass `filter` (no `q`), read a page at a time and kept for the
   * next pages of the same list (a few lists per snapshot); counted without looking through them
   * when only `minDocuments` is given (the snapshot knows how many are across documents).
   */
  const filtered = new WeakMap<StatementCluster[], Map<string, FilteredClusters>>();
  const statementsOf = (snap: CompareSnapshot, filter: ClusterFilter): FilteredClusters => {
    let lists = filtered.get(snap.clusters);
    if (!lists) filtered.set(snap.clusters, (lists = new Map()));
    const key = JSON.stringify(filter);
    let list = lists.get(key);
    if (!list) {
      const plain = !filter.speaker && !filter.outlet && !filter.type;
      const known = !plain ? undefined : filter.minDocuments >= 2 ? snap.acrossDocuments : filter.minDocuments <= 1 ? snap.clusters.length : undefined;
      if (lists.size >= 16) lists.delete(lists.keys().next().value!);
      lists.set(key, (list = new FilteredClusters(snap.clusters, filter, known)));
    }
    return list;
  };

  /** With `q`: statements (all, repeats inside one document too) and passages matching it, then the other filters. */
  const search = (snap: CompareSnapshot, filter: ClusterFilter & { q?: string }): { statements: Pick<readonly StatementCluster[], 'length' | 'slice'>; passages: PassageHit[] } => {
    if (!filter.q) return { statements: statementsOf(snap, filter), passages: [] };
    const found = searchStatements(snap.docs, snap.clusters, filter.q);
    return { statements: filterClusters(found.statements, { ...filter, minDocuments: 1 }), passages: found.passages.filter((p) => (!filter.outlet || sameName(p.outlet, filter.outlet)) && (!filter.speaker || sameName(p.label?.speaker, filter.speaker)) && (!filter.type || p.label?.type === filter.type)) };
  };

  /** The statement asked for, with the snapshot it was found in. */
  const clusterOf = async (req: Request, res: Response): Promise<{ cluster: StatementCluster; snap: CompareSnapshot }> => {
    const id = String(req.params.clusterId);
    const snap = CLUSTER_ID.test(id) ? await statementsNow(service, res) : null;
    const cluster = snap?.byId.get(id);
    if (!snap || !cluster) throw notFound(`no statement with id "${id.slice(0, 100)}": the documents may have changed since the link was made`);
    return { cluster, snap };
  };

  // Without `limit` or `cursor`: an array of at most MAX_PAGE (statements, then passages found by
  // `q`) with `X-Total-Count` and a Link header to the rest; with either: { items, total, next }.
  // Only the page's statements are turned into JSON.
  router.get('/api/compare', async (req, res) => {
    const filter = filterOf(req);
    const found = search(await statementsNow(service, res), filter);
    const rows: Pick<ReadonlyArray<StatementCluster | PassageHit>, 'length' | 'slice'> = found.passages.length ? [...found.statements.slice(0, found.statements.length), ...found.passages] : found.statements;
    const paged = req.query.limit !== undefined || req.query.cursor !== undefined;
    const page = pager.page(rows, `api-compare:${JSON.stringify(filter)}`, req.query, MAX_PAGE);
    const passages = new Set<unknown>(found.passages);
    const items = page.items.map((r) => (passages.has(r) ? passageJson(r as PassageHit) : { ...clusterJson(r as StatementCluster), match: 'statement' }));
    res.set('X-Total-Count', String(page.total));
    if (page.next) {
      const params = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
      params.set('limit', String(items.length));
      params.set('cursor', page.next);
      res.set('Link', `</api/compare?${params}>; rel="next"`);
    }
    res.json(paged ? { items, total: page.total, next: page.next } : items);
  });

  router.get('/api/compare/:clusterId', async (req, res) => {
    res.json(clusterJson((await clusterOf(req, res)).cluster));
  });

  router.get('/compare', async (req, res) => {
    const filter = filterOf(req);
    const snap = await statementsNow(service, res);
    const { statements: clusters, passages } = search(snap, filter);
    // The cursor holds a position in the list as the statement index orders it (biggest first).
    const page = pager.page(clusters, `compare:${JSON.stringify(filter)}`, req.query, MAX_PAGE, COMPARE_PAGE);
    const params = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => [k, String(v)]));
    if (page.next) {
      params.set('limit', String(page.items.length));
      params.set('cursor', page.next);
    }
    res.render('compare/index', {
      passages,
      title: 'Compare framing',
      filter,
      clusters: page.items,
      nextUrl: page.next ? `/compare?${params}` : null,
      matching: clusters.length,
      total: snap.acrossDocuments,
      stats: snap.stats,
      outlets: snap.outlets(),
      speakers: snap.speakers(),
      types: project.labelTypes(),
    });
  });

  router.get('/compare/:clusterId', async (req, res) => {
    const { cluster, snap } = await clusterOf(req, res);
    const types = project.labelTypes();
    const occurrence = (r: { documentId: string; start: number; text: string }) => occurrenceOf(snap.document(r.documentId)?.text ?? '', r.text, r.start);
    res.render('compare/show', { title: 'Statement', mainClass: 'wide', cluster, occurrence, types, typeName: (id: string) => typeName(types, id) });
  });

  return router;
}
