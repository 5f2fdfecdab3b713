import type { Request, RequestHandler, Response } from 'express';
import type { DocumentRepository, DocumentSummary, ListQuery, Page } from '../store/repository.js';
import { InvalidCursorError, InvalidQueryError, MAX_PAGE_SIZE } from '../store/repository.js';
import { badRequest, HttpError } from '../http-error.js';
import type { TeamStore } from '../auth/team-store.js';
import type { UserStore } from '../auth/user-store.js';

/** Where the `assignee` filter looks: the team's assignments and the users that exist. */
export interface AssigneeSource {
  team: TeamStore;
  users: UserStore;
}

/**
 * Most documents `GET /api/documents` answers as a plain JSON array (no `limit`, no `cursor`);
 * past it the array holds the first ARRAY_CAP and a `Link: <…>; rel="next"` header gives the rest.
 */
export const ARRAY_CAP = MAX_PAGE_SIZE;
/** Rows on one page of the `/` document list. */
export const PAGE_ROWS = 50;

const LIST_PARAMS = ['sort', 'order', 'outlet', 'from', 'to', 'status', 'assignee'] as const;

/**
 * The list query of a request (`sort`, `order`, `outlet`, `from`, `to`, `status`, `assignee`, `cursor`,
 * `limit`); 400 when malformed, or when `assignee` names no user.
 */
export function listQueryOf(req: Request, assignees?: AssigneeSource): ListQuery {
  const q: Record<string, string> = {};
  for (const name of [...LIST_PARAMS, 'cursor', 'limit']) {
    const value = req.query[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw badRequest(`the "${name}" parameter may be given once`, 'invalid_query');
    q[name] = value;
  }
  let limit: number | undefined;
  if (q.limit !== undefined) {
    if (!/^\d{1,7}$/.test(q.limit) || Number(q.limit) < 1 || Number(q.limit) > MAX_PAGE_SIZE) {
      throw badRequest(`"limit" must be a whole number from 1 to ${MAX_PAGE_SIZE}, not "${q.limit.slice(0, 20)}"`, 'invalid_query');
    }
    limit = Number(q.limit);
  }
  if (req.blindAnnotator && (q.sort === 'labels' || q.sort === 'status' || q.status !== undefined)) {
    throw new HttpError(403, 'blind', 'blind labelling is on: annotators cannot sort or filter documents by their labels (counts and review status cover every annotator)');
  }
  const { assignee, ...rest } = q;
  return { ...rest, limit, ...(assignee !== undefined ? { only: assignedTo(assignee, assignees) } : {}) } as ListQuery;
}

/** The documents assigned to `username` (by the team's assignments); 400 when there is no such user. */
function assignedTo(username: string, assignees: AssigneeSource | undefined): NonNullable<ListQuery['only']> {
  if (!assignees) throw badRequest('this list cannot be filtered by assignee', 'invalid_query');
  if (!assignees.users.get(username)) throw badRequest(`"assignee" names no user: there is no user "${username.slice(0, 100)}"`, 'invalid_query');
  const ids = new Set<string>();
  for (const [docId, annotators] of Object.entries(assignees.team.allAssignments())) if (annotators[username]) ids.add(docId);
  return { name: `assignee:${username}`, ids };
}

/** Runs a repository query; its refusals (bad cursor, sort key, page size) become 400s with their message. */
export async function answering<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (err) {
    if (err instanceof InvalidCursorError || err instanceof InvalidQueryError) throw badRequest(err.message, err.code);
    throw err;
  }
}

/** The address of the next page: the same query with `cursor` (and `limit`) set. */
function nextUrl(req: Request, path: string, page: Page<unknown>, limit: number, extra: Record<string, string> = {}): string | null {
  if (!page.next) return null;
  const params = new URLSearchParams();
  for (const name of LIST_PARAMS) if (typeof req.query[name] === 'string' && req.query[name] !== '') params.set(name, req.query[name] as string);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  params.set('limit', String(limit));
  params.set('cursor', page.next);
  return `${path}?${params}`;
}

/** An array answer keeps its original fields; a page adds the review count and status. */
const arrayItem = ({ id, title, outlet, publishedAt, rev, labelCount }: DocumentSummary) => ({ id, title, outlet, publishedAt, rev, labelCount });
const pageItem = (s: DocumentSummary) => ({ ...arrayItem(s), reviewCount: s.reviewCount, status: s.status });
/**
 * Under blind labelling an annotator gets no label figures: the catalogue counts every annotator's
 * labels, which would tell them how much the others found.
 */
