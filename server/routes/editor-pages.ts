import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { countOccurrences, findOccurrence } from '../domain/labels.js';
import { latestRevision } from '../domain/types.js';
import { createLabel, deleteLabel, labelPatchSchema, newLabelSchema, updateLabel } from '../services/labels.js';
import { badRequest } from '../http-error.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { questionPanel } from '../services/answers.js';
import { metaPatchSchema, readDocument, updateMeta } from './documents-api.js';
import { editorView, lanesFor } from './editor-view.js';
import { listSuggestions } from '../services/suggestions.js';
import { knownSpeakersVisible, speakerChoices } from '../services/visible-speakers.js';

const quoteFormSchema = z.object({
  exact: z.string().min(1, 'type the exact words to label').max(20000),
  occurrence: z.coerce.number().int().min(1, 'occurrence counts from 1').default(1),
  rev: z.coerce.number().int().positive(),
});

/** Form fields arrive as strings; empty optional fields mean "not set". */
function formAttributes(body: Record<string, unknown>) {
  const pick = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  return { type: pick('type'), speaker: pick('speaker'), cue: pick('cue'), sourcing: pick('sourcing'), note: pick('note') };
}

/** The editor page, its live fragment, and the plain-HTML forms that work without JavaScript. */
export function editorPages(store: Corpus, project: ProjectStore): Router {
  const router = Router();
  const view = async (req: Request) => {
    const doc = await readDocument(store, req);
    const part = typeof req.query.part === 'string' ? Number(req.query.part) : 1;
    // Blind labelling: only the speaker names this user may see on labels (services/visible-speakers.ts).
    const labelNames = (await req.visibleSpeakerNames?.()) ?? null;
    const named = speakerChoices(store, labelNames); // for the speaker input's list
    const panel = await questionPanel(store, doc.id, actorOf(req)); // views/documents/_questions.ejs
    return { ...editorView(doc, project.labelTypes(), actorOf(req), named, await listSuggestions(store, doc, knownSpeakersVisible(store, labelNames)), part, lanesFor(req)), questionPanel: panel }; // the corpus's preferred spellings, as GET /api/documents/:id/suggestions gives them (large texts on the worker thread, cached)
  };
  const renderPartial = (res: Response, name: string, locals: object) =>
    new Promise<string>((resolve, reject) => res.render(name, locals, (err, html) => (err ? reject(err) : resolve(html))));

  /** Browsers ask for /favicon.ico whatever the page says; the icon is the SVG in /public. */
  router.get('/favicon.ico', (_req, res) => {
    res.redirect(301, '/public/favicon.svg');
  });

  router.get('/documents/:id', async (req, res) => {
    res.render('documents/show', await view(req));
  });

  /** The article and the side panel re-rendered, for the editor script to swap in after a change. */
  router.get('/documents/:id/fragment', async (req, res) => {
    const locals = { ...(await view(req)), path: req.path };
    const [article, panel] = await Promise.all([renderPartial(res, 'documents/_article', locals), renderPartial(res, 'documents/_panel', locals)]);
    res.json({ rev: locals.rev, part: locals.part, article, panel });
  });

  router.post('/documents/:id/labels', async (req, res) => {
    const doc = await readDocument(store, req);
    const form = parseWith(quoteFormSchema, req.body ?? {}, 'form');
    const text = latestRevision(doc).text;
    const start = findOccurrence(text, form.exact, form.occurrence);
    if (start === null) {
      const n = countOccurrences(text, form.exact);
      throw badRequest(n === 0 ? `the words “${form.exact.slice(0, 80)}” are not in the text of revision ${latestRevision(doc).rev}` : `the words “${form.exact.slice(0, 80)}” occur ${n} time${n === 1 ? '' : 's'}; there is no occurrence ${form.occurrence}`, 'quote_not_found');
    }
    const attrs = formAttributes(req.body);
    const body = parseWith(newLabelSchema, { ...attrs, type: attrs.type ?? '', start, end: start + form.exact.length, rev: form.rev }, 'form');
    const label = await createLabel(store, project, doc.id, body, actorOf(req));
    res.redirect(303, `/documents/${doc.id}#label-${label.id}`);
  });

  router.post('/documents/:id/labels/:labelId', async (req, res) => {
    const doc = await readDocument(store, req);
    const patch = parseWith(labelPatchSchema, { ...formAttributes(req.body ?? {}), ...(req.body?.confirm ? { confirm: true } : {}) }, 'form');
    const label = await updateLabel(store, project, doc.id, String(req.params.labelId), patch, actorOf(req));
    res.redirect(303, `/documents/${doc.id}#label-${label.id}`);
  });

  router.post('/documents/:id/meta', async (req, res) => {
    const doc = await readDocument(store, req);
    const pick = (k: string) => (typeof req.body?.[k] === 'string' ? (req.body[k] as string) : undefined);
    const patch = parseWith(metaPatchSchema, { title: pick('title'), outlet: pick('outlet'), author: pick('author'), url: pick('url'), publishedAt: pick('publishedAt') }, 'form');
    await updateMeta(store, doc.id, patch, actorOf(req));
    res.redirect(303, `/documents/${doc.id}`);
  });

  router.post('/documents/:id/labels/:labelId/delete', async (req, res) => {
    const doc = await readDocument(store, req);
    await deleteLabel(store, doc.id, String(req.params.labelId), actorOf(req));
    res.redirect(303, `/documents/${doc.id}`);
  });

  return router;
}
