import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { editSpeaker, mergeSpeakers, resolveAllSpeakers, speakerStoreOf, splitSpeaker, undoMerge } from '../services/speakers.js';
import { compareServiceOf } from '../services/outlets.js';
import { statementsNow } from './statement-index-state.js';
import { speakerProfileOf } from '../domain/compare/speakers.js';
import { activeSpeaker } from '../domain/speakers/resolve.js';
import { nameKey } from '../domain/speakers/names.js';
import { typeName } from '../domain/label-types.js';
import type { Speaker } from '../domain/speakers/types.js';
import { notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { byCodePoint, MAX_PAGE, SortedPager, type SortKeyTuple } from './page-query.js';

/** Speakers on one page of `/speakers`. */
export const SPEAKERS_HTML_PAGE = 50;

/** Most used first, then by name, then id: the order of the list and of its cursors. */
const speakerKey = (r: { labelCount: number; name: string; id: string }): SortKeyTuple => [r.labelCount, r.name, r.id];
const speakerOrder = (a: SortKeyTuple, b: SortKeyTuple) => (b[0] as number) - (a[0] as number) || String(a[1]).localeCompare(String(b[1])) || byCodePoint(String(a[2]), String(b[2]));

const SPEAKER_ID = /^sp-[0-9a-f-]{36}$/;
const speakerId = z.string().regex(SPEAKER_ID, 'must be a speaker id ("sp-" and a uuid)');
const mergeBody = z.object({ into: speakerId, annotator: z.string().optional() }).strict();
const splitBody = z.object({ alias: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'), annotator: z.string().optional() }).strict();
const httpUrl = z.string().max(2000).refine((s) => s === '' || /^https?:\/\/[^\s]+$/i.test(s), 'must be an http(s) URL');
const editBody = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(200).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'contains control characters').optional(),
    role: z.string().trim().max(200).refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'contains control characters').optional(),
    wikidata: z.string().refine((s) => s === '' || /^Q[1-9]\d{0,11}$/.test(s), 'must be a Wikidata item id such as Q4775 (or empty to remove)').optional(),
    url: httpUrl.optional(),
    annotator: z.string().optional(),
  })
  .strict();

/** The speaker a URL names: an id (a merged one answers with the speaker it lives in), else a name or alias. */
function lookup(speakers: Speaker[], key: string): Speaker | null {
  if (SPEAKER_ID.test(key)) return activeSpeaker(speakers, key);
  return speakers.find((s) => !s.mergedInto && s.aliases.some((a) => nameKey(a) === nameKey(key))) ?? null;
}

