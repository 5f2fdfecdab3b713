import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';
import { searchCatalog } from '../domain/documents.js';
import { createFromBody, newDocumentSchema, type NewDocumentBody } from '../services/documents.js';
import { HttpError } from '../http-error.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { editorPages } from './editor-pages.js';

export function documentsPages(store: DocumentStore, project: ProjectStore): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 200) : '';
    res.render('documents/index', { title: 'Documents', q, documents: searchCatalog(store.list(), q), total: store.list().length });
  });

  router.get('/documents/new', (_req, res) => {
    res.render('documents/new', { title: 'Add document', values: {}, error: null });
  });

  router.post('/documents', async (req, res) => {
    const raw = (req.body ?? {}) as Record<string, string>;
    const format = ['text', 'html', 'markdown'].includes(raw.format) ? raw.format : 'text';
    const values = { ...raw, format };
    try {
      const body: NewDocumentBody = parseWith(newDocumentSchema, {
        title: raw.title, outlet: raw.outlet, author: raw.author, url: raw.url, publishedAt: raw.publishedAt,
        [format]: raw.content ?? '',
      });
      const doc = await createFromBody(store, body, actorOf(req));
      res.redirect(303, `/documents/${doc.id}`);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      res.status(err.status).render('documents/new', { title: 'Add document', values, error: err.message });
    }
  });

  router.use(editorPages(store, project));

  return router;
}
