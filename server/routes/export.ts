import { Router } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { ANCHOR_STATES } from '../domain/types.js';
import { ARCHIVES, EXPORT_FORMATS, exportFormat, exportOptionsOf, exportQuerySchema, exportStream } from '../services/export.js';
import { parseWith } from './validate.js';
import { badRequest } from '../http-error.js';

/** GET /api/export (streamed download) and GET /export (the page with filters). */
export function exportRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();

  router.get('/api/export', async (req, res) => {
    const options = exportOptionsOf(parseWith(exportQuerySchema, req.query, 'query'));
    if (options.filter.from && options.filter.to && options.filter.from > options.filter.to) {
      throw badRequest(`from: ${options.filter.from} is after to (${options.filter.to})`, 'invalid_input');
    }
    const out = exportStream(store, project, { ...options, baseUrl: `${req.protocol}://${req.get('host')}` });
    res.set('Content-Type', out.contentType);
    res.set('Content-Disposition', `attachment; filename="${out.filename}"`);
    res.set('Cache-Control', 'no-store');
    await pipeline(out.stream, res);
  });

  router.get('/export', (_req, res) => {
    const catalog = store.summaries();
    const outlets = [...new Set(catalog.map((e) => e.outlet).filter((o): o is string => !!o))].sort();
    const documents = [...catalog].sort((a, b) => a.title.localeCompare(b.title));
    res.render('export/index', {
      title: 'Export',
      formats: EXPORT_FORMATS.map((name) => ({ name, description: exportFormat(name)?.description ?? '' })),
      archives: ARCHIVES,
      states: ANCHOR_STATES,
      types: project.labelTypes(),
      outlets,
      documents,
      labelCount: catalog.reduce((n, e) => n + e.labelCount, 0),
    });
  });

  return router;
}