/** Speakers: list, page, merge (undoable), split, edit; JSON API and plain forms. */
export function speakerRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();

  // Label counts come from the statement index: while it is first built the list answers like
  // /compare does (503 "being built, N of M", or a note while it updates), never waits for it.
  const listing = async (res: Response) => {
    const [speakers, snap] = await Promise.all([speakerStoreOf(store), statementsNow(compareServiceOf(store), res)]);
    const data = speakers.read();
    const counts = snap.speakerCounts();
    const rows = data.speakers
      .filter((s) => !s.mergedInto)
      .map((s) => ({ id: s.id, name: s.name, aliases: s.aliases, role: s.role ?? null, ...(s.wikidata ? { wikidata: s.wikidata } : {}), ...(s.url ? { url: s.url } : {}), labelCount: counts.get(s.id)?.labels ?? 0, outlets: [...(counts.get(s.id)?.outlets ?? [])].sort() }))
      .sort((a, b) => speakerOrder(speakerKey(a), speakerKey(b)));
    return { rows, merges: data.merges, speakers: data.speakers };
  };

  const load = async (req: Request) => {
    const key = String(req.params.id);
    const found = lookup((await speakerStoreOf(store)).read().speakers, key);
    if (!found) throw notFound(`no speaker "${key.slice(0, 200)}"`);
    return found;
  };

  // Without `limit` or `cursor`: an array of at most MAX_PAGE speakers with a Link header to the
  // rest; with either: { items, total, next }.
  const pager = new SortedPager();
  const pageOf = <T extends { labelCount: number; name: string; id: string }>(rows: T[], req: Request, fallback: number) =>
    pager.page(rows, 'speakers', req.query, { max: MAX_PAGE, fallback, keyOf: speakerKey, cmp: speakerOrder });
  router.get('/api/speakers', async (req, res) => {
    const paged = req.query.limit !== undefined || req.query.cursor !== undefined;
    const page = pageOf((await listing(res)).rows, req, MAX_PAGE);
    res.set('X-Total-Count', String(page.total));
    if (page.next) res.set('Link', `</api/speakers?limit=${page.limit}&cursor=${page.next}>; rel="next"`);
    res.json(paged ? { items: page.items, total: page.total, next: page.next } : page.items);
  });

  router.post('/api/speakers/resolve', async (_req, res) => {
    res.json(await resolveAllSpeakers(store));
  });

  router.get('/api/speakers/merges', async (_req, res) => {
    res.json((await speakerStoreOf(store)).read().merges);
  });

  router.get('/api/speakers/:id', async (req, res) => {
    const speaker = await load(req);
    const snap = await statementsNow(compareServiceOf(store), res);
    res.json({ ...speaker, ...speakerProfileOf(snap.documentsOfSpeaker(speaker.id), snap.labelRenderings(), speaker.id) });
  });

  router.post('/api/speakers/:id/merge', async (req, res) => {
    const { into } = parseWith(mergeBody, req.body ?? {});
    res.json(await mergeSpeakers(store, String(req.params.id), into, actorOf(req)));
  });

  router.post('/api/speakers/:id/split', async (req, res) => {
    const { alias } = parseWith(splitBody, req.body ?? {});
    res.status(201).json(await splitSpeaker(store, String(req.params.id), alias, actorOf(req)));
  });

  router.patch('/api/speakers/:id', async (req, res) => {
    const { annotator: _a, ...patch } = parseWith(editBody, req.body ?? {});
    res.json(await editSpeaker(store, String(req.params.id), patch, actorOf(req)));
  });

  router.post('/api/speakers/merges/:mergeId/undo', async (req, res) => {
    res.json(await undoMerge(store, String(req.params.mergeId), actorOf(req)));
  });

  router.get('/speakers', async (req, res) => {
    const { rows, merges, speakers } = await listing(res);
    const page = pageOf(rows, req, SPEAKERS_HTML_PAGE);
    const nameOf = (id: string) => speakers.find((s) => s.id === id)?.name ?? id;
    const nextUrl = page.next ? `/speakers?limit=${page.limit}&cursor=${encodeURIComponent(page.next)}` : null;
    // Merge targets: every speaker, not only this page's.
    res.render('speakers/index', { title: 'Speakers', rows: page.items, targets: rows, total: page.total, nextUrl, merges: [...merges].reverse().slice(0, 50), nameOf });
  });

  router.get('/speakers/:id', async (req, res) => {
    const speaker = await load(req);
    if (speaker.id !== String(req.params.id)) return res.redirect(302, `/speakers/${speaker.id}`);
    const snap = await statementsNow(compareServiceOf(store), res);
    const types = project.labelTypes();
    res.render('speakers/show', { title: speaker.name, speaker, ...speakerProfileOf(snap.documentsOfSpeaker(speaker.id), snap.labelRenderings(), speaker.id), typeName: (id: string) => typeName(types, id) });
  });

  router.post('/speakers/:id/merge', async (req, res) => {
    const { into } = parseWith(mergeBody, req.body ?? {}, 'form');
    await mergeSpeakers(store, String(req.params.id), into, actorOf(req));
    res.redirect(303, `/speakers/${into}`);
  });

  router.post('/speakers/:id/split', async (req, res) => {
    const { alias } = parseWith(splitBody, req.body ?? {}, 'form');
    const created = await splitSpeaker(store, String(req.params.id), alias, actorOf(req));
    res.redirect(303, `/speakers/${created.id}`);
  });

  router.post('/speakers/merges/:mergeId/undo', async (req, res) => {
    await undoMerge(store, String(req.params.mergeId), actorOf(req));
    res.redirect(303, '/speakers');
  });

  return router;
}
