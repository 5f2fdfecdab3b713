import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { acceptSuggestion, listSuggestions, rejectSuggestion } from '../services/suggestions.js';
import { parseWith } from './validate.js';
import { knownSpeakersVisible } from '../services/visible-speakers.js';
import { actorOf } from './actor.js';
import { readDocument, visibleLabel } from './documents-api.js';

const acceptSchema = z.object({ rev: z.coerce.number().int().positive() });
/** `?minConfidence=0.7` hides suggestions the rules are less sure of (0 to 1). */
const listSchema = z.object({ minConfidence: z.coerce.number().min(0).max(1).optional() });

/** Rule-based suggestions: listed, accepted as labels, or rejected (JSON API and plain forms). */
export function suggestionRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();
  /** Speaker names the caller may be credited with (blind labelling keeps other annotators' names away). */
  const known = async (req: Request) => knownSpeakersVisible(store, (await req.visibleSpeakerNames?.()) ?? null);

  router.get('/api/documents/:id/suggestions', async (req, res) => {
    const { minConfidence = 0 } = parseWith(listSchema, req.query, 'query');
    res.json((await listSuggestions(store, await readDocument(store, req), await known(req))).filter((s) => s.confidence >= minConfidence));
  });

  router.post('/api/documents/:id/suggestions/:sid/accept', async (req, res) => {
    const doc = await readDocument(store, req);
    const { rev } = parseWith(acceptSchema, req.body ?? {});
    res.status(201).json(visibleLabel(req, doc, await acceptSuggestion(store, project, doc, String(req.params.sid), rev, actorOf(req), await known(req))));
  });

  router.post('/api/documents/:id/suggestions/:sid/reject', async (req, res) => {
    const doc = await readDocument(store, req);
    res.json({ rejected: await rejectSuggestion(store, doc, String(req.params.sid), actorOf(req)) });
  });

  router.post('/documents/:id/suggestions/:sid/accept', async (req, res) => {
    const doc = await readDocument(store, req);
    const { rev } = parseWith(acceptSchema, req.body ?? {}, 'form');
    const label = await acceptSuggestion(store, project, doc, String(req.params.sid), rev, actorOf(req), await known(req));
    res.redirect(303, `/documents/${doc.id}#label-${label.id}`);
  });

  router.post('/documents/:id/suggestions/:sid/reject', async (req, res) => {
    const doc = await readDocument(store, req);
    await rejectSuggestion(store, doc, String(req.params.sid), actorOf(req));
    res.redirect(303, `/documents/${doc.id}`);
  });

  return router;
}
