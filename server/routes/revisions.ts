import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { latestRevision, type DocumentRecord, type Revision } from '../domain/types.js';
import { drawSide, labelChanges, labelsAtRevision, textDiff } from '../domain/revision-diff.js';
import { MAX_MESSAGE_LENGTH, WORKER_THRESHOLD, reviseDocument, warmUpReanchorWorker } from '../services/revisions.js';
import { badRequest, HttpError, notFound } from '../http-error.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { sendJsonInSlices } from './json-answer.js';
import { readDocument } from './documents-api.js';
import { AppendOnlyPager, MAX_REVISIONS_PAGE, REVISIONS_HTML_PAGE } from './page-query.js';

const reviseSchema = z
  .object({
    text: z.string({ error: (issue) => (issue.input === undefined ? 'is required: the full new text of the document' : 'must be a string') }),
    baseRev: z.number({ error: 'must be the revision number you edited' }).int('must be a whole number').positive('must be 1 or more').optional(),
    message: z.string().max(MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`).optional(),
    annotator: z.string().optional(),
  })
  .strict();

/**
 * Revisions of a document: the JSON API (new revision, list, one revision, diff) and the pages
 * (list, read-only view of a revision with its re-anchoring report, diff, "Edit text").
 */
export function revisionRoutes(store: Corpus, project: ProjectStore): Router {
  const router = Router();
  const types = () => project.labelTypes();

  router.put('/api/documents/:id/text', async (req, res) => {
    // Labels changed while the re-anchoring runs (after this read) are caught inside the store's
    // update (reviseDocument re-checks them there and re-anchors or recomputes).
    const doc = await readDocument(store, req);
    const body = parseWith(reviseSchema, req.body ?? {});
    const { doc: updated, created, report } = await reviseDocument(store, doc.id, { text: body.text, baseRev: body.baseRev, message: body.message, author: actorOf(req) });
    if (created) res.status(201).location(`/api/documents/${doc.id}/revisions/${report.toRev}`);
    // Not the whole document: its text and labels are what the client just sent and what the report
    // lists (at the limits 2,000,000 characters and 20,000 labels, a second copy to serialise).
    // The report lists every label (20,000 at the limit): serialised in slices.
    await sendJsonInSlices(req, res, { id: updated.id, meta: updated.meta, rev: latestRevision(updated).rev, created, report });
  });

  // Without `limit` or `cursor`: the array of old, of at most MAX_REVISIONS_PAGE revisions, with a
  // Link header to the next page; with either: { items, total, next }.
  const pager = new AppendOnlyPager();
  router.get('/api/documents/:id/revisions', async (req, res) => {
    const doc = await readDocument(store, req);
    const paged = req.query.limit !== undefined || req.query.cursor !== undefined;
    const page = pager.page(doc.revisions, `revisions:${doc.id}`, req.query, MAX_REVISIONS_PAGE);
    const items = page.items.map((r) => revisionSummary(doc, r));
    res.set('X-Total-Count', String(page.total));
    if (page.next) res.set('Link', `</api/documents/${doc.id}/revisions?limit=${page.items.length}&cursor=${page.next}>; rel="next"`);
    res.json(paged ? { items, total: page.total, next: page.next } : items);
  });

  router.get('/api/documents/:id/revisions/:rev', async (req, res) => {
    const doc = await readDocument(store, req);
    const revision = revisionOf(doc, req.params.rev, 'rev');
    res.json({ ...revisionSummary(doc, revision), text: revision.text, labels: labelsAtRevision(doc, revision.rev), report: reportOf(doc, revision.rev) });
  });

  router.get('/api/documents/:id/diff', async (req, res) => {
    const doc = await readDocument(store, req);
    const { from, to } = diffRange(doc, req);
    const diff = textDiff(from.text, to.text);
    const fromLabels = labelsAtRevision(doc, from.rev)!;
    const toLabels = labelsAtRevision(doc, to.rev)!;
    res.json({
      id: doc.id,
      from: revisionSummary(doc, from),
      to: revisionSummary(doc, to),
      precision: diff.precision,
      hunks: diff.hunks,
      parts: diff.parts,
      labels: { from: fromLabels, to: toLabels },
      labelChanges: labelChanges(fromLabels, toLabels),
    });
  });

  // Newest first, REVISIONS_HTML_PAGE at a time (`limit` up to MAX_REVISIONS_PAGE), *Older revisions* to the next page.
  router.get('/documents/:id/revisions', async (req, res) => {
    const doc = await readDocument(store, req);
    const page = pager.pageNewestFirst(doc.revisions, `revisions:${doc.id}`, req.query, MAX_REVISIONS_PAGE, REVISIONS_HTML_PAGE);
    const revisions = page.items.map((r) => revisionSummary(doc, r));
    const limit = page.items.length;
    const nextUrl = page.next ? `/documents/${doc.id}/revisions?limit=${limit}&cursor=${encodeURIComponent(page.next)}` : null;
    res.render('revisions/list', { title: `Revisions · ${doc.meta.title}`, doc, revisions, latestRev: latestRevision(doc).rev, total: page.total, nextUrl });
  });

  router.get('/documents/:id/revisions/:rev', async (req, res) => {
    const doc = await readDocument(store, req);
    const revision = revisionOf(doc, req.params.rev, 'rev');
    const labels = labelsAtRevision(doc, revision.rev)!;
    res.render('revisions/show', {
      title: `Revision ${revision.rev} · ${doc.meta.title}`,
      mainClass: 'wide',
      doc,
      revision,
      latestRev: latestRevision(doc).rev,
      labels: labels.filter((l) => l.anchor.state !== 'orphaned').sort((a, b) => a.start - b.start || b.end - a.end),
      orphaned: labels.filter((l) => l.anchor.state === 'orphaned'),
      paragraphs: drawSide(revision.text, labels, []),
      report: reportOf(doc, revision.rev),
      saved: req.query.saved === '1',
      types: types(),
    });
  });

  router.get('/documents/:id/diff', async (req, res) => {
    const doc = await readDocument(store, req);
    const { from, to } = diffRange(doc, req);
    const diff = textDiff(from.text, to.text);
    const fromLabels = labelsAtRevision(doc, from.rev)!;
    const toLabels = labelsAtRevision(doc, to.rev)!;
    const deleted = diff.hunks.map((h) => ({ start: h.oldStart, end: h.oldEnd }));
    const inserted = diff.hunks.map((h) => ({ start: h.newStart, end: h.newEnd }));
    res.render('revisions/diff', {
      title: `Changes ${from.rev} → ${to.rev} · ${doc.meta.title}`,
      mainClass: 'wide',
      doc,
      from,
      to,
      revisions: doc.revisions,
      diff,
      stats: diffStats(diff.parts),
      changes: labelChanges(fromLabels, toLabels),
      fromParagraphs: drawSide(from.text, fromLabels, deleted),
      toParagraphs: drawSide(to.text, toLabels, inserted),
      types: types(),
    });
  });

  router.get('/documents/:id/edit', async (req, res) => {
    const doc = await readDocument(store, req);
    const latest = latestRevision(doc);
    // A large text will be re-anchored on the worker thread: start it while the user edits.
    if (2 * latest.text.length > WORKER_THRESHOLD) warmUpReanchorWorker();
    renderEdit(res, doc, { text: latest.text, message: '', baseRev: latest.rev });
  });

  router.post('/documents/:id/edit', async (req, res) => {
    const doc = await readDocument(store, req);
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const values = {
      text: typeof raw.text === 'string' ? raw.text : '',
      message: typeof raw.message === 'string' ? raw.message : '',
      baseRev: typeof raw.baseRev === 'string' && /^\d{1,9}$/.test(raw.baseRev) ? Number(raw.baseRev) : latestRevision(doc).rev,
    };
    try {
      if (typeof raw.text !== 'string') throw badRequest('the form has no "text" field: the full new text is required', 'missing_text');
      if (values.message.length > MAX_MESSAGE_LENGTH) throw badRequest(`the message must be at most ${MAX_MESSAGE_LENGTH} characters`, 'invalid_input');
      const result = await reviseDocument(store, doc.id, { text: values.text, baseRev: values.baseRev, message: values.message, author: actorOf(req) });
      if (!result.created) {
        renderEdit(res, result.doc, { ...values, baseRev: latestRevision(result.doc).rev }, { notice: 'The text is the same as the latest revision, so no revision was created.' });
        return;
      }
      res.redirect(303, `/documents/${doc.id}/revisions/${result.report.toRev}?saved=1#report`);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const latestRev = (err.details as { latestRev?: number } | undefined)?.latestRev;
      const fresh = (await store.getDocument(doc.id)) ?? doc;
      res.status(err.status);
      renderEdit(res, fresh, { ...values, baseRev: latestRev ?? values.baseRev }, { error: err.message, conflictFrom: latestRev ? values.baseRev : undefined });
    }
  });

  return router;
}

