import type { DocumentMeta } from './types.js';
import type { SourceFormat } from './documents.js';
import { normalizeText } from './text.js';

/** What a seed sidecar (`<name>.meta.json`) may say about its article. */
export interface SeedSidecar {
  format?: SourceFormat;
  outlet?: string;
  author?: string;
  url?: string;
  title?: string;
  language?: string;
  /** `YYYY-MM-DD`, for articles whose first line has no ` date ` prefix. */
  publishedAt?: string;
}

export interface ParsedSeed {
  id: string;
  body: string;
  format: SourceFormat;
  meta: Partial<DocumentMeta>;
}

const DATE_LINE = /^ ?date (\d{4}-\d{2}-\d{2}) /;

/**
 * Reads one seed file. A first line ` date YYYY-MM-DD rest` gives `publishedAt`, and `rest` stays
 * the first line of the text. The id is the file name without its extension.
 */
export function parseSeed(fileName: string, content: string, sidecar: SeedSidecar = {}): ParsedSeed {
  const id = fileName.replace(/\.[^.]+$/, '');
  let body = normalizeText(content);
  const meta: Partial<DocumentMeta> = { sourceFile: fileName };
  const date = DATE_LINE.exec(body);
  if (date) {
    meta.publishedAt = date[1];
    body = body.slice(date[0].length);
  }
  const { format = 'text', ...rest } = sidecar;
  return { id, body, format, meta: { ...meta, ...rest } };
}
