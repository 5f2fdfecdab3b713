import { Router } from 'express';
import { z } from 'zod';
import type { ProjectStore } from '../store/project-store.js';
import { labelTypeCss, labelTypeProblem } from '../domain/label-type-css.js';
import { badRequest, HttpError } from '../http-error.js';
import { parseWith } from './validate.js';

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
  return project.addTypes([def]);
}

/** The label types: JSON API, the settings page and the stylesheet that colours added types. */
export function labelTypeRoutes(project: ProjectStore): Router {
  const router = Router();

  router.get('/api/label-types', (_req, res) => {
    res.json(project.labelTypes());
  });

  router.post('/api/label-types', async (req, res) => {
    const [added] = await addType(project, req.body ?? {});
    res.status(201).json(added);
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

  return router;
}
