import { Router } from 'express';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { SOURCINGS, latestRevision } from '../domain/types.js';
import { alignCandidates, agreedCandidates } from '../domain/adjudication.js';
import { GOLD, layerOf } from '../domain/layers.js';
import { acceptAllAgreed, acceptIntoGold, deleteGold, rejectedKeys, setRejected, type GoldEdits } from '../services/gold.js';
import { badRequest } from '../http-error.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { questionPanel } from '../services/answers.js';
import { readDocument } from './documents-api.js';

const offset = z.number().int().nonnegative();
const goldSchema = z
  .object({
    labelId: z.string().min(1).max(100),
    type: z.string().min(1).max(64).optional(),
    start: offset.optional(),
    end: offset.optional(),
    speaker: z.string().max(200).optional(),
    cue: z.string().max(200).optional(),
    sourcing: z.union([z.enum(SOURCINGS), z.literal('')]).optional(),
    note: z.string().max(2000).optional(),
  })
  .strict();

/** Form fields are strings; empty ones mean "keep the annotator's value". */
function formEdits(body: Record<string, unknown>) {
  const out: Record<string, unknown> = { labelId: body.labelId };
  for (const k of ['type', 'speaker', 'cue', 'sourcing', 'note'] as const) if (typeof body[k] === 'string' && body[k] !== '') out[k] = body[k];
  return out;
}

/** /documents/:id/adjudicate (editors) and the gold-layer API. */
export function adjudicationRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();

  const accept = async (docId: string, body: z.infer<typeof goldSchema>, actor: string) => {
    if (body.type !== undefined && !project.hasType(body.type)) throw badRequest(`unknown label type "${body.type}"`, 'unknown_type');
    const { labelId, ...edits } = body;
    return acceptIntoGold(store, docId, labelId, edits as GoldEdits, actor);
  };

  router.get('/api/documents/:id/adjudication', async (req, res) => {
    const doc = await readDocument(store, req);
    res.json(alignCandidates(doc.labels, rejectedKeys(doc)));
  });

  /** 201 with the gold label: a copy of annotator label `labelId`, optionally edited. */
  router.post('/api/documents/:id/gold', async (req, res) => {
    const doc = await readDocument(store, req);
    const gold = await accept(doc.id, parseWith(goldSchema, req.body ?? {}), actorOf(req));
    res.status(201).location(`/api/documents/${doc.id}/labels/${gold.id}`).json(gold);
  });

  router.post('/api/documents/:id/gold/accept-agreed', async (req, res) => {
    const doc = await readDocument(store, req);
    res.status(201).json(await acceptAllAgreed(store, doc.id, actorOf(req)));
  });

  router.delete('/api/documents/:id/gold/:labelId', async (req, res) => {
    const doc = await readDocument(store, req);
    res.json({ deleted: await deleteGold(store, doc.id, String(req.params.labelId), actorOf(req)) });
  });

  router.get('/documents/:id/adjudicate', async (req, res) => {
    const doc = await readDocument(store, req);
    const { annotators, regions } = alignCandidates(doc.labels, rejectedKeys(doc));
    const gold = doc.labels.filter((l) => layerOf(l) === GOLD).sort((a, b) => a.start - b.start);
    res.render('adjudicate/show', {
      title: `Adjudicate: ${doc.meta.title}`,
      doc,
      text: latestRevision(doc).text,
      annotators,
      regions,
      gold,
      agreedCount: agreedCandidates(regions).length,
      types: project.labelTypes(),
      questionPanel: await questionPanel(store, doc.id, actorOf(req)), // views/adjudicate/_answers.ejs
    });
  });

  router.post('/documents/:id/gold', async (req, res) => {
    const doc = await readDocument(store, req);
    await accept(doc.id, parseWith(goldSchema, formEdits(req.body ?? {}), 'form'), actorOf(req));
    res.redirect(303, `/documents/${doc.id}/adjudicate`);
  });

  router.post('/documents/:id/gold/accept-agreed', async (req, res) => {
    const doc = await readDocument(store, req);
    await acceptAllAgreed(store, doc.id, actorOf(req));
    res.redirect(303, `/documents/${doc.id}/adjudicate`);
  });

  router.post('/documents/:id/gold/reject', async (req, res) => {
    const doc = await readDocument(store, req);
    await setRejected(store, doc.id, String(req.body?.key ?? ''), req.body?.undo !== '1', actorOf(req));
    res.redirect(303, `/documents/${doc.id}/adjudicate`);
  });

  router.post('/documents/:id/gold/:labelId/delete', async (req, res) => {
    const doc = await readDocument(store, req);
    await deleteGold(store, doc.id, String(req.params.labelId), actorOf(req));
    res.redirect(303, `/documents/${doc.id}/adjudicate`);
  });

  return router;
}
