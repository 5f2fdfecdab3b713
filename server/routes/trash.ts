import { Router, type Request } from 'express';
import type { Corpus } from '../store/corpus.js';
import { TrashService } from '../services/trash.js';
import { TRASH_DAYS } from '../store/trash.js';
import { badRequest } from '../http-error.js';
import { isDocumentId } from '../domain/schema.js';
import { readDocument } from './documents-api.js';
import { actorOf } from './actor.js';

function idParam(req: Request): string {
  const id = String(req.params.id);
  if (!isDocumentId(id)) throw badRequest(`"${id.slice(0, 100)}" is not a valid document id`, 'invalid_id');
  return id;
}

/**
 * Deleting documents and the trash: `DELETE /api/documents/:id`, `/api/trash…`, the `/trash` page
 * and the confirmation page `/documents/:id/delete`. Old trash is purged when this router is made
 * (at start) and on every listing.
 */
export function trashRoutes(store: Corpus, service = new TrashService(store)): Router {
  const router = Router();
  void service.trash.purge().catch((err: unknown) => console.error('could not purge the trash', err));

  router.delete('/api/documents/:id', async (req, res) => {
    res.json(await service.deleteDocument(idParam(req), actorOf(req)));
  });

  router.get('/api/trash', async (_req, res) => {
    res.json(await service.list());
  });

  router.post('/api/trash/:id/restore', async (req, res) => {
    const doc = await service.restore(idParam(req), actorOf(req));
    res.json({ id: doc.id, title: doc.meta.title, rev: doc.revisions.length, labelCount: doc.labels.length });
  });

  router.delete('/api/trash/:id', async (req, res) => {
    await service.remove(idParam(req));
    res.status(204).end();
  });

  router.delete('/api/trash', async (_req, res) => {
    res.json({ deleted: await service.empty() });
  });

  router.get('/documents/:id/delete', async (req, res) => {
    const doc = await readDocument(store, req);
    res.render('trash/confirm', { title: 'Delete document', doc, days: TRASH_DAYS });
  });

  router.post('/documents/:id/delete', async (req, res) => {
    await service.deleteDocument(idParam(req), actorOf(req));
    res.redirect(303, '/trash');
  });

  router.get('/trash', async (_req, res) => {
    res.render('trash/index', { title: 'Trash', items: await service.list(), days: TRASH_DAYS });
  });

  router.post('/trash/:id/restore', async (req, res) => {
    const doc = await service.restore(idParam(req), actorOf(req));
    res.redirect(303, `/documents/${doc.id}`);
  });

  router.post('/trash/:id/delete', async (req, res) => {
    await service.remove(idParam(req));
    res.redirect(303, '/trash');
  });

  router.post('/trash/empty', async (_req, res) => {
    await service.empty();
    res.redirect(303, '/trash');
  });

  return router;
}
