/** Where a problem was found: a file name and, for line-based formats, a 1-based line number. */
export interface Place {
  file: string;
  line?: number;
}

export interface SkippedItem extends Place {
  /** What was skipped: a label, a brat line id, a document... */
  item: string;
  reason: string;
}

export interface ImportError extends Place {
  message: string;
}

/** What an import did, or would have done when it stopped at errors. */
export interface ImportReport {
  format: string;
  /** False when errors stopped the import or it was a dry run (nothing was written). */
  committed: boolean;
  /** A preview: the counts say what the import would do; nothing was written. */
  dryRun: boolean;
  /** Documents created (`imported`), given a new revision (`revised`), or found with the same text. */
  documents: { imported: number; revised: number; unchanged: number };
  /** Labels added, and labels the file holds that the document has already (same type, same span). */
  labels: { imported: number; existing: number };
  /** Label types added to the project (in a dry run: that would be). */
  typesAdded: string[];
  /**
   * Every label type the import uses: as named in the file after `map=` (`name`), the project type
   * it becomes (`type`), and how: `mapped` (a `map=` target), `known` (the project has it, maybe
   * under another case or punctuation), `new` (added to the project).
   */
  types: { name: string; type: string; how: 'mapped' | 'known' | 'new' }[];
  /** Document-level answers written, and those the store had already; present when the file holds answers to the project's questions. */
  answers?: { imported: number; existing: number };
  skipped: SkippedItem[];
  errors: ImportError[];
  /** Things done that a user should know about (joined brat fragments, duplicates dropped...). */
  notes: string[];
}

export function emptyImportReport(format: string): ImportReport {
  return { format, committed: false, dryRun: false, documents: { imported: 0, revised: 0, unchanged: 0 }, labels: { imported: 0, existing: 0 }, typesAdded: [], types: [], skipped: [], errors: [], notes: [] };
}

/** What an export left out or changed, per reason; printed by the CLI and appended by CoNLL. */
export interface ExportReport {
  documents: number;
  labels: number;
  /** Labels not written because the format cannot hold them, with the reason. */
  omitted: { labelId: string; documentId: string; reason: string }[];
}

/** One line per problem, `file:line: message`, for the CLI and the import page. */
export function placeOf(p: Place): string {
  return p.line === undefined ? p.file : `${p.file}:${p.line}`;
}