const withoutLabelFigures = <T extends { labelCount?: number; reviewCount?: number; status?: unknown }>({ labelCount: _l, reviewCount: _r, status: _s, ...rest }: T) => rest;
const itemsFor = (req: Request) => ({
  array: (s: DocumentSummary) => (req.blindAnnotator ? withoutLabelFigures(arrayItem(s)) : arrayItem(s)),
  page: (s: DocumentSummary) => (req.blindAnnotator ? withoutLabelFigures(pageItem(s)) : pageItem(s)),
});

/**
 * `GET /api/documents`: with `q`, a page of search results (each with `score` and `snippet`);
 * with `limit` or `cursor`, one page `{ items, total, next }`; without, a
 * JSON array of at most ARRAY_CAP documents. Both send `X-Total-Count` and, when there is more, a
 * `Link` header to the next page.
 */
export function listDocumentsJson(store: DocumentRepository, assignees?: AssigneeSource): RequestHandler {
  return async (req: Request, res: Response) => {
    const query = listQueryOf(req, assignees);
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    if (q.trim()) {
      // A search: always one page, best matches first, each with a snippet of its text.
      const limit = query.limit ?? 20;
      const hits = await answering(store.search(q, { cursor: query.cursor, limit }));
      const next = nextUrl(req, '/api/documents', hits, limit, { q });
      res.set('X-Total-Count', String(hits.total));
      if (next) res.set('Link', `<${next}>; rel="next"`);
      res.json({ items: hits.items.map((h) => ({ ...itemsFor(req).page(h.summary), score: h.score, snippet: h.snippet })), total: hits.total, next: hits.next });
      return;
    }
    const paged = query.limit !== undefined || query.cursor !== undefined;
    const limit = query.limit ?? ARRAY_CAP;
    const page = await answering(store.listPage({ ...query, limit }));
    const next = nextUrl(req, '/api/documents', page, limit);
    res.set('X-Total-Count', String(page.total));
    if (next) res.set('Link', `<${next}>; rel="next"`);
    const items = itemsFor(req);
    res.json(paged ? { items: page.items.map(items.page), total: page.total, next: page.next } : page.items.map(items.array));
  };
}

/**
 * Who is assigned to a document and how far they are, as the caller may see it: set by the
 * assignments router in `res.locals.assignmentStatuses` for the document list, which awaits it for
 * the documents of its page and gives the view a synchronous `assignmentsOf(id)`.
 */
export type AssignmentStatuses = (docId: string) => Promise<Array<{ username: string; status?: string }>>;

/** `GET /`: the document list, PAGE_ROWS at a time, sorted and filtered, or search results with snippets (`q`). */
export function listDocumentsPage(store: DocumentRepository & { count?: number }, assignees?: AssigneeSource): RequestHandler {
  return async (req: Request, res: Response) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    const query = listQueryOf(req, assignees);
    const limit = query.limit ?? PAGE_ROWS;
    let documents: Array<DocumentSummary & { snippet?: string }>;
    let page: Page<unknown>;
    let matched: number;
    if (q.trim()) {
      const hits = await answering(store.search(q, { cursor: query.cursor, limit }));
      documents = hits.items.map((h) => ({ ...h.summary, snippet: h.snippet }));
      page = hits;
      matched = hits.total;
    } else {
      const list = await answering(store.listPage({ ...query, limit }));
      documents = list.items;
      page = list;
      matched = list.total;
    }
    const total = store.count ?? (await store.listPage({ limit: 1 })).total;
    const statuses = res.locals.assignmentStatuses as AssignmentStatuses | undefined;
    const assigned = new Map<string, Awaited<ReturnType<AssignmentStatuses>>>();
    if (statuses) for (const d of documents) assigned.set(d.id, await statuses(d.id));
    res.render('documents/index', {
      ...(statuses ? { assignmentsOf: (id: string) => assigned.get(id) ?? [] } : {}),
      title: 'Documents', q, documents: req.blindAnnotator ? documents.map(withoutLabelFigures) : documents, labelFigures: !req.blindAnnotator, total, matched, sort: query.sort ?? 'date',
      assignee: typeof req.query.assignee === 'string' ? req.query.assignee : '',
      nextUrl: nextUrl(req, '/', page, limit, q ? { q } : {}),
    });
  };
}
