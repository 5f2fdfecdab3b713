import { Router } from 'express';
import type { Corpus } from '../store/corpus.js';
import type { ProjectStore } from '../store/project-store.js';
import { listDocumentsPage, type AssigneeSource } from './document-list.js';
import type { PasteDetection } from '../domain/paste-detect.js';
import { createFromBody, newDocumentSchema, pasteWarning, pickSource, type NewDocumentBody } from '../services/documents.js';
import { FETCH_MAX_BYTES, FETCH_TIMEOUT_MS } from '../services/fetch-page.js';
import { HttpError, badRequest } from '../http-error.js';
import { parseWith } from './validate.js';
import { actorOf } from './actor.js';
import { editorPages } from './editor-pages.js';

const FORMATS = ['text', 'html', 'markdown'] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (v: unknown): v is Format => typeof v === 'string' && (FORMATS as readonly string[]).includes(v);

/** What the add-document page shows: the paste form's values, and at most one of its messages. */
interface NewPage {
  values: Record<string, string>;
  error?: string | null;
  /** Plain text that looks like HTML or Markdown: nothing is stored until the user picks a button. */
  paste?: PasteDetection | null;
  urlValue?: string;
  urlError?: string | null;
}

const fetchLimits = { megabytes: FETCH_MAX_BYTES / 1024 / 1024, seconds: FETCH_TIMEOUT_MS / 1000 };
const render = (page: NewPage) => ({ title: 'Add document', error: null, paste: null, urlValue: '', urlError: null, fetchLimits, ...page });

/**
 * The page's sentence for a refused "Add by URL", by the refusal's code: a lead saying what kind of
 * refusal it is, then the service's own message (which names the URL, host or limit).
 */
const URL_REFUSALS: Record<string, { lead: string; detail: boolean }> = {
  invalid_input: { lead: 'Only web addresses that start with http:// or https:// can be added.', detail: false },
  invalid_url: { lead: 'That web address cannot be fetched:', detail: true },
  private_address: { lead: 'That address is not fetched:', detail: true },
  too_large: { lead: 'That page is too big to add:', detail: true },
  fetch_timeout: { lead: 'That site is too slow:', detail: true },
  not_html: { lead: 'That address is not a web page:', detail: true },
  too_many_redirects: { lead: 'That page could not be fetched:', detail: true },
  fetch_failed: { lead: 'That page could not be fetched:', detail: true },
  missing_text: { lead: 'No article text was found on that page.', detail: false },
};

function urlRefusal(err: HttpError): string {
  const known = URL_REFUSALS[err.code];
  const detail = /[.!?]$/.test(err.message) ? err.message : `${err.message}.`;
  if (!known) return `${detail.charAt(0).toUpperCase()}${detail.slice(1)}`;
  return known.detail ? `${known.lead} ${detail}` : known.lead;
}

export function documentsPages(store: Corpus, project: ProjectStore, assignees?: AssigneeSource): Router {
  const router = Router();

  router.get('/', listDocumentsPage(store, assignees));

  router.get('/documents/new', (_req, res) => {
    res.render('documents/new', render({ values: {} }));
  });

  /**
   * One route for both forms of the page. `from=url`: "Add by URL" (the same service as
   * `POST /api/documents { url }`). Otherwise the pasted content in `format`; plain text that looks
   * like HTML or Markdown is shown again (200) with the choice, and `as` (the button pressed) stores it.
   */
  router.post('/documents', async (req, res) => {
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const field = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
    if (field('from') === 'url') {
      const url = field('url').trim();
      try {
        if (url === '') throw badRequest('Give the web address of a page to add.', 'missing_url');
        const body = parseWith(newDocumentSchema, { url });
        const doc = await createFromBody(store, body, actorOf(req));
        return res.redirect(303, `/documents/${doc.id}`);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        return res.status(err.status).render('documents/new', render({ values: {}, urlValue: url, urlError: urlRefusal(err) }));
      }
    }

    const chosen = isFormat(raw.as) ? raw.as : null;
    const format: Format = chosen ?? (isFormat(raw.format) ? raw.format : 'text');
    const values: Record<string, string> = {};
    for (const k of ['title', 'outlet', 'author', 'url', 'publishedAt', 'content']) values[k] = field(k);
    values.format = format;
    try {
      const body: NewDocumentBody = parseWith(newDocumentSchema, {
        title: values.title, outlet: values.outlet, author: values.author, url: values.url, publishedAt: values.publishedAt,
        [format]: values.content,
      });
      if (format === 'text' && !chosen && values.content.trim() !== '') {
        pickSource(body); // a text that would be refused anyway is refused before the question
        const warning = pasteWarning(body);
        if (warning) return res.status(200).render('documents/new', render({ values, paste: warning.detection }));
      }
      const doc = await createFromBody(store, body, actorOf(req));
      res.redirect(303, `/documents/${doc.id}`);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      res.status(err.status).render('documents/new', render({ values, error: err.message }));
    }
  });

  router.use(editorPages(store, project));

  return router;
}
