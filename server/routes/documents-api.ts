import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import { createFromBody, newDocumentSchema, pasteWarning } from '../services/documents.js';
import { latestRevision, type DocumentRecord, type Label } from '../domain/types.js';
import { isDocumentId } from '../domain/schema.js';
import { badRequest, notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { listDocumentsJson, type AssigneeSource } from './document-list.js';
import { actorOf } from './actor.js';
import { sendJsonInSlices } from './json-answer.js';

/**
 * Finds the document named by `:id` through the repository (`getDocument`), as the caller may see
 * it, or throws 400 for a malformed id and 404 for an unknown one.
 */
export async function readDocument(store: Corpus, req: Request): Promise<DocumentRecord> {
  const doc = await readDocumentById(store, String(req.params.id));
  // Blind labelling: an annotator sees only their own labels until they submit (server/auth/visibility.ts).
  return req.visibleDocument ? req.visibleDocument(doc) : doc;
}

/**
 * One label as the caller may see it: a blind annotator gets their own label with the speaker as
 * they typed it (the shared speaker entity may carry a name from another annotator's label).
 */
export function visibleLabel<L extends Label>(req: Request, doc: DocumentRecord, label: L): L {
  if (!req.visibleDocument) return label;
  return (req.visibleDocument({ ...doc, labels: [label], revisions: [], events: [] }).labels[0] as L | undefined) ?? label;
}

/** Same as readDocument, for an id that comes from elsewhere than the path (a query, a form); not filtered for blind labelling. */
export async function readDocumentById(store: Corpus, id: string): Promise<DocumentRecord> {
  if (!isDocumentId(id)) throw badRequest(`"${id.slice(0, 100)}" is not a valid document id`, 'invalid_id');
  const doc = await store.getDocument(id);
  if (!doc) throw notFound(`no document with id "${id}"`);
  return doc;
}

/** The JSON view of a document: meta, latest rev and text, labels. */
export function documentJson(doc: DocumentRecord) {
  const latest = latestRevision(doc);
  return { id: doc.id, meta: doc.meta, rev: latest.rev, text: latest.text, labels: doc.labels };
}

export const metaPatchSchema = newDocumentSchema.pick({ title: true, outlet: true, author: true, url: true, publishedAt: true, language: true }).strict();

/** Sets the given metadata fields; an empty string removes one (the title is kept). */
export async function updateMeta(store: Corpus, id: string, patch: z.infer<typeof metaPatchSchema>, actor: string): Promise<DocumentRecord> {
  const updated = await store.update(id, (draft) => {
    const before = { ...draft.meta };
    const meta = draft.meta as unknown as Record<string, string | undefined>;
    for (const [key, value] of Object.entries(patch)) {
      if (value === '' && key !== 'title') delete meta[key];
      else if (value !== undefined && value !== '') meta[key] = value.trim();
    }
    draft.events.push({ at: new Date().toISOString(), actor, kind: 'document.meta-updated', before, after: { ...draft.meta } });
  });
  if (!updated) throw notFound(`no document with id "${id}"`);
  return updated.doc;
}

export function documentsApi(store: Corpus, assignees?: AssigneeSource): Router {
  const router = Router();

  router.get('/', listDocumentsJson(store, assignees));

  router.post('/', async (req, res) => {
    const body = parseWith(newDocumentSchema, req.body ?? {});
    const doc = await createFromBody(store, body, actorOf(req));
    // Scripts know what they send: plain text that looks like HTML/Markdown is stored, with a warning.
    const warning = pasteWarning(body);
    const warnings = warning ? { warnings: [{ code: warning.code, message: warning.message }] } : {};
    res.status(201).location(`/api/documents/${doc.id}`).json({ ...documentJson(doc), ...warnings });
  });

  // In slices: at the limits (2,000,000 characters, 20,000 labels) a 4 MB answer.
  router.get('/:id', async (req, res) => {
    await sendJsonInSlices(req, res, documentJson(await readDocument(store, req)));
  });

  router.patch('/:id', async (req, res) => {
    const doc = await readDocument(store, req);
    const patch = parseWith(metaPatchSchema, req.body ?? {});
    res.json(documentJson(await updateMeta(store, doc.id, patch, actorOf(req))));
  });

  return router;
}

