import { Router } from 'express';
import { z } from 'zod';
import type { Request, Response } from 'express';
import type { ProjectStore } from '../store/project-store.js';
import type { Corpus } from '../store/corpus.js';
import { labelTypeCss, labelTypeProblem } from '../domain/label-type-css.js';
import { badRequest, conflict, HttpError } from '../http-error.js';
import { changeLabelType, deleteLabelType, mergeLabelType } from '../services/label-types.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';

/** Keys the editor uses for its own commands; a label type cannot take them. */
export const EDITOR_KEYS = ['j', 'k', 'c', 's', 'u', 'n', 'a', 'x'];

const newTypeSchema = z
  .object({
    id: z.string().min(1).max(64),
    name: z.string().trim().min(1, 'name is required').max(60),
    color: z.string().max(7),
    key: z.string().max(1).optional(),
  })
  .strict();

function addType(project: ProjectStore, raw: unknown) {
  const body = parseWith(newTypeSchema, raw);
  const def = { id: body.id, name: body.name, color: body.color, ...(body.key ? { key: body.key } : {}) };
  const problem = labelTypeProblem(project.labelTypes(), def, EDITOR_KEYS);
  if (problem) throw badRequest(problem, 'invalid_label_type');
  return project.addTypes([def]).then((added) => {
    // Another request added the same id meanwhile.
    if (added.length === 0) throw conflict(`a label type "${def.id}" exists already`);
    return added;
  });
}

const patchSchema = z
  .object({
    name: z.string().max(200).optional(),
    color: z.string().max(7).optional(),
    key: z.string().max(1).optional(),
  })
  .strict();
const mergeSchema = z.object({ into: z.string().min(1, 'into is required').max(64) }).strict();

/** Renders the settings page with an error, for the forms below. */
function renderWithError(project: ProjectStore, res: Response, err: unknown, values: unknown = {}) {
  if (!(err instanceof HttpError)) throw err;
  res.status(err.status).render('label-types/index', { title: 'Label types', types: project.labelTypes(), error: err.message, values });
}

const formPatch = (req: Request) => {
  const b = (req.body ?? {}) as Record<string, string | undefined>;
  return { name: b.name, color: b.color, key: b.key ?? '' };
};

/** The label types: JSON API, the settings page and the stylesheet that colours added types. */
export function labelTypeRoutes(project: ProjectStore, store: Corpus): Router {
  const router = Router();

  router.get('/api/label-types', (_req, res) => {
    res.json(project.labelTypes());
  });

  router.post('/api/label-types', async (req, res) => {
    const [added] = await addType(project, req.body ?? {});
    res.status(201).json(added);
  });

  router.patch('/api/label-types/:id', async (req, res) => {
    res.json(await changeLabelType(project, String(req.params.id), parseWith(patchSchema, req.body ?? {}), EDITOR_KEYS));
  });

  router.post('/api/label-types/:id/merge', async (req, res) => {
    const { into } = parseWith(mergeSchema, req.body ?? {});
    res.json(await mergeLabelType(store, project, String(req.params.id), into, actorOf(req)));
  });

  router.delete('/api/label-types/:id', async (req, res) => {
    await deleteLabelType(store, project, String(req.params.id));
    res.status(204).end();
  });

  router.get('/label-types.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(labelTypeCss(project.labelTypes()));
  });

  router.get('/label-types', (_req, res) => {
    res.render('label-types/index', { title: 'Label types', types: project.labelTypes(), error: null, values: {} });
  });

  router.post('/label-types', async (req, res) => {
    try {
      await addType(project, { id: req.body?.id, name: req.body?.name, color: req.body?.color, key: req.body?.key || undefined });
      res.redirect(303, '/label-types');
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      res.status(err.status).render('label-types/index', { title: 'Label types', types: project.labelTypes(), error: err.message, values: req.body ?? {} });
    }
  });

  router.post('/label-types/:id', async (req, res) => {
    try {
      await changeLabelType(project, String(req.params.id), parseWith(patchSchema, formPatch(req)), EDITOR_KEYS);
      res.redirect(303, '/label-types');
    } catch (err) {
      renderWithError(project, res, err);
    }
  });

  router.post('/label-types/:id/merge', async (req, res) => {
    try {
      await mergeLabelType(store, project, String(req.params.id), String(req.body?.into ?? ''), actorOf(req));
      res.redirect(303, '/label-types');
    } catch (err) {
      renderWithError(project, res, err);
    }
  });

  router.post('/label-types/:id/delete', async (req, res) => {
    try {
      await deleteLabelType(store, project, String(req.params.id));
      res.redirect(303, '/label-types');
    } catch (err) {
      renderWithError(project, res, err);
    }
  });

  return router;
}
