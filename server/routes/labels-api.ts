import { Router } from 'express';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { createLabel, deleteLabel, labelPatchSchema, newLabelSchema, restoreLabel, updateLabel } from '../services/labels.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { readDocument, visibleLabel } from './documents-api.js';

/** /api/documents/:id/labels — mounted with the document id in `req.params.id`. */
export function labelsApi(store: Corpus, project: ProjectStore): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    res.json((await readDocument(store, req)).labels);
  });

  router.post('/', async (req, res) => {
    const doc = await readDocument(store, req);
    const body = parseWith(newLabelSchema, req.body ?? {});
    const label = await createLabel(store, project, doc.id, body, actorOf(req));
    res.status(201).location(`/api/documents/${doc.id}/labels/${label.id}`).json(visibleLabel(req, doc, label));
  });

  router.patch('/:labelId', async (req, res) => {
    const doc = await readDocument(store, req);
    const patch = parseWith(labelPatchSchema, req.body ?? {});
    res.json(visibleLabel(req, doc, await updateLabel(store, project, doc.id, String(req.params.labelId), patch, actorOf(req))));
  });

  router.delete('/:labelId', async (req, res) => {
    const doc = await readDocument(store, req);
    res.json({ deleted: await deleteLabel(store, doc.id, String(req.params.labelId), actorOf(req)) });
  });

  router.post('/:labelId/restore', async (req, res) => {
    const doc = await readDocument(store, req);
    res.status(201).json(visibleLabel(req, doc, await restoreLabel(store, doc.id, String(req.params.labelId), actorOf(req))));
  });

  return router;
}
