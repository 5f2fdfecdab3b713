import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createDocument, type SourceFormat } from '../domain/documents.js';
import type { DocumentRecord } from '../domain/types.js';
import type { Corpus } from '../store/corpus.js';
import { badRequest, tooLarge } from '../http-error.js';
import { hasLoneSurrogate } from '../domain/text.js';
import { extractArticle, looksLikePage } from '../domain/extract/article.js';
import { fetchPage } from './fetch-page.js';
import { detectPastedMarkup, type PasteDetection } from '../domain/paste-detect.js';

/** Longest source accepted for one document (text, HTML or Markdown), in UTF-16 code units. */
export const MAX_SOURCE_LENGTH = 2_000_000;

/** Control characters never belong in a one-line field; in text only tab and line breaks do. */
const LINE_CONTROL = /[\u0000-\u001f\u007f]/;
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const metaString = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !LINE_CONTROL.test(s), 'contains a control character')
    .refine((s) => !hasLoneSurrogate(s), 'contains an unpaired surrogate (invalid Unicode)')
    .optional();
const httpUrl = z
  .string()
  .max(2000)
  .refine((s) => /^https?:\/\/[^\s]+$/i.test(s), 'must be an http:// or https:// URL')
  .optional();

export const newDocumentSchema = z.object({
  title: metaString(500),
  outlet: metaString(200),
  author: metaString(200),
  url: z.union([httpUrl, z.literal('')]).optional(),
  publishedAt: z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD'), z.literal('')]).optional(),
  language: metaString(35),
  text: z.string().optional(),
  html: z.string().optional(),
  markdown: z.string().optional(),
});
export type NewDocumentBody = z.infer<typeof newDocumentSchema>;

/** Which one of text / html / markdown the body carries; exactly one must be non-empty. */
export function pickSource(body: NewDocumentBody): { source: string; format: SourceFormat } {
  const given = (['text', 'html', 'markdown'] as const).filter((k) => typeof body[k] === 'string' && body[k]!.trim() !== '');
  if (given.length === 0) throw badRequest('the document needs its content: give one of "text", "html" or "markdown"', 'missing_text');
  if (given.length > 1) throw badRequest(`give only one of "text", "html" or "markdown", not ${given.join(' and ')}`, 'ambiguous_source');
  const key = given[0];
  const source = body[key]!;
  if (source.length > MAX_SOURCE_LENGTH) {
    throw tooLarge(`"${key}" is ${source.length.toLocaleString('en')} characters; the limit is ${MAX_SOURCE_LENGTH.toLocaleString('en')}`);
  }
  const problem = textProblem(source);
  if (problem) throw badRequest(`"${key}" ${problem}`, 'invalid_text');
  return { source, format: key === 'text' ? 'text' : key };
}

/** Why a document's text cannot be stored, or `null`: lone surrogates and control characters are refused. */
export function textProblem(text: string): string | null {
  if (hasLoneSurrogate(text)) return 'contains an unpaired surrogate (invalid Unicode)';
  const control = TEXT_CONTROL.exec(text);
  if (control) return `contains a control character (U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) at position ${control.index}`;
  return null;
}

export interface PasteWarning {
  code: 'looks_like_html' | 'looks_like_markdown';
  message: string;
  detection: PasteDetection;
}

/**
 * When the body's content is plain `text` that reads like HTML or Markdown source
 * (server/domain/paste-detect.ts), a warning naming what was seen; otherwise `null`.
 */
export function pasteWarning(body: NewDocumentBody): PasteWarning | null {
  if (typeof body.text !== 'string' || body.text.trim() === '') return null;
  const detection = detectPastedMarkup(body.text);
  if (!detection) return null;
  const name = detection.looksLike === 'html' ? 'HTML' : 'Markdown';
  return {
    code: `looks_like_${detection.looksLike}`,
    message: `"text" looks like ${name} (${detection.seen.join(', ')}) and was stored as given, markup included; send it as "${detection.looksLike}" to have it read as ${name}`,
    detection,
  };
}

/** Creates a document from a validated request body; returns the stored record. */
export async function createFromBody(store: Corpus, body: NewDocumentBody, author: string, fetcher: typeof fetchPage = fetchPage): Promise<DocumentRecord> {
  const hasContent = (['text', 'html', 'markdown'] as const).some((k) => typeof body[k] === 'string' && body[k]!.trim() !== '');
  if (!hasContent && body.url) {
    // "Add by URL": the page is fetched (limits in fetch-page.ts), then extracted like pasted HTML.
    const page = await fetcher(body.url);
    body = { ...body, html: page.html, url: page.url };
  }
  let { source, format } = pickSource(body);
  let found: Partial<NewDocumentBody> = {};
  if (format === 'html' && looksLikePage(source)) {
    const article = extractArticle(source, body.url || undefined);
    if (article.text.trim() !== '') {
      source = article.text;
      format = 'text';
    }
    found = { title: article.title, author: article.author, publishedAt: article.publishedAt, outlet: article.outlet, url: article.url };
  }
  const pick = (k: 'title' | 'outlet' | 'author' | 'url' | 'publishedAt') => (body[k] ? body[k] : found[k]);
  const doc = createDocument({
    id: randomUUID(),
    body: source,
    format,
    meta: { title: pick('title'), outlet: pick('outlet'), author: pick('author'), url: pick('url'), publishedAt: pick('publishedAt'), language: body.language },
    author,
    now: new Date().toISOString(),
  });
  if (doc.revisions[0].text.trim() === '') throw badRequest(`the ${format} has no readable text once cleaned`, 'missing_text');
  await store.create(doc);
  return doc;
}
