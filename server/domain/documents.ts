import type { CatalogEntry, DocumentMeta, DocumentRecord } from './types.js';
import { latestRevision } from './types.js';
import { htmlToText, markdownToText } from './convert.js';
import { normalizeText } from './text.js';

/** Longest title derived from a document's first sentence, in UTF-16 code units. */
export const MAX_TITLE_LENGTH = 160;

export type SourceFormat = 'text' | 'markdown' | 'html';

export interface NewDocumentInput {
  id: string;
  body: string;
  format: SourceFormat;
  meta?: Partial<DocumentMeta>;
  author: string;
  now: string;
  message?: string;
}

/** The text a source of the given format reads as, normalised. */
export function sourceToText(body: string, format: SourceFormat): string {
  if (format === 'html') return htmlToText(body);
  if (format === 'markdown') return markdownToText(body);
  return normalizeText(body);
}

/** Builds a new document with one revision; the title is derived from the text when not given. */
export function createDocument(input: NewDocumentInput): DocumentRecord {
  const text = sourceToText(input.body, input.format);
  const meta: DocumentMeta = { ...cleanMeta(input.meta ?? {}), title: input.meta?.title?.trim() || deriveTitle(text) };
  return {
    id: input.id,
    meta,
    revisions: [{ rev: 1, text, createdAt: input.now, author: input.author, message: input.message ?? 'Imported' }],
    labels: [],
    events: [{ at: input.now, actor: input.author, kind: 'document.created', rev: 1 }],
  };
}

function cleanMeta(meta: Partial<DocumentMeta>): Partial<DocumentMeta> {
  const out: Partial<DocumentMeta> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (typeof value === 'string' && value.trim() !== '') (out as Record<string, string>)[key] = normalizeText(value.trim());
  }
  return out;
}

/**
 * The title is the first heading or sentence: the first non-empty line when it reads as a heading
 * (no sentence-ending punctuation), otherwise that line's first sentence; long ones are cut at a word.
 */
export function deriveTitle(text: string): string {
  const firstLine = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  if (firstLine === '') return 'Untitled document';
  const sentence = /^(.+?[.!?][”’"')\]]*)(?=\s|$)/u.exec(firstLine);
  const candidate = sentence && sentence[1].length < firstLine.length ? sentence[1] : firstLine;
  return truncateAtWord(candidate, MAX_TITLE_LENGTH);
}

function truncateAtWord(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

export function catalogEntry(doc: DocumentRecord): CatalogEntry {
  const latest = latestRevision(doc);
  return {
    id: doc.id,
    title: doc.meta.title,
    outlet: doc.meta.outlet,
    publishedAt: doc.meta.publishedAt,
    rev: latest.rev,
    labelCount: doc.labels.length,
    speakers: [...new Set(doc.labels.map((l) => l.speaker).filter((s): s is string => !!s))],
    searchText: `${doc.meta.title}\n${doc.meta.outlet ?? ''}\n${latest.text}`.toLowerCase(),
  };
}

/** Catalogue entries matching every word of `query` (case-insensitive), newest first. */
export function searchCatalog(entries: CatalogEntry[], query: string): CatalogEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return entries
    .filter((e) => words.every((w) => e.searchText.includes(w)))
    .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '') || a.title.localeCompare(b.title));
}

/** Every speaker used across the corpus, most used first, then alphabetically. */
export function corpusSpeakers(entries: CatalogEntry[]): string[] {
  const counts = new Map<string, number>();
  for (const e of entries) for (const s of e.speakers) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([s]) => s);
}
