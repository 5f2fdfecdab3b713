import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { UserStore } from '../auth/user-store.js';
import type { TeamStore } from '../auth/team-store.js';
import { assignmentStatus, dealRoundRobin, type AssignmentStatus } from '../domain/assignments.js';
import { badRequest, HttpError, notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { readDocument } from './documents-api.js';
import type { AssignmentStatuses } from './document-list.js';
import { MAX_PAGE_SIZE } from '../store/repository.js';

/** Most annotators on one document (agreement is computed over them: see domain/agreement.ts). */
export const MAX_ANNOTATORS_PER_DOCUMENT = 20;

const names = z.array(z.string().max(100)).max(MAX_ANNOTATORS_PER_DOCUMENT, `at most ${MAX_ANNOTATORS_PER_DOCUMENT} annotators per document`);
const assignSchema = z.object({ annotators: names }).strict();
const dealSchema = z
  .object({
    annotators: z.array(z.string().max(100)).min(1, 'name at least one annotator').max(1000),
    perDocument: z.number().int().min(1).max(MAX_ANNOTATORS_PER_DOCUMENT).optional(),
    filter: z.object({ outlet: z.string().max(200).optional(), documents: z.array(z.string().max(200)).max(100000).optional(), unassignedOnly: z.boolean().optional() }).strict().optional(),
  })
  .strict();

export interface AssignmentView {
  username: string;
  status: AssignmentStatus;
  assignedAt: string;
  submittedAt?: string;
}

/** Assignments, submission, the annotator's queue and the editors' overview. */
export function assignmentRoutes(store: Corpus, users: UserStore, team: TeamStore): Router {
  const router = Router();

  /** Who is assigned to a document and how far they are; the document is read only when someone assigned has not submitted. */
  const statusesOf = async (docId: string): Promise<AssignmentView[]> => {
    const assigned = Object.entries(team.assignmentsOf(docId));
    const labels = assigned.some(([, a]) => !a.submittedAt) ? ((await store.getDocument(docId))?.labels ?? []) : [];
    return assigned
      .map(([username, a]) => ({ username, status: assignmentStatus(a.submittedAt, labels, username), assignedAt: a.assignedAt, ...(a.submittedAt ? { submittedAt: a.submittedAt } : {}) }))
      .sort((a, b) => a.username.localeCompare(b.username));
  };

  /** Every named user must exist, be enabled and be able to label (not a viewer). */
  const checkAnnotators = (list: string[]): string[] => {
    const unique = [...new Set(list)];
    for (const name of unique) {
      const u = users.get(name);
      if (!u) throw badRequest(`no user named "${name.slice(0, 100)}"`, 'unknown_user');
      if (u.disabled) throw badRequest(`the user "${name}" is disabled`, 'disabled_user');
      if (u.role === 'viewer') throw badRequest(`the user "${name}" is a viewer and cannot label; give them the annotator role first`, 'wrong_role');
    }
    return unique;
  };

  /** Under blind labelling an annotator is not told how far the others are ("in progress" means "has labels"). */
  const statusesFor = (req: Request) => async (docId: string): Promise<(AssignmentView | Omit<AssignmentView, 'status'>)[]> => {
    const all = await statusesOf(docId);
    return req.blindAnnotator ? all.map(({ status, ...rest }) => (rest.username === req.user?.username ? { ...rest, status } : rest)) : all;
  };

  // The document list (another router) shows per document who is assigned and how far they are:
  // it awaits these statuses for the documents of its page (see AssignmentStatuses in document-list.ts).
  const listLocals: RequestHandler = (req, res, next) => {
    res.locals.assignmentStatuses = statusesFor(req) satisfies AssignmentStatuses;
    next();
  };
  router.get('/', listLocals);

  router.get('/api/documents/:id/assignments', async (req, res) => {
    const doc = await readDocument(store, req);
    res.json({ document: doc.id, annotators: await statusesFor(req)(doc.id) });
  });

  router.put('/api/documents/:id/assignments', async (req, res) => {
    const doc = await readDocument(store, req);
    const body = parseWith(assignSchema, req.body ?? {});
    await team.assign({ [doc.id]: checkAnnotators(body.annotators) }, req.user!.username);
    res.json({ document: doc.id, annotators: await statusesOf(doc.id) });
  });

  /** Deals documents (all, or those the filter keeps) to annotators round-robin, N per document. */
  router.post('/api/assignments', async (req, res) => {
    const body = parseWith(dealSchema, req.body ?? {});
    res.json(await deal(body, req));
  });

  async function deal(body: z.infer<typeof dealSchema>, req: Request) {
    const annotators = checkAnnotators(body.annotators);
    const perDocument = body.perDocument ?? team.settings().annotatorsPerDocument;
    if (!perDocument) throw badRequest('say how many annotators per document (perDocument), or set it in the project settings', 'missing_per_document');
    const f = body.filter ?? {};
    // The catalogue's pages (ids only), filtered, then in id order as before.
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listPage({ sort: 'title', limit: MAX_PAGE_SIZE, ...(f.outlet !== undefined ? { outlet: f.outlet } : {}), ...(cursor ? { cursor } : {}) });
      for (const e of page.items) {
        if ((!f.documents || f.documents.includes(e.id)) && (!f.unassignedOnly || Object.keys(team.assignmentsOf(e.id)).length === 0)) ids.push(e.id);
      }
      cursor = page.next ?? undefined;
    } while (cursor);
    ids.sort();
    const dealt = dealRoundRobin(ids, annotators, perDocument);
    const plan: Record<string, string[]> = {};
    for (const [id, chosen] of Object.entries(dealt)) {
      const merged = [...new Set([...Object.keys(team.assignmentsOf(id)), ...chosen])];
      if (merged.length > MAX_ANNOTATORS_PER_DOCUMENT) throw badRequest(`document "${id}" would have more than ${MAX_ANNOTATORS_PER_DOCUMENT} annotators`, 'too_many_annotators');
      plan[id] = merged;
    }
    await team.assign(plan, req.user!.username);
    return { documents: ids.length, perDocument: Math.min(perDocument, annotators.length), assignments: dealt };
  }

  router.post('/api/documents/:id/submit', async (req, res) => {
    const doc = await readDocument(store, req);
    const done = await team.submit(doc.id, req.user!.username);
    if (!done) throw new HttpError(409, 'not_assigned', 'you are not assigned to this document, so there is nothing to submit');
    res.json({ document: doc.id, username: req.user!.username, status: 'submitted', submittedAt: done.submittedAt });
  });

  router.post('/documents/:id/submit', async (req, res) => {
    const doc = await readDocument(store, req);
    if (!(await team.submit(doc.id, req.user!.username))) throw new HttpError(409, 'not_assigned', 'you are not assigned to this document, so there is nothing to submit');
    res.redirect(303, '/queue');
  });

  /** The signed-in user's queue: documents assigned to them, with a progress bar. */
  router.get('/queue', async (req, res) => {
    const me = req.user!.username;
    const mine: { id: string; title: string; outlet: string | undefined; status: AssignmentStatus }[] = [];
    for (const [docId, byUser] of Object.entries(team.allAssignments())) {
      const a = byUser[me];
      const entry = a ? store.summary(docId) : null;
      if (!a || !entry) continue;
      const labels = a.submittedAt ? [] : ((await store.getDocument(docId))?.labels ?? []);
      mine.push({ id: docId, title: entry.title, outlet: entry.outlet, status: assignmentStatus(a.submittedAt, labels, me) });
    }
    const items = mine
      .sort((a, b) => Number(a.status === 'submitted') - Number(b.status === 'submitted') || a.title.localeCompare(b.title));
    const submitted = items.filter((i) => i.status === 'submitted').length;
    res.render('queue/index', { title: 'My queue', items, submitted });
  });

  /** Editors: who is assigned where, and the round-robin form. */
  router.get('/assignments', async (_req, res) => {
    const rows = [];
    for (const e of store.summaries()) rows.push({ id: e.id, title: e.title, outlet: e.outlet, annotators: await statusesOf(e.id) });
    const annotators = users.list().filter((u) => u.role === 'annotator' && !u.disabled).map((u) => u.username);
    res.render('assignments/index', { title: 'Assignments', rows, annotators, perDocument: team.settings().annotatorsPerDocument, error: null });
  });

  router.post('/assignments', async (req, res) => {
    const raw = req.body?.annotators;
    const list = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : []).map((s: unknown) => String(s).trim()).filter(Boolean);
    const per = Number(req.body?.perDocument);
    const outlet = typeof req.body?.outlet === 'string' && req.body.outlet.trim() ? req.body.outlet.trim() : undefined;
    const body = parseWith(dealSchema, { annotators: list, perDocument: Number.isInteger(per) && per > 0 ? per : undefined, filter: { outlet, unassignedOnly: req.body?.unassignedOnly === 'on' } }, 'form');
    await deal(body, req);
    res.redirect(303, '/assignments');
  });

  router.post('/documents/:id/assignments', async (req, res) => {
    const doc = await readDocument(store, req);
    const raw = typeof req.body?.annotators === 'string' ? req.body.annotators : '';
    const list = raw.split(',').map((s: string) => s.trim()).filter(Boolean);
    await team.assign({ [doc.id]: checkAnnotators(parseWith(assignSchema, { annotators: list }, 'form').annotators) }, req.user!.username);
    res.redirect(303, '/assignments');
  });

  void notFound;
  return router;
}
