import { Router, type Request } from 'express';
import type { z } from 'zod';
import type { DocumentStore } from '../store/document-store.js';
import { createFromBody, newDocumentSchema, pasteWarning } from '../services/documents.js';
import { latestRevision, type DocumentRecord, type Label } from '../domain/types.js';
import { isDocumentId } from '../domain/schema.js';
import { badRequest, notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { listDocumentsJson, type AssigneeSource } from './document-list.js';
import { actorOf } from './actor.js';

/** Finds the document named by `:id`, or throws 400 for a malformed id and 404 for an unknown one. */
export function loadDocument(store: DocumentStore, req: Request): DocumentRecord {
  const doc = loadDocumentById(store, String(req.params.id));
  // Blind labelling: an annotator sees only their own labels until they submit (server/auth/visibility.ts).
  return req.visibleDocument ? req.visibleDocument(doc) : doc;
}

/**
 * Like loadDocument, read through the repository (`getDocument`: no synchronous file read). The
 * routes still on loadDocument (the editor pages, labels, suggestions, adjudication, trash) move here
 * one by one; then loadDocument goes.
 */
export async function readDocument(store: DocumentStore, req: Request): Promise<DocumentRecord> {
  const id = String(req.params.id);
  if (!isDocumentId(id)) throw badRequest(`"${id.slice(0, 100)}" is not a valid document id`, 'invalid_id');
  const doc = await store.getDocument(id);
  if (!doc) throw notFound(`no document with id "${id}"`);
  return req.visibleDocument ? req.visibleDocument(doc) : doc;
}

/** Same as loadDocument, for an id that comes from elsewhere than the path (a query, a form). */
/**
 * One label as the caller may see it: a blind annotator gets their own label with the speaker as
 * they typed it (the shared speaker entity may carry a name from another annotator's label).
 */
export function visibleLabel<L extends Label>(req: Request, doc: DocumentRecord, label: L): L {
  if (!req.visibleDocument) return label;
  return (req.visibleDocument({ ...doc, labels: [label], revisions: [], events: [] }).labels[0] as L | undefined) ?? label;
}

export function loadDocumentById(store: DocumentStore, id: string): DocumentRecord {
  if (!isDocumentId(id)) throw badRequest(`"${id.slice(0, 100)}" is not a valid document id`, 'invalid_id');
  const doc = store.get(id);
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
export async function updateMeta(store: DocumentStore, id: string, patch: z.infer<typeof metaPatchSchema>, actor: string): Promise<DocumentRecord> {
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

export function documentsApi(store: DocumentStore, assignees?: AssigneeSource): Router {
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

  router.get('/:id', async (req, res) => {
    res.json(documentJson(await readDocument(store, req)));
  });

  router.patch('/:id', async (req, res) => {
    const doc = await readDocument(store, req);
    const patch = parseWith(metaPatchSchema, req.body ?? {});
    res.json(documentJson(await updateMeta(store, doc.id, patch, actorOf(req))));
  });

  return router;
}