interface EditValues {
  text: string;
  message: string;
  baseRev: number;
}

function renderEdit(res: Response, doc: DocumentRecord, values: EditValues, extra: { error?: string; notice?: string; conflictFrom?: number } = {}): void {
  res.render('revisions/edit', {
    title: `Edit text · ${doc.meta.title}`,
    doc,
    values,
    latestRev: latestRevision(doc).rev,
    labelCount: doc.labels.length,
    maxMessage: MAX_MESSAGE_LENGTH,
    error: extra.error ?? null,
    notice: extra.notice ?? null,
    conflictFrom: extra.conflictFrom ?? null,
  });
}

/** What lists show of a revision (no text). */
function revisionSummary(doc: DocumentRecord, r: Revision) {
  const labels = labelsAtRevision(doc, r.rev) ?? [];
  return { rev: r.rev, createdAt: r.createdAt, author: r.author, message: r.message, length: r.text.length, labelCount: labels.length, latest: r.rev === latestRevision(doc).rev };
}

/** The revision named by a path or query value, or a 400 (not a number) / 404 (no such revision). */
function revisionOf(doc: DocumentRecord, value: unknown, name: string): Revision {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) {
    throw badRequest(`${name} must be a revision number (1 to ${latestRevision(doc).rev}), not "${String(value).slice(0, 40)}"`, 'invalid_rev');
  }
  const revision = doc.revisions[Number(value) - 1];
  if (!revision || revision.rev !== Number(value)) throw notFound(`document "${doc.id}" has no revision ${value}; its revisions are 1 to ${latestRevision(doc).rev}`);
  return revision;
}

/** `from` and `to` from the query; by default the latest revision and the one before it. */
function diffRange(doc: DocumentRecord, req: Request): { from: Revision; to: Revision } {
  const latest = latestRevision(doc);
  const to = req.query.to === undefined ? latest : revisionOf(doc, req.query.to, 'to');
  const from = req.query.from === undefined ? doc.revisions[Math.max(0, to.rev - 2)] : revisionOf(doc, req.query.from, 'from');
  return { from, to };
}

/** The re-anchoring report recorded when revision `rev` was created; `null` for the first revision. */
function reportOf(doc: DocumentRecord, rev: number): unknown {
  const event = doc.events.find((e) => e.kind === 'revision.created' && e.rev === rev);
  return event?.after ?? null;
}

function diffStats(parts: { op: string; text: string }[]) {
  const words = (s: string) => (s.match(/[\p{L}\p{N}]+/gu) ?? []).length;
  return {
    deletedWords: parts.filter((p) => p.op === 'delete').reduce((n, p) => n + words(p.text), 0),
    insertedWords: parts.filter((p) => p.op === 'insert').reduce((n, p) => n + words(p.text), 0),
  };
}
