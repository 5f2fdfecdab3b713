import type { Label, Sourcing } from '../types.js';

/**
 * What statement matching reads of one document: its latest revision and the labels on it.
 * All offsets in this folder are UTF-16 code units into `text`, end exclusive.
 */
export interface CorpusDocument {
  id: string;
  title: string;
  outlet?: string;
  publishedAt?: string;
  rev: number;
  text: string;
  labels: Label[];
}

export type PassageKind = 'label' | 'quote' | 'sentence';

/**
 * A unit that can render a statement: a labelled span, a quotation, or a sentence. Its words are
 * integer ids (see `WordIds`) with their UTF-16 ranges in the document; the arrays may be views
 * into the document's arrays.
 */
export interface Passage {
  /** Index of the document in the corpus array. */
  doc: number;
  kind: PassageKind;
  start: number;
  end: number;
  words: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Ids of its content words in text order: what shingles are made of. */
  contentSeq: Int32Array;
  /** The same ids sorted: a cheap bound on shared content words before aligning. */
  content: Int32Array;
  labelId?: string;
}

/** Two passages found to render the same statement: the aligned token ranges, end exclusive. */
export interface PassageMatch {
  a: number;
  b: number;
  aFrom: number;
  aTo: number;
  bFrom: number;
  bTo: number;
  /** Aligned words that are equal after normalisation. */
  matched: number;
}

/** The label a rendering carries, if any. */
export interface RenderingLabel {
  id: string;
  type: string;
  start: number;
  end: number;
  speaker?: string;
  cue?: string;
  sourcing?: Sourcing;
}

export type DiffOp = 'same' | 'added' | 'removed';

/** One run of a word diff; `text` is the rendering's own text (or the reference's, for removed runs). */
export interface DiffPart {
  op: DiffOp;
  text: string;
}

/**
 * How a rendering relates to the cluster's reference: the same words (`verbatim`), only words
 * dropped (`cut`), or words added or changed (`altered`).
 */
export type RenderingKind = 'verbatim' | 'cut' | 'altered';

export interface Rendering {
  documentId: string;
  title: string;
  outlet?: string;
  publishedAt?: string;
  rev: number;
  /** The statement as this document renders it: UTF-16 offsets into revision `rev`. */
  start: number;
  end: number;
  text: string;
  /** The whole sentence(s) around the rendering. */
  context: { start: number; end: number; text: string };
  /** Inside quotation marks. */
  quoted: boolean;
  label: RenderingLabel | null;
  isReference: boolean;
  kind: RenderingKind;
  /** Share of words in common with the reference: 2·common / (words here + words there), 0-1. */
  similarity: number;
  /** Word diff from the reference to this rendering. */
  diff: DiffPart[];
  /** Normalised words, for statistics. */
  words: string[];
}

export interface StatementCluster {
  /** Derived from the member documents and their words: stable for the same data. */
  id: string;
  renderings: Rendering[];
  documentCount: number;
  labelledCount: number;
  /** Speakers named on the renderings' labels, most frequent first. */
  speakers: string[];
  outlets: string[];
  types: string[];
  firstDate?: string;
  lastDate?: string;
}
