import { Router } from 'express';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { historyLines } from '../domain/history.js';
import { readDocument } from './documents-api.js';
import { AppendOnlyPager, HISTORY_HTML_PAGE, MAX_EVENTS_PAGE } from './page-query.js';

/**
 * One document's event trail: `GET /api/documents/:id/events` (oldest first, like the revisions
 * list) and the page `/documents/:id/history` (newest first, HISTORY_HTML_PAGE lines a page), which
 * the editor's History panel links to. Both see what readDocument lets the caller see (blind labelling).
 */
export function historyRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();
  const pager = new AppendOnlyPager();

  // Without `limit` or `cursor`: an array of at most MAX_EVENTS_PAGE events and a Link header to
  // the next page; with either: { items, total, next }.
  router.get('/api/documents/:id/events', async (req, res) => {
    const doc = await readDocument(store, req);
    const paged = req.query.limit !== undefined || req.query.cursor !== undefined;
    const page = pager.page(doc.events, `events:${doc.id}`, req.query, MAX_EVENTS_PAGE);
    res.set('X-Total-Count', String(page.total));
    if (page.next) res.set('Link', `</api/documents/${doc.id}/events?limit=${page.items.length}&cursor=${page.next}>; rel="next"`);
    res.json(paged ? { items: page.items, total: page.total, next: page.next } : page.items);
  });

  router.get('/documents/:id/history', async (req, res) => {
    const doc = await readDocument(store, req);
    // Lines oldest first (a revision's re-anchoring events fold into its line), paged newest first.
    const lines = historyLines(doc.events, project.labelTypes(), Number.MAX_SAFE_INTEGER).reverse();
    const page = pager.pageNewestFirst(lines, `history:${doc.id}`, req.query, MAX_EVENTS_PAGE, HISTORY_HTML_PAGE);
    const nextUrl = page.next ? `/documents/${doc.id}/history?limit=${page.items.length}&cursor=${encodeURIComponent(page.next)}` : null;
    res.render('documents/history', { title: `History · ${doc.meta.title}`, doc, history: page.items, total: page.total, nextUrl });
  });

  return router;
}
