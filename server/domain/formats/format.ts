import type { DocumentRecord, LabelTypeDef } from '../types.js';
import type { NamedFile } from './archive.js';
import type { DocumentDraft } from './drafts.js';
import type { ExportReport, ImportReport, Place } from './report.js';
import type { W3cAnnotation } from './w3c.js';
import type { Answer, Question } from '../questions/types.js';
import { DEFAULT_VERDICT_SETTINGS, type Speaker, type VerdictSettings } from '../speakers/types.js';

/**
 * One format Framewise reads or writes. Each lives in its own module and is listed once in
 * `registry.ts`; the export and import services, the routes, the CLI usage and the README table
 * read that list. Adding a format is one module and one registry line.
 */
export interface Format {
  /** The `format=` value. */
  name: string;
  /** One line for the README table, the export page and the CLI usage. */
  description: string;
  /** File extension of an export (without the dot). */
  extension: string;
  contentType: string;
  /** How to write it; absent for an import-only format. */
  encode?: Encoding;
  /** How to read it; absent for an export-only format. */
  decode?: (files: NamedFile[], ctx: DecodeContext) => Decoded;
  /**
   * The same reading in steps (optional): the generator pauses (yields) between bounded pieces of
   * work (a slice of a file's bytes, a line, a record) and returns what `decode` returns, so the
   * import can give the event loop a turn between pieces. `decode` is this run to the end.
   */
  decodeSteps?: (files: NamedFile[], ctx: DecodeContext) => DecodeSteps<Decoded>;
}

/** Work done in steps: each `yield` is a point where the caller may pause; the generator returns the result. */
export type DecodeSteps<T> = Generator<undefined, T, void>;

/** Runs steps to the end without pausing (the synchronous reading). */
export function runSteps<T>(steps: DecodeSteps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `text`: the export is one stream of text made of `head`, one chunk per document, `tail`.
 * `files`: each document gives files, packed into a `.tar` or `.zip` (`archive=`).
 */
export type Encoding = { kind: 'text'; create: (ctx: ExportContext) => Encoder<string> } | { kind: 'files'; create: (ctx: ExportContext) => Encoder<EncodedFile[]> };

export interface Encoder<T> {
  head?(): T;
  /**
   * One document, labels already filtered; called in document id order. A text format may return
   * pieces (a long document's lines a batch at a time): the export yields the event loop between them.
   */
  document(doc: DocumentRecord): T | Iterable<T>;
  tail?(): T;
}

export interface EncodedFile {
  name: string;
  content: string;
}

export interface ExportContext {
  /** Filled in as documents are encoded: labels written and labels left out with the reason. */
  report: ExportReport;
  labelTypes: LabelTypeDef[];
  /** `comments=1`: formats with optional comment lines (CoNLL) write them. */
  comments: boolean;
  /** The project's document-level questions, in their order. */
  questions: Question[];
  /**
   * The answers about one document the export keeps (the export's layer and annotator filters
   * applied, see `answersForExport`), in question order, then by annotator.
   */
  answersOf(documentId: string): Answer[];
  /** Claim verdict settings: the rating scale and the organisation named as ClaimReview author. */
  verdictSettings: VerdictSettings;
  /** The speaker entity behind an id, following merges, or `null`. */
  speakerOf(id: string): Speaker | null;
  /** The site's address (`https://host`, no trailing slash) for absolute links; `''` when unknown. */
  baseUrl: string;
}

/** A context for encoders used outside an export (tests, migrations): no questions, no speakers, default verdict settings. */
export function plainExportContext(report: ExportReport, labelTypes: LabelTypeDef[], comments = false): ExportContext {
  return { report, labelTypes, comments, questions: [], answersOf: () => [], verdictSettings: structuredClone(DEFAULT_VERDICT_SETTINGS), speakerOf: () => null, baseUrl: '' };
}

export interface DecodeContext {
  /** Other tools' type names to Framewise types, as given by `map=`. */
  map: Record<string, string>;
  /** Longest text accepted, in UTF-16 code units. */
  maxTextLength: number;
  /** Most records (documents plus labels) one import may hold, for early refusal of huge files. */
  maxRecords: number;
  /** The limits in words, for the message when a file passes them. */
  limitsText: string;
  /** Errors, skipped items and notes go here, with file and line. */
  report: ImportReport;
}

/** A W3C annotation read from a file; it is placed on its document's text once that is known. */
export interface PendingAnnotation {
  place: Place;
  annotation: W3cAnnotation;
  /** A Framewise document id, or a URL to look up in `meta.url`. */
  target: { id?: string; url?: string };
  selectors: Record<string, unknown>[];
}

/** What a decoder read from the files, before anything is checked against the store. */
export interface Decoded {
  documents: DocumentDraft[];
  attached: PendingAnnotation[];
}

export function emptyDecoded(): Decoded {
  return { documents: [], attached: [] };
}

/** A file holds more records than one import may; nothing of it is used (a 413). */
export class TooManyRecords extends Error {}
