import type { DocumentMeta, DocumentRecord, Sourcing } from '../types.js';
import type { Place } from './report.js';
import type { AnswerDraft } from './answers.js';

/**
 * A label read from another tool's file, before it is stored. Offsets are UTF-16 code units into
 * the document text as it will be stored (already converted from code points and normalised).
 */
export interface LabelDraft {
  /** Where it came from, for the report: `T3`, `label 2`, an annotation id. */
  source: string;
  type: string;
  start: number;
  end: number;
  id?: string;
  speaker?: string;
  cue?: string;
  sourcing?: Sourcing;
  note?: string;
  annotator?: string;
  createdAt?: string;
  updatedAt?: string;
}

/** A document read from an import file: either a whole native record or text plus label drafts. */
export type DocumentDraftBody =
  | { kind: 'native'; record: DocumentRecord }
  | { kind: 'text'; id?: string; text: string; meta: Partial<DocumentMeta>; labels: LabelDraft[] };

/** `answers`: document-level answers the file holds (jsonl, Label Studio, doccano), checked against the project's questions on import. */
export type DocumentDraft = DocumentDraftBody & { place: Place; answers?: AnswerDraft[] };


/**
 * A document id from a file name: the name without folders and extension, with every run of
 * characters a document id cannot hold turned into `-`; `null` when nothing usable is left.
 */
export function idFromFileName(name: string): string | null {
  const stem = name.replace(/^.*\//, '').replace(/\.[^.]*$/, '');
  const slug = stem.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+/, '').slice(0, 100).replace(/-+$/, '');
  return slug === '' ? null : slug;
}
