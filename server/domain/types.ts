/**
 * The data model of one document file (see ../shared/DESIGN.md).
 * All `start`/`end` offsets in this model are UTF-16 code unit indices (JavaScript string
 * indices) into the exact text of revision `rev`, end exclusive.
 */

export const BUILT_IN_LABEL_TYPES = ['direct-quote', 'reported-claim', 'opinion'] as const;
export type BuiltInLabelType = (typeof BUILT_IN_LABEL_TYPES)[number];

export const SOURCINGS = ['named', 'anonymous', 'document', 'unattributed'] as const;
export type Sourcing = (typeof SOURCINGS)[number];

export const ANCHOR_STATES = ['exact', 'moved', 'fuzzy', 'orphaned'] as const;
export type AnchorState = (typeof ANCHOR_STATES)[number];

export interface DocumentMeta {
  title: string;
  outlet?: string;
  author?: string;
  url?: string;
  /** ISO date, `YYYY-MM-DD`. */
  publishedAt?: string;
  language?: string;
  sourceFile?: string;
}

export interface Revision {
  rev: number;
  text: string;
  createdAt: string;
  author: string;
  message: string;
  /**
   * The labels as they stood on this revision when the next one replaced it (offsets into this
   * revision's text). Absent on the latest revision, whose labels are `DocumentRecord.labels`.
   */
  labels?: Label[];
}

/** W3C TextQuoteSelector: the span's exact text with up to 32 characters of context each side. */
export interface TextQuote {
  exact: string;
  prefix: string;
  suffix: string;
}

export interface Anchor {
  state: AnchorState;
  method: string;
  score?: number;
  fromRev: number;
}

export interface Label {
  id: string;
  type: string;
  /** UTF-16 code units into revisions[rev-1].text. */
  start: number;
  end: number;
  rev: number;
  quote: TextQuote;
  speaker?: string;
  /** The speaker entity (see domain/speakers); `speaker` is then its canonical name. */
  speakerId?: string;
  /** The name as it was typed or found, when it differs from the canonical `speaker` (kept so an alias can be split off again). */
  speakerAs?: string;
  cue?: string;
  sourcing?: Sourcing;
  note?: string;
  annotator: string;
  /** `gold` or an annotator's username (see domain/layers.ts); absent on older labels: the annotator's layer. */
  layer?: string;
  /** Gold labels: the annotator label(s) they were accepted from. Imported labels: who imported them. */
  from?: { labelId: string; annotator: string }[];
  importedBy?: string;
  createdAt: string;
  updatedAt: string;
  anchor: Anchor;
  /** A fact-check of the statement (see domain/speakers/verdicts.ts). */
  verdict?: Verdict;
}

export interface Verdict {
  rating: string;
  summary?: string;
  /** http(s) URLs. */
  evidence?: string[];
  by: string;
  at: string;
}

export interface DocEvent {
  at: string;
  actor: string;
  kind: string;
  labelId?: string;
  rev?: number;
  before?: unknown;
  after?: unknown;
}

export interface LabelTypeDef {
  id: string;
  name: string;
  color: string;
  key?: string;
}

export interface DocumentRecord {
  id: string;
  meta: DocumentMeta;
  revisions: Revision[];
  labels: Label[];
  events: DocEvent[];
  /** Suggestions a reviewer turned down, as `<type>|<exact words>` (see domain/suggestions.ts). */
  rejectedSuggestions?: string[];
}

/** What the document list shows; rebuilt from the document files at start. */
export interface CatalogEntry {
  id: string;
  title: string;
  outlet?: string;
  publishedAt?: string;
  rev: number;
  labelCount: number;
  /** Distinct speakers named on the document's labels, for the editor's suggestions. */
  speakers: string[];
  /** Lower-cased title, outlet and text, for the list's search box. */
  searchText: string;
}

export function latestRevision(doc: DocumentRecord): Revision {
  const last = doc.revisions[doc.revisions.length - 1];
  if (!last) throw new Error(`document ${doc.id} has no revision`);
  return last;
}
