import { Router } from 'express';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import { deleteVerdict, putVerdictSettings, setVerdict, verdictSettings } from '../services/verdicts.js';
import { MAX_EVIDENCE, MAX_SUMMARY } from '../domain/speakers/verdicts.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';

const verdictBody = z
  .object({
    rating: z.string().min(1, 'must not be empty').max(100),
    summary: z.string().max(MAX_SUMMARY, `must be at most ${MAX_SUMMARY} characters`).transform((s) => s.trim()).optional(),
    evidence: z.array(z.string(), { message: 'must be a list of URLs' }).max(MAX_EVIDENCE, `at most ${MAX_EVIDENCE} URLs`).optional(),
    annotator: z.string().optional(),
  })
  .strict();

const settingsBody = z
  .object({
    scale: z.array(z.string().trim()),
    unratable: z.array(z.string()).default([]),
    organization: z.object({ name: z.string().trim(), url: z.string().optional() }).strict(),
  })
  .strict();

/** Claim verdicts on labels and their settings (ClaimReview is an export format: `GET /api/export?format=claimreview`). */
export function verdictRoutes(store: Corpus): Router {
  const router = Router();

  router.put('/api/documents/:id/labels/:labelId/verdict', async (req, res) => {
    const body = parseWith(verdictBody, req.body ?? {});
    res.json(await setVerdict(store, String(req.params.id), String(req.params.labelId), body, actorOf(req)));
  });

  router.delete('/api/documents/:id/labels/:labelId/verdict', async (req, res) => {
    res.json(await deleteVerdict(store, String(req.params.id), String(req.params.labelId), actorOf(req)));
  });

  router.get('/api/verdict-settings', async (_req, res) => {
    res.json(await verdictSettings(store));
  });

  router.put('/api/verdict-settings', async (req, res) => {
    const body = parseWith(settingsBody, req.body ?? {});
    res.json(await putVerdictSettings(store, { scale: body.scale, unratable: body.unratable, organization: { name: body.organization.name, ...(body.organization.url ? { url: body.organization.url } : {}) } }));
  });

  return router;
}
