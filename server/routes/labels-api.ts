import { Router } from 'express';
import type { DocumentStore } from '../store/document-store.js';
import type { ProjectStore } from '../store/project-store.js';
import { createLabel, deleteLabel, labelPatchSchema, newLabelSchema, restoreLabel, updateLabel } from '../services/labels.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { loadDocument, visibleLabel } from './documents-api.js';

/** /api/documents/:id/labels — mounted with the document id in `req.params.id`. */
export function labelsApi(store: DocumentStore, project: ProjectStore): Router {
  const router = Router({ mergeParams: true });

  router.get('/', (req, res) => {
    res.json(loadDocument(store, req).labels);
  });

  router.post('/', async (req, res) => {
    const doc = loadDocument(store, req);
    const body = parseWith(newLabelSchema, req.body ?? {});
    const label = await createLabel(store, project, doc.id, body, actorOf(req));
    res.status(201).location(`/api/documents/${doc.id}/labels/${label.id}`).json(visibleLabel(req, doc, label));
  });

  router.patch('/:labelId', async (req, res) => {
    const doc = loadDocument(store, req);
    const patch = parseWith(labelPatchSchema, req.body ?? {});
    res.json(visibleLabel(req, doc, await updateLabel(store, project, doc.id, String(req.params.labelId), patch, actorOf(req))));
  });

  router.delete('/:labelId', async (req, res) => {
    const doc = loadDocument(store, req);
    res.json({ deleted: await deleteLabel(store, doc.id, String(req.params.labelId), actorOf(req)) });
  });

  router.post('/:labelId/restore', async (req, res) => {
    const doc = loadDocument(store, req);
    res.status(201).json(visibleLabel(req, doc, await restoreLabel(store, doc.id, String(req.params.labelId), actorOf(req))));
  });

  return router;
}
